"""syncmerge: unique keys that two laptops satisfy separately become partial indexes

One results rule per campaign and one project number per residence hold among live records
only (a tombstone frees its key: the sync server merges a second results rule into the first as
a tombstone, and a deleted project's number may be taken again). One image page per count
session holds among the sheets this laptop scanned itself: a sheet pulled from another laptop
may repeat one (the server flags both for review, `duplicate_sheet`). See docs/sync.md.

Revision ID: 0008_syncmerge
Revises: 0007_permanences
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_syncmerge"
down_revision = "0008_syncfiles"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
OWN = sa.text("device_id <> 'server'")
INDEXES = (
    ("results_rule", "uq_results_rule_campaign", "uq_results_rule_live", ["campaign_id"], LIVE),
    ("project", "uq_project_number", "uq_project_number_live", ["residence_id", "number"], LIVE),
    (
        "count_sheet",
        "uq_sheet_image_page",
        "uq_sheet_image_page_own",
        ["session_id", "image_sha256", "page"],
        OWN,
    ),
)


def upgrade() -> None:
    for table, constraint, index, columns, where in INDEXES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(constraint, type_="unique")
        op.create_index(index, table, columns, unique=True, sqlite_where=where)


def downgrade() -> None:
    for table, constraint, index, columns, _where in INDEXES:
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.create_unique_constraint(constraint, columns)
