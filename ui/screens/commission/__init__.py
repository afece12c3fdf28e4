"""The Commission screen: the review grid, its keyboard keys and the session panel."""
