"""sync outbox: pending_change lists written records until they are pushed

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_change",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("changed_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("pending_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_change_record_id"), ["record_id"], unique=False
        )

    # Records written before this revision existed are all waiting for their first sync.
    for table in (
        "campaign",
        "residence",
        "meeting",
        "question",
        "participant",
        "idea",
        "project",
        "criterion",
        "commission_session",
        "review",
    ):
        op.execute(
            f"INSERT INTO pending_change (table_name, record_id, op, changed_at) "
            f"SELECT '{table}', id, 'upsert', updated_at FROM {table} ORDER BY created_at"
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_change_record_id"))

    op.drop_table("pending_change")
