"""platform: publish flags, web pictures, news, follow-up, public results, site messages

Revision ID: 0007_platform
Revises: 0007_syncclient
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_platform"
down_revision = "0007_syncclient"
branch_labels = None
depends_on = None


def _synced() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    ]


def _index(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.create_index(batch.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("published", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("project") as batch:
        batch.add_column(sa.Column("published", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("web_picture", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "news_post",
        sa.Column(
            "campaign_id", sa.String(length=36), sa.ForeignKey("campaign.id"), nullable=False
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("web_picture", sa.Text(), nullable=False),
        sa.Column("picture_alt", sa.String(length=300), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=True),
        *_synced(),
    )
    _index("news_post", "campaign_id")
    op.create_table(
        "project_followup",
        sa.Column(
            "campaign_id", sa.String(length=36), sa.ForeignKey("campaign.id"), nullable=False
        ),
        sa.Column("project_id", sa.String(length=36), sa.ForeignKey("project.id"), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("web_picture", sa.Text(), nullable=False),
        sa.Column("picture_alt", sa.String(length=300), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        *_synced(),
    )
    _index("project_followup", "campaign_id", "project_id")
    op.create_table(
        "public_result",
        sa.Column(
            "campaign_id", sa.String(length=36), sa.ForeignKey("campaign.id"), nullable=False
        ),
        sa.Column(
            "residence_id", sa.String(length=36), sa.ForeignKey("residence.id"), nullable=False
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=True),
        *_synced(),
    )
    _index("public_result", "campaign_id", "residence_id")
    op.create_table(
        "site_message",
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("residence_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reply_how", sa.String(length=16), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=True),
        sa.Column("handled_at", sa.String(length=32), nullable=True),
        *_synced(),
    )
    _index("site_message", "campaign_id")


def downgrade() -> None:
    for table in ("site_message", "public_result", "project_followup", "news_post"):
        op.drop_table(table)
    with op.batch_alter_table("project") as batch:
        batch.drop_column("web_picture")
        batch.drop_column("published")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("published")
