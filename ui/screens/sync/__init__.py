"""The Synchronisation screen and the background sync that keeps the status bar honest."""
