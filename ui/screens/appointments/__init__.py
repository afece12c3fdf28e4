"""Permanences: the hot line's day view, its booking form and the weekly sheet."""
