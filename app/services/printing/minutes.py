"""The commission's minutes ("Compte rendu de la commission d'examen") as a PDF.

`CommissionService.export_minutes` calls `export_minutes` here: it gathers one session's
decisions (the last review of each project in that session) and hands them to the ballots
library, which draws the document in the shared visual identity.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.i18n import _
from app.services.base import get_live
from app.services.printing import files, specs
from app.storage.tables import (
    CampaignRow,
    CommissionSessionRow,
    CriterionRow,
    ProjectRow,
    ResidenceRow,
    ReviewRow,
)
from app.storage.uow import UnitOfWork
from ballots.minutes import (
    CommissionDecision,
    CommissionMember,
    CommissionMinutes,
    DecisionKind,
    render_commission_minutes,
)

log = logging.getLogger(__name__)


def export_minutes(uow: UnitOfWork, session_id: str, path: Path) -> Path:
    """Write the minutes of one commission session to `path` (atomically) and return it."""
    path = files.check_target(path)
    with uow() as session:
        minutes = build_minutes(session, session_id)
    with specs.printed_language("fr"), specs.library_errors():
        render_commission_minutes(minutes, path)
    log.info("commission minutes written to %s", path)
    return path


def build_minutes(session: Session, session_id: str) -> CommissionMinutes:
    meeting = get_live(session, CommissionSessionRow, session_id, _("Séance de commission"))
    campaign = get_live(session, CampaignRow, meeting.campaign_id, _("Campagne"))
    criteria = {
        c.id: c.label
        for c in session.scalars(
            select(CriterionRow)
            .where(CriterionRow.campaign_id == campaign.id, CriterionRow.deleted_at.is_(None))
            .order_by(CriterionRow.position)
        )
    }
    reviews = session.scalars(
        select(ReviewRow)
        .where(ReviewRow.session_id == session_id, ReviewRow.deleted_at.is_(None))
        .order_by(ReviewRow.created_at)
    )
    last = {r.project_id: r for r in reviews}  # a later review in the session supersedes
    decisions = sorted(
        (_decision(session, review, criteria) for review in last.values()),
        key=lambda d: (d.residence, d.number),
    )
    return CommissionMinutes(
        campaign=campaign.name,
        meeting_date=meeting.held_on,
        place=meeting.place or "—",
        members_present=tuple(member(name) for name in meeting.members or ()),
        decisions=tuple(decisions),
        criteria=tuple(criteria.values()),
    )


def _decision(session: Session, review: ReviewRow, criteria: dict[str, str]) -> CommissionDecision:
    project = session.get(ProjectRow, review.project_id)
    assert project is not None
    residence = session.get(ResidenceRow, project.residence_id)
    decision = DecisionKind(m.Decision(review.decision).value)
    admissible = decision is DecisionKind.ADMISSIBLE
    return CommissionDecision(
        number=project.number,
        title=project.title,
        residence=residence.name if residence else "",
        decision=decision,
        public_reason=review.public_reason or "",
        requested_cost_cents=None if admissible else project.cost_cents,
        validated_cost_cents=review.validated_cost_cents if admissible else None,
        criteria=tuple(_verdicts(review, criteria)),
    )


def _verdicts(review: ReviewRow, criteria: dict[str, str]) -> list[tuple[str, str]]:
    """Per-criterion verdicts in words. Criteria met without comment are said once ("Autres
    critères : respectés"): the minutes list every criterion examined in their introduction,
    and a long column of "Respecté" would hide the few results that matter."""
    out: list[tuple[str, str]] = []
    met = 0
    for item in review.verdicts or ():
        label = criteria.get(str(item.get("criterion_id")), "")
        if not label:
            continue
        verdict = m.Verdict(item.get("verdict", "unsure"))
        comment = str(item.get("comment") or "").strip()
        if verdict is m.Verdict.MET and not comment:
            met += 1
            continue
        words = _(m.VERDICT_LABELS[verdict])
        out.append((label, f"{words} ({comment})" if comment else words))
    if met and not out:
        return [(_("Critères"), _("tous respectés"))]
    if met:
        out.append((_("Autres critères"), _("respectés")))
    return out


def member(typed: str) -> CommissionMember:
    """ "Karim Meziane (amicale des locataires)" as typed: the name, and the role in brackets."""
    text = typed.strip()
    if text.endswith(")") and " (" in text:
        name, role = text[:-1].split(" (", 1)
        return CommissionMember(name.strip(), role.strip())
    return CommissionMember(text)
