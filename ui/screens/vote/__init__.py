"""The Vote screen: ballot styles, preview, print batches and printing."""
