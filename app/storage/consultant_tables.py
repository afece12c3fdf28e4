"""The consultant's own records: hot-line appointments and paper surveys (issue 13).

All three are synced editable records (sync/core/tables.py). A survey response keeps no name:
a paper survey is anonymous, and its free-text answer is an image file read by a person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.tables import Base, Synced


class AppointmentRow(Synced, Base):
    """One slot of a permanence (hot line), free or booked, with the question and its answer.

    A resident's name and contact are kept only with their consent (`consent_at`); otherwise
    the booking is anonymous and only the question and the answer are kept.
    """

    __tablename__ = "appointment"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str | None] = mapped_column(ForeignKey("residence.id"), index=True)
    consultant: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))  # room | phone | video
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    booked: Mapped[bool] = mapped_column(default=False)
    resident_name: Mapped[str] = mapped_column(String(200), default="")
    resident_contact: Mapped[str] = mapped_column(String(200), default="")
    consent_at: Mapped[date | None] = mapped_column(default=None)
    question: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(100), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    follow_up_done: Mapped[bool] = mapped_column(default=False)
    held: Mapped[bool] = mapped_column(default=False)


class SurveyRow(Synced, Base):
    """A short paper questionnaire: its questions (JSON) and, once printed, its exact layout."""

    __tablename__ = "survey"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    layout_json: Mapped[str] = mapped_column(Text, default="")
    template_hash: Mapped[str] = mapped_column(String(64), default="", index=True)


class SurveyResponseRow(Synced, Base):
    """One returned form: the answers read (JSON), its state, and the free-text image file."""

    __tablename__ = "survey_response"
    survey_id: Mapped[str] = mapped_column(ForeignKey("survey.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(300), default="")  # the scan's file name
    page: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))  # read | to_review | reviewed
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    doubts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    text_image: Mapped[str] = mapped_column(Text, default="")
    # the free-text image's SHA-256: the file travels by it (sync.core.files)
    text_image_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    text_transcript: Mapped[str] = mapped_column(Text, default="")
