"""platform2: online ideas (a campaign's switch, the idea's origin, moderation and the proposer's
optional name and contact); the verification bundles published with the results

Revision ID: 0008_platform2
Revises: 0008_consult2
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_platform2"
down_revision = "0008_consult2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(
            sa.Column("online_ideas", sa.Boolean(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("idea") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="meeting")
        )
        batch.add_column(
            sa.Column("moderation", sa.String(length=16), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("moderation_reason", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("online_name", sa.String(length=100), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("online_contact", sa.String(length=120), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("name_public", sa.Boolean(), nullable=False, server_default="0"))

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
    with op.batch_alter_table("idea") as batch:
        for column in (
            "name_public", "online_contact", "online_name", "moderation_reason", "moderation",
            "origin",
        ):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("online_ideas")
