"""platform2: the verification bundles published with the results (docs/platform.md)

Revision ID: 0009_platform2
Revises: 0008_platform2
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_platform2"
down_revision = "0008_platform2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_bundle",
        sa.Column(
            "campaign_id", sa.String(length=36), sa.ForeignKey("campaign.id"), nullable=False
        ),
        sa.Column(
            "residence_id", sa.String(length=36), sa.ForeignKey("residence.id"), nullable=False
        ),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("verification_bundle") as batch:
        for column in ("campaign_id", "residence_id", "session_id"):
            batch.create_index(batch.f(f"ix_verification_bundle_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("verification_bundle")
