"""Exchange with the ecosystem: spreadsheets (CSV, XLSX) and Decidim files (docs/interop.md).

Plain data in and out, no Qt. Every import first builds a preview (what would be created or
updated, line by line) and then applies it in one transaction: entirely or not at all.
"""
