"""Seeded evaluation corpus of the ballot reader (see docs/scanner.md)."""
