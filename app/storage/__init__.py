"""The store: SQLAlchemy tables (`tables`, and `count_tables` for the count), the unit of work,
the database file and its Alembic migrations.

Importing any module of this package registers every table on `tables.Base.metadata` (the
package imports both table modules), so the metadata is always complete: for the migrations'
comparison, for databases built from the metadata alone, and for the mappers. The table modules
themselves import one way only (`count_tables` -> `tables`).
"""

from __future__ import annotations

from app.storage import count_tables, site_tables, tables

__all__ = ["count_tables", "site_tables", "tables"]
