"""permanences: hot-line appointments, paper surveys and their returned forms

Revision ID: 0007_permanences
Revises: 0007_dashboard
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_permanences"
down_revision = "0007_dashboard"
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "appointment",
        *_synced(),
        sa.Column("campaign_id", sa.String(36), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("residence_id", sa.String(36), sa.ForeignKey("residence.id"), nullable=True),
        sa.Column("consultant", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Boolean(), nullable=False),
        sa.Column("resident_name", sa.String(200), nullable=False),
        sa.Column("resident_contact", sa.String(200), nullable=False),
        sa.Column("consent_at", sa.String(length=10), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("theme", sa.String(100), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("follow_up_done", sa.Boolean(), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=False),
    )
    for column in ("campaign_id", "residence_id", "starts_at"):
        op.create_index(f"ix_appointment_{column}", "appointment", [column])
    op.create_table(
        "survey",
        *_synced(),
        sa.Column("campaign_id", sa.String(36), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("layout_json", sa.Text(), nullable=False),
        sa.Column("template_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_survey_campaign_id", "survey", ["campaign_id"])
    op.create_index("ix_survey_template_hash", "survey", ["template_hash"])
    op.create_table(
        "survey_response",
        *_synced(),
        sa.Column("survey_id", sa.String(36), sa.ForeignKey("survey.id"), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("doubts", sa.JSON(), nullable=False),
        sa.Column("text_image", sa.Text(), nullable=False),
        sa.Column("text_transcript", sa.Text(), nullable=False),
    )
    op.create_index("ix_survey_response_survey_id", "survey_response", ["survey_id"])
    op.create_index("ix_survey_response_file_sha256", "survey_response", ["file_sha256"])


def downgrade() -> None:
    op.drop_table("survey_response")
    op.drop_table("survey")
    op.drop_table("appointment")
