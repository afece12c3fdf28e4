"""consult2: a follow-up to do on a message from the public site (the Permanences inbox)

Revision ID: 0008_consult2
Revises: 0007_permanences
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_consult2"
down_revision = "0008_syncmerge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_message") as batch:
        batch.add_column(sa.Column("follow_up", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("follow_up_done", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("site_message") as batch:
        batch.drop_column("follow_up_done")
        batch.drop_column("follow_up")
