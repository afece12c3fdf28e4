"""Builders shared by several test files (no test lives here): `audit` (a realistic audit chain
built with the real code), `counting` (a real campaign with printed and marked ballots) and
`verify` (a real count and its verification bundle)."""
