"""What the evaluation report needs beyond the dashboard: the commission's decisions with their
reasons, the people named with their consent (counted, never named), the recommendations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.i18n import _
from app.storage.tables import ParticipantRow, ProjectRow, ResidenceRow, ReviewRow


@dataclass(frozen=True)
class DecisionLine:
    residence: str
    number: int
    title: str
    decision: str  # admissible | inadmissible | rework
    decision_label: str
    reason: str
    validated_cost_cents: int | None


@dataclass(frozen=True)
class ExtraFigures:
    """A section's figures from another capability: (label, value) rows and a short text."""

    rows: tuple[tuple[str, str], ...]
    text: str = ""
    table_headers: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, ...], ...] = ()


def decisions(s: Session, campaign_id: str) -> tuple[DecisionLine, ...]:
    """The latest review of every project of the campaign, by residence then number."""
    rows = s.execute(
        select(ReviewRow, ProjectRow.number, ProjectRow.title, ResidenceRow.name)
        .join(ProjectRow, ReviewRow.project_id == ProjectRow.id)
        .join(ResidenceRow, ProjectRow.residence_id == ResidenceRow.id)
        .where(
            ProjectRow.campaign_id == campaign_id,
            ProjectRow.deleted_at.is_(None),
            ReviewRow.deleted_at.is_(None),
        )
        .order_by(ReviewRow.created_at, ReviewRow.id)
    ).all()
    latest: dict[str, DecisionLine] = {}
    for review, number, title, residence in rows:
        label = m.DECISION_LABELS.get(m.Decision(review.decision), review.decision)
        latest[review.project_id] = DecisionLine(
            residence, number, title, review.decision, _(label), review.public_reason or "",
            review.validated_cost_cents,
        )  # fmt: skip
    return tuple(sorted(latest.values(), key=lambda d: (d.residence.casefold(), d.number)))


def consented_by_residence(s: Session, campaign_id: str) -> dict[str, int]:
    """How many people agreed to be named, per residence name ("" for none given)."""
    rows = s.execute(
        select(ResidenceRow.name, func.count(ParticipantRow.id))
        .select_from(ParticipantRow)
        .outerjoin(ResidenceRow, ParticipantRow.residence_id == ResidenceRow.id)
        .where(
            ParticipantRow.campaign_id == campaign_id,
            ParticipantRow.deleted_at.is_(None),
            ParticipantRow.consent_at.is_not(None),
        )
        .group_by(ResidenceRow.name)
    ).all()
    return dict(Counter({name or "": int(n) for name, n in rows}))
