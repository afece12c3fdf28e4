"""Frozen data objects of the count, handed to the user interfaces (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Outcomes of one sheet once readings and decisions are combined.
VALID = "valid"
BLANK = "blank"
INVALID = "invalid"
SET_ASIDE = "set_aside"
REJECTED = "rejected"
PENDING = "pending"
SKIPPED = "skipped"  # the blank back of a duplex scan: not a ballot
OUTCOMES = (VALID, BLANK, INVALID, SET_ASIDE, REJECTED, PENDING, SKIPPED)


@dataclass(frozen=True)
class Reconciliation:
    """Ballots printed, handed out (typed from the sign-in sheet), returned and spoiled."""

    printed: int | None = None
    handed_out: int | None = None
    returned: int | None = None
    spoiled: int | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "printed": self.printed,
            "handed_out": self.handed_out,
            "returned": self.returned,
            "spoiled": self.spoiled,
            "note": self.note,
        }


@dataclass(frozen=True)
class CountSession:
    id: str
    campaign_id: str
    residence_id: str
    residence_name: str
    mode: str
    officer: str
    witnesses: tuple[str, ...]
    opened_at: datetime
    sealed_at: datetime | None
    sealed_hash: str | None
    hide_machine_opinion: bool
    key_fingerprint: str
    parent_session_id: str | None
    superseded_by: str | None
    reconciliation: Reconciliation

    @property
    def sealed(self) -> bool:
        return self.sealed_at is not None


@dataclass(frozen=True)
class SheetFacts:
    """What the tally needs to know about one sheet (from its row and its reading)."""

    id: str
    seq: int
    status: str
    reasons: tuple[str, ...]
    marks: tuple[tuple[str, str, float], ...]  # (project_id, machine decision, fill score)
    template_hash: str | None
    serial_hash: str | None
    hand_keyed: bool = False
    choices: tuple[str, ...] = ()
    file_name: str = ""
    page: int = 1
    image_sha256: str = ""
    box_reasons: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class DecisionFacts:
    sheet_id: str
    seq: int
    target: str
    project_id: str | None
    value: str
    reason: str = ""
    decided_by: str = ""
    witness: str = ""


@dataclass(frozen=True)
class SheetOutcome:
    """One sheet after its decisions: what it counts as, and why it waits if it does."""

    sheet_id: str
    outcome: str
    choices: tuple[str, ...] = ()
    doubtful: tuple[str, ...] = ()  # project ids of boxes still in doubt
    waiting: tuple[str, ...] = ()  # reason codes that keep the sheet in the review queue
    duplicates: tuple[str, ...] = ()  # other sheets with the same serial


@dataclass(frozen=True)
class Tally:
    """Counts by outcome and votes per project id."""

    sheets: int = 0
    valid: int = 0
    blank: int = 0
    invalid: int = 0
    set_aside: int = 0
    rejected: int = 0
    pending: int = 0
    skipped: int = 0
    hand_keyed: int = 0
    votes: dict[str, int] = field(default_factory=dict)

    @property
    def ballots_counted(self) -> int:
        """Sheets that are ballots from the box: valid, blank, invalid, set aside or waiting."""
        return self.valid + self.blank + self.invalid + self.set_aside + self.pending

    def slip_counts(self) -> dict[str, int]:
        """The figures printed on a batch slip or the seal (see `app.domain.audit.slip`)."""
        return {
            "valid": self.valid,
            "blank": self.blank,
            "invalid": self.invalid,
            "set_aside": self.set_aside,
            "review": self.pending,
            "rejected": self.rejected,
        }

    def counts(self) -> dict[str, int]:
        return {
            "sheets": self.sheets,
            "valid": self.valid,
            "blank": self.blank,
            "invalid": self.invalid,
            "set_aside": self.set_aside,
            "rejected": self.rejected,
            "review": self.pending,
            "skipped": self.skipped,
            "hand_keyed": self.hand_keyed,
        }


@dataclass(frozen=True)
class ReviewBox:
    project_id: str
    number: int | str
    title: str
    machine: str | None  # None when the session hides the machine's opinion
    score: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReviewItem:
    """One sheet waiting for a person, with what is in doubt and why."""

    sheet_id: str
    file_name: str
    page: int
    image_sha256: str
    reasons: tuple[str, ...]
    boxes: tuple[ReviewBox, ...]
    duplicates: tuple[str, ...]
    uncertainty: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet_id": self.sheet_id,
            "file": self.file_name,
            "page": self.page,
            "image_sha256": self.image_sha256,
            "reasons": list(self.reasons),
            "boxes": [
                {
                    "project_id": b.project_id,
                    "number": b.number,
                    "title": b.title,
                    "machine": b.machine,
                    "score": b.score,
                    "reasons": list(b.reasons),
                }
                for b in self.boxes
            ],
            "duplicates": list(self.duplicates),
        }


@dataclass(frozen=True)
class IngestedSheet:
    sheet_id: str
    file_name: str
    page: int
    status: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class IngestReport:
    """What one ingestion did: sheets recorded, files already known (recorded before, or by
    another program while this one ran), duplicates found; `interrupted` when it was stopped
    between two files (what it recorded so far is kept)."""

    recorded: tuple[IngestedSheet, ...] = ()
    already_known: tuple[str, ...] = ()
    duplicates: int = 0
    interrupted: bool = False


@dataclass(frozen=True)
class SessionStatus:
    session: CountSession
    tally: Tally
    by_status: dict[str, int]
    pending_reviews: int
    head_seq: int
    head_hash: str
    batches: int

    def as_dict(self) -> dict[str, Any]:
        s = self.session
        return {
            "session_id": s.id,
            "residence_id": s.residence_id,
            "residence": s.residence_name,
            "mode": s.mode,
            "officer": s.officer,
            "witnesses": list(s.witnesses),
            "sealed": s.sealed,
            "sealed_hash": s.sealed_hash,
            "key_fingerprint": s.key_fingerprint,
            "sheets_by_status": dict(self.by_status),
            "pending_reviews": self.pending_reviews,
            "totals": self.tally.counts(),
            "votes": dict(sorted(self.tally.votes.items())),
            "reconciliation": s.reconciliation.as_dict(),
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "batches": self.batches,
        }


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint (batch close or seal) and the slip text witnesses sign."""

    seq: int
    hash: str
    code: str
    slip: str
