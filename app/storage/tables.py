"""SQLAlchemy tables. Every synced record carries id (UUIDv7), timestamps and the writing device.

Deletions of synced records are tombstones (`deleted_at`), so that a deletion travels to the
server like any other change. Tables that never leave the laptop (`local_meta`, `pending_change`)
have no sync columns.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.ids import new_id
from app.storage.types import IsoDate, UtcDateTime


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime(), date: IsoDate(), dict[str, Any]: JSON}


class Synced:
    """Columns that every synced record has."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    device_id: Mapped[str] = mapped_column(String(36))
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class LocalMeta(Base):
    """Key/value facts about this installation (device id, active campaign). Never synced."""

    __tablename__ = "local_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PendingChange(Base):
    """One row per written record, in order, until the sync client has pushed it."""

    __tablename__ = "pending_change"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(8))
    changed_at: Mapped[datetime]


class SyncInbox(Base):
    """Pulled server states not applied yet: a long first sync stashes each page here with the
    cursor (one transaction per page), and applies them all at once when the last page is in.
    A sync cut in the middle resumes from the cursor; nothing is applied twice. Never synced."""

    __tablename__ = "sync_inbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(100))
    state_json: Mapped[str] = mapped_column(Text)


class SyncShadow(Base):
    """The last server state of each synced record this laptop saw (values and field versions).

    The sync client sends the fields that differ from it, with the versions it holds, and keeps
    here the records that exist only on the server's side (conflicts, review flags). Never synced.
    """

    __tablename__ = "sync_shadow"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    values_json: Mapped[str] = mapped_column(Text)
    versions_json: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)


class CampaignRow(Synced, Base):
    __tablename__ = "campaign"
    name: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    rules_text: Mapped[str] = mapped_column(Text, default="")
    short_code: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    secret_key: Mapped[bytes] = mapped_column(LargeBinary)
    # HMAC of a fixed label under the key (app.domain.keycheck): travels, the key does not
    key_check: Mapped[str] = mapped_column(String(64), default="", server_default="")
    ideas_start: Mapped[date | None]
    ideas_end: Mapped[date | None]
    workshops_start: Mapped[date | None]
    workshops_end: Mapped[date | None]
    commission_date: Mapped[date | None]
    vote_start: Mapped[date | None]
    vote_end: Mapped[date | None]
    results_date: Mapped[date | None]
    themes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(default=False, server_default="0")
    online_ideas: Mapped[bool] = mapped_column(default=False, server_default="0")
    # the evaluation report's "Préconisations", written by the consultant in the app
    recommendations: Mapped[str] = mapped_column(Text, default="", server_default="")


class ResidenceRow(Synced, Base):
    __tablename__ = "residence"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    dwellings: Mapped[int] = mapped_column(Integer, default=0)
    budget_cents: Mapped[int] = mapped_column(Integer, default=0)
    vote_sessions: Mapped[str] = mapped_column(Text, default="")
    """The poster's voting times and places, one per line (migration 0007: synced like the rest)."""
    poster_contact: Mapped[str] = mapped_column(Text, default="")


class MeetingRow(Synced, Base):
    __tablename__ = "meeting"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str | None] = mapped_column(ForeignKey("residence.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    facilitators: Mapped[str] = mapped_column(Text, default="")
    attendance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list[QuestionRow]] = relationship(
        back_populates="meeting", order_by="QuestionRow.created_at"
    )


class QuestionRow(Synced, Base):
    __tablename__ = "question"
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    meeting: Mapped[MeetingRow] = relationship(back_populates="questions")


class ParticipantRow(Synced, Base):
    """A named participant exists only with recorded consent; otherwise meetings hold counts."""

    __tablename__ = "participant"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str | None] = mapped_column(ForeignKey("residence.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    building: Mapped[str] = mapped_column(String(100), default="")
    consent_at: Mapped[date | None]
    consent_text: Mapped[str] = mapped_column(Text, default="")


class IdeaRow(Synced, Base):
    __tablename__ = "idea"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    estimated_cost_cents: Mapped[int | None] = mapped_column(Integer)
    proposer_id: Mapped[str | None] = mapped_column(ForeignKey("participant.id"))
    project_id: Mapped[str | None] = mapped_column(ForeignKey("project.id"), index=True)
    decidim_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # online ideas (docs/platform.md): "meeting" or "online"; an online idea waits for a field
    # team's moderation ("pending", then "accepted" or "refused" with a reason) before it is an
    # idea like the others; its proposer's name and contact are optional, the name shown on the
    # site only with `name_public` (their consent)
    origin: Mapped[str] = mapped_column(String(16), default="meeting", server_default="meeting")
    moderation: Mapped[str] = mapped_column(String(16), default="", server_default="")
    moderation_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    online_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    online_contact: Mapped[str] = mapped_column(String(120), default="", server_default="")
    name_public: Mapped[bool] = mapped_column(default=False, server_default="0")


class ProjectRow(Synced, Base):
    __tablename__ = "project"
    __table_args__ = (  # among live projects: a deleted project's number may be taken again
        Index(
            "uq_project_number_live",
            "residence_id",
            "number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    short_description: Mapped[str] = mapped_column(Text, default="")
    long_description: Mapped[str] = mapped_column(Text, default="")
    cost_cents: Mapped[int | None] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(32), default="draft")
    picture_path: Mapped[str] = mapped_column(Text, default="")
    # the picture file's SHA-256: the file travels by it (sync.core.files)
    picture_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    source_id: Mapped[str] = mapped_column(String(100), default="")
    decidim_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    published: Mapped[bool] = mapped_column(default=False, server_default="0")
    web_picture: Mapped[str] = mapped_column(Text, default="", server_default="")


class CriterionRow(Synced, Base):
    __tablename__ = "criterion"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class CommissionSessionRow(Synced, Base):
    __tablename__ = "commission_session"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    held_on: Mapped[date]
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    place: Mapped[str] = mapped_column(String(200), default="")


class ReviewRow(Synced, Base):
    """One examination of a project; a later review supersedes an earlier one (never edited)."""

    __tablename__ = "review"
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("commission_session.id"), index=True)
    decision: Mapped[str] = mapped_column(String(32))
    public_reason: Mapped[str] = mapped_column(Text, default="")
    validated_cost_cents: Mapped[int | None] = mapped_column(Integer)
    verdicts: Mapped[list[Any]] = mapped_column(JSON, default=list)


class BallotStyleRow(Synced, Base):
    """A ballot style of a residence: its projects in order, the voting rule, the language.

    `style_index` is unique within the campaign (it travels in the QR code).
    """

    __tablename__ = "ballot_style"
    __table_args__ = (UniqueConstraint("campaign_id", "style_index", name="uq_style_index"),)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    style_index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    large_print: Mapped[bool] = mapped_column(default=False)
    project_order: Mapped[str] = mapped_column(String(16), default="fixed")
    rule_kind: Mapped[str] = mapped_column(String(16), default="approval")
    max_choices: Mapped[int | None] = mapped_column(Integer)
    min_choices: Mapped[int | None] = mapped_column(Integer)
    budget_cents: Mapped[int | None] = mapped_column(Integer)
    project_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)


class PrintBatchRow(Synced, Base):
    """One print run: its exact layout, count, mode and a commitment to its serials.

    The serials themselves are never stored: only their Merkle root (published) and, in
    `issued_serial`, keyed hashes that let the count recognise a genuine ballot.
    """

    __tablename__ = "print_batch"
    __table_args__ = (UniqueConstraint("campaign_id", "batch_number", name="uq_batch_number"),)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    style_id: Mapped[str] = mapped_column(ForeignKey("ballot_style.id"), index=True)
    batch_number: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(8))  # live | test
    with_serials: Mapped[bool] = mapped_column(default=True)
    template_hash: Mapped[str] = mapped_column(String(64), index=True)
    layout_json: Mapped[str] = mapped_column(Text)
    merkle_root: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16), default="ballots")  # ballots | test_deck


class IssuedSerialRow(Base):
    """Keyed hash of one printed serial (HMAC under the campaign key), never the serial.

    Synced with its batch (no per-row sync metadata: rows are immutable and keyed by the hash).
    """

    __tablename__ = "issued_serial"
    serial_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("print_batch.id"), index=True)


class OnlineVoteRow(Synced, Base):
    """A residence's online vote imported from Decidim (a `.pb` export), kept beside the paper
    count and combined with it under the campaign's rule.

    Only the sets of projects chosen are kept, in a shuffled order: the file's voter ids are
    dropped at the import, so nothing here links a person to a vote. A new import of the same
    residence replaces the previous one (tombstone).
    """

    __tablename__ = "online_vote"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    source: Mapped[str] = mapped_column(String(32), default="decidim")
    file_name: Mapped[str] = mapped_column(String(300), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    ballots: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[project id, ...], ...]
