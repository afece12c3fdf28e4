"""The store: SQLAlchemy tables (`tables`, `count_tables` for the count, `site_tables` for the
public site, `consultant_tables` for appointments and surveys), the unit of work, the database
file and its Alembic migrations.

Importing any module of this package registers every table on `tables.Base.metadata` (the
package imports every table module), so the metadata is always complete: for the migrations'
comparison, for databases built from the metadata alone, and for the mappers. The table modules
themselves import one way only (`count_tables`, `site_tables`, `consultant_tables` -> `tables`).
"""

from __future__ import annotations

from app.storage import consultant_tables, count_tables, site_tables, tables

__all__ = ["consultant_tables", "count_tables", "site_tables", "tables"]
