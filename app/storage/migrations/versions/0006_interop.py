"""interop: the Decidim id of an idea (a proposal) and of a project (a budgets project)

Revision ID: 0006_interop
Revises: 0005_secrecy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_interop"
down_revision = "0005_secrecy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("idea", "project"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("decidim_id", sa.String(length=32), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in ("idea", "project"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("decidim_id")
