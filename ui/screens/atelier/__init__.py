"""The workshop window (atelier): a full-screen idea entry for a meeting, and its widgets."""
