"""The election description of a residence, read from the database (the pure part, its
canonical form and hash, is `app.domain.audit.election`).

It is written whole into a session's opening entry, and again as an `election_changed` entry
whenever it differs from the one in force, at the latest just before a checkpoint is signed
(`sync_election`), so that every signed checkpoint and the seal carry the hash of the
description the count used (docs/audit-log.md).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.audit import EventType
from app.domain.audit.election import description, election_hash
from app.i18n import _
from app.services.base import get_live
from app.services.counting.log import Writer
from app.storage.count_tables import ResultsRuleRow
from app.storage.tables import PrintBatchRow, ProjectRow, ResidenceRow


def ballot_projects(s: Session, residence: ResidenceRow) -> dict[str, dict[str, Any]]:
    """Project id -> number, title, cost: the boxes of the residence's ballots, else the
    residence's admissible projects."""
    out: dict[str, dict[str, Any]] = {}
    for layout_json in s.scalars(
        select(PrintBatchRow.layout_json).where(
            PrintBatchRow.residence_id == residence.id, PrintBatchRow.deleted_at.is_(None)
        )
    ):
        for box in json.loads(layout_json).get("boxes", ()):
            out.setdefault(str(box["project_id"]), dict(box))
    rows = s.scalars(
        select(ProjectRow).where(
            ProjectRow.residence_id == residence.id, ProjectRow.deleted_at.is_(None)
        )
    ).all()
    printed = bool(out)  # before printing, every admissible project (issue 9, finding 4)
    for row in rows:
        if row.id in out or (not printed and row.status == "admissible"):
            info = out.setdefault(row.id, {"cost_cents": row.cost_cents or 0})
            info.update(number=row.number, title=row.title, source_id=row.source_id)
    return out


def _ballot_rules(s: Session, residence_id: str) -> list[dict[str, Any]]:
    found = []
    for layout_json in s.scalars(
        select(PrintBatchRow.layout_json).where(
            PrintBatchRow.residence_id == residence_id, PrintBatchRow.deleted_at.is_(None)
        )
    ):
        rule = json.loads(layout_json).get("rule") or {}
        found.append({k: rule.get(k) for k in ("kind", "min_choices", "max_choices",
                                               "budget_cents")})  # fmt: skip
    return [r for r in found if r.get("kind")]


def describe(s: Session, residence_id: str) -> dict[str, Any]:
    """The residence's election description as the database holds it now."""
    residence = get_live(s, ResidenceRow, residence_id, _("Résidence"))
    projects = ballot_projects(s, residence)
    row = s.scalars(
        select(ResultsRuleRow).where(
            ResultsRuleRow.campaign_id == residence.campaign_id,
            ResultsRuleRow.deleted_at.is_(None),
        )
    ).first()
    extra = dict(row.options or {}) if row else {}
    return description(
        residence_id=residence.id,
        residence=residence.name,
        budget_cents=residence.budget_cents or 0,
        projects=[
            {
                "project_id": pid,
                "number": info.get("number"),
                "title": info.get("title", ""),
                "source_id": info.get("source_id", ""),
                "cost_cents": int(info.get("cost_cents") or 0),
            }
            for pid, info in projects.items()
        ],
        ballot_rules=_ballot_rules(s, residence.id),
        rule=row.rule if row else "greedy",
        threshold=row.threshold if row else 0,
        lot_seed=str(extra.get("lot_seed", "")),
        lot_order=[str(p) for p in (row.lot_order or ())] if row else [],
        options=extra,
    )


def sync_election(w: Writer, residence_id: str, reason: str | None = None) -> bool:
    """Log the description again if it changed since the one in force; True when it did."""
    current = describe(w.session, residence_id)
    if w.head is not None and w.head.election_sha256 == election_hash(current):
        return False
    payload: dict[str, Any] = {"election": current}
    if reason:
        payload["reason"] = reason
    w.append(EventType.ELECTION_CHANGED, payload)
    return True
