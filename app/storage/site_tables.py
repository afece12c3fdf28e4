"""The public site's tables (docs/platform.md): what a consultant publishes and what residents write.

- `news_post`: the campaign's news (title, text with simple formatting, a web picture), shown on
  the site only once `published`;
- `project_followup`: the follow-up of a funded project (status, milestones, a photo);
- `public_result`: the public results of a residence, frozen when a consultant publishes them
  (votes per project, funded projects, turnout; never a serial, a sheet or a time);
- `verification_bundle`: a sealed count's verification bundle, published with the results (the
  zip travels as a file named by its SHA-256);
- `site_message`: a message a resident wrote on the site's contact form; written by the server,
  pulled by the laptops (the consultants' inbox), marked handled on a laptop.

Pictures travel as small JPEG files in base64 (`web_picture`, at most 640 pixels wide), so that
the server can show them without the laptop's picture folder.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.tables import Base, Synced


class NewsPostRow(Synced, Base):
    __tablename__ = "news_post"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    web_picture: Mapped[str] = mapped_column(Text, default="")
    picture_alt: Mapped[str] = mapped_column(String(300), default="")
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class ProjectFollowupRow(Synced, Base):
    __tablename__ = "project_followup"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), default="planned")
    milestones: Mapped[list[Any]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    web_picture: Mapped[str] = mapped_column(Text, default="")
    picture_alt: Mapped[str] = mapped_column(String(300), default="")
    published: Mapped[bool] = mapped_column(default=False)


class PublicResultRow(Synced, Base):
    __tablename__ = "public_result"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(default=None)


class VerificationBundleRow(Synced, Base):
    """A sealed count's verification bundle (the zip `bp-terrain verify` takes), published with
    its residence's results: the zip travels as a file named by its SHA-256 (sync/core/files.py),
    the site offers it for download (docs/platform.md)."""

    __tablename__ = "verification_bundle"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    session_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)


class SiteMessageRow(Synced, Base):
    """No foreign key: the server writes these rows, a laptop must always be able to apply them."""

    __tablename__ = "site_message"
    campaign_id: Mapped[str] = mapped_column(String(36), index=True)
    residence_id: Mapped[str] = mapped_column(String(36), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    reply_how: Mapped[str] = mapped_column(String(16), default="none")
    contact: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime | None] = mapped_column(default=None)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    # written on a laptop (the Permanences inbox): what is still to do for this message
    follow_up: Mapped[str] = mapped_column(Text, default="", server_default="")
    follow_up_done: Mapped[bool] = mapped_column(default=False, server_default="0")
