"""Builders shared by several test folders (no test lives here): `counting` (a real campaign with
printed and marked ballots) and `verify` (a real count and its verification bundle)."""
