"""dashboard: the evaluation report's recommendations; online votes imported from Decidim

Revision ID: 0007_dashboard
Revises: 0007_platform
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_dashboard"
down_revision = "0007_platform"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("recommendations", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "online_vote",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column(
            "campaign_id", sa.String(length=36), sa.ForeignKey("campaign.id"), nullable=False
        ),
        sa.Column(
            "residence_id", sa.String(length=36), sa.ForeignKey("residence.id"), nullable=False
        ),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("ballots", sa.JSON(), nullable=False),
    )
    op.create_index("ix_online_vote_campaign_id", "online_vote", ["campaign_id"])
    op.create_index("ix_online_vote_residence_id", "online_vote", ["residence_id"])


def downgrade() -> None:
    op.drop_index("ix_online_vote_residence_id", "online_vote")
    op.drop_index("ix_online_vote_campaign_id", "online_vote")
    op.drop_table("online_vote")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("recommendations")
