"""Tables of the count: sessions, sheets, decisions, the audit log and the results rule.

The audit log is append-only: SQLite triggers refuse any UPDATE or DELETE on `count_audit`
(and on `count_decision`, since a decision is never edited: a correction is a new row). The
triggers are created by migration 0004 and, for databases built from the metadata alone (tests,
tools), by the `after_create` DDL events below, so both paths give the same protection.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.tables import Base, Synced


def refuse_changes_ddl(table: str) -> list[str]:
    """The two trigger statements that make `table` append-only (used by the migration too)."""
    message = f"{table} is append-only"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


APPEND_ONLY_TABLES = ("count_audit", "count_decision")


class CountSessionRow(Synced, Base):
    """One counting session (dépouillement) of one ballot box or residence."""

    __tablename__ = "count_session"
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    residence_id: Mapped[str] = mapped_column(ForeignKey("residence.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(8), default="live")  # live | test
    officer: Mapped[str] = mapped_column(String(200))
    witnesses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime]
    sealed_at: Mapped[datetime | None] = mapped_column(default=None)
    sealed_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    hide_machine_opinion: Mapped[bool] = mapped_column(default=False)
    public_key: Mapped[str] = mapped_column(String(64))
    key_fingerprint: Mapped[str] = mapped_column(String(80))
    printed: Mapped[int | None] = mapped_column(Integer, default=None)
    handed_out: Mapped[int | None] = mapped_column(Integer, default=None)
    returned: Mapped[int | None] = mapped_column(Integer, default=None)
    spoiled: Mapped[int | None] = mapped_column(Integer, default=None)
    reconciliation_note: Mapped[str] = mapped_column(Text, default="")
    parent_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("count_session.id"), index=True, default=None
    )
    superseded_by: Mapped[str | None] = mapped_column(String(36), default=None)


class CountSheetRow(Synced, Base):
    """One sheet (one page of one scanned file, or a hand-keyed ballot) and its reading."""

    coarse_times = True  # the hour only (see app.storage.uow)
    __tablename__ = "count_sheet"
    __table_args__ = (  # among this laptop's own sheets: a pulled one may repeat (flagged)
        Index(
            "uq_sheet_image_page_own",
            "session_id",
            "image_sha256",
            "page",
            unique=True,
            sqlite_where=text("device_id <> 'server'"),
        ),
    )
    session_id: Mapped[str] = mapped_column(ForeignKey("count_session.id"), index=True)
    image_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(300), default="")
    page: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(16), default="file")  # folder | file | camera | hand
    status: Mapped[str] = mapped_column(String(16))  # valid | blank | needs_review | rejected
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    template_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    style_index: Mapped[int | None] = mapped_column(Integer, default=None)
    serial_hash: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    reading_json: Mapped[str] = mapped_column(Text, default="")
    reading_sha256: Mapped[str] = mapped_column(String(64), default="")
    hand_keyed: Mapped[bool] = mapped_column(default=False)
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)


class CountDecisionRow(Synced, Base):
    """A person's decision on a box or a whole sheet; never edited (a correction is a new row)."""

    coarse_times = True  # the hour only (see app.storage.uow)
    __tablename__ = "count_decision"
    session_id: Mapped[str] = mapped_column(ForeignKey("count_session.id"), index=True)
    sheet_id: Mapped[str] = mapped_column(ForeignKey("count_sheet.id"), index=True)
    target: Mapped[str] = mapped_column(String(8))  # box | sheet
    project_id: Mapped[str | None] = mapped_column(String(100), default=None)
    value: Mapped[str] = mapped_column(String(16))  # marked | unmarked | invalid | set_aside
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    witness: Mapped[str] = mapped_column(String(200), default="")
    machine_opinion_hidden: Mapped[bool] = mapped_column(default=False)
    corrects_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    audit_seq: Mapped[int] = mapped_column(Integer)


class CountAuditRow(Synced, Base):
    """One audit log entry, stored as its canonical JSON; append-only (triggers)."""

    coarse_times = True  # the hour only (see app.storage.uow)
    __tablename__ = "count_audit"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_audit_seq"),)
    session_id: Mapped[str] = mapped_column(ForeignKey("count_session.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(32))
    entry: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))


class ResultsRuleRow(Synced, Base):
    """The results rule a campaign declared before counting (default: greedy)."""

    __tablename__ = "results_rule"
    __table_args__ = (  # among live rules: sync merges a second one into the first (tombstone)
        Index(
            "uq_results_rule_live",
            "campaign_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaign.id"), index=True)
    rule: Mapped[str] = mapped_column(String(32), default="greedy")
    threshold: Mapped[int] = mapped_column(Integer, default=0)
    lot_order: Mapped[list[Any]] = mapped_column(JSON, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


for _table in APPEND_ONLY_TABLES:
    for _statement in refuse_changes_ddl(_table):
        event.listen(
            Base.metadata.tables[_table],
            "after_create",
            DDL(_statement).execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
        )
