"""platform2: online ideas (a campaign's switch, the idea's origin, moderation and the proposer's
optional name and contact)

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


def downgrade() -> None:
    with op.batch_alter_table("idea") as batch:
        for column in (
            "name_public", "online_contact", "online_name", "moderation_reason", "moderation",
            "origin",
        ):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("online_ideas")
