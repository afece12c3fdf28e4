"""Read a session's sheets and decisions from the database as plain facts, and build the
review queue from them (least certain first)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from app.domain.counting import models as cm
from app.domain.counting.tally import latest_decisions, resolve_all, uncertainty
from app.services.counting.guard import check_session_rows
from app.storage.count_tables import CountDecisionRow, CountSessionRow, CountSheetRow
from app.storage.tables import ResidenceRow
from scanner.template import Template
from scanner.thresholds import DEFAULT_THRESHOLDS


def counts_now() -> ColumnElement[bool]:
    """SQL condition: the session is part of the current count. A sealed session replaced by
    a sealed reopening is not; nor is a reopening still open (its sealed parent still counts:
    results come from the newest sealed session)."""
    return and_(
        CountSessionRow.superseded_by.is_(None),
        or_(CountSessionRow.parent_session_id.is_(None), CountSessionRow.sealed_at.is_not(None)),
    )


def session_data(session: Session, row: CountSessionRow) -> cm.CountSession:
    residence = session.get(ResidenceRow, row.residence_id)
    return cm.CountSession(
        id=row.id,
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        residence_name=residence.name if residence else "",
        mode=row.mode,
        officer=row.officer,
        witnesses=tuple(row.witnesses or ()),
        opened_at=row.opened_at,
        sealed_at=row.sealed_at,
        sealed_hash=row.sealed_hash,
        hide_machine_opinion=row.hide_machine_opinion,
        key_fingerprint=row.key_fingerprint,
        parent_session_id=row.parent_session_id,
        superseded_by=row.superseded_by,
        reconciliation=cm.Reconciliation(
            row.printed, row.handed_out, row.returned, row.spoiled, row.reconciliation_note
        ),
    )


def _marks(
    reading_json: str,
) -> tuple[tuple[tuple[str, str, float], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    if not reading_json:
        return (), ()
    marks = json.loads(reading_json).get("marks", ())
    decided = tuple(
        (str(m["project_id"]), str(m["decision"]), float(m.get("score") or 0.0)) for m in marks
    )
    reasons = tuple((str(m["project_id"]), tuple(m.get("reasons") or ())) for m in marks)
    return decided, reasons


def sheet_facts(row: CountSheetRow) -> cm.SheetFacts:
    marks, box_reasons = _marks(row.reading_json)
    return cm.SheetFacts(
        id=row.id,
        seq=row.audit_seq,
        status=row.status,
        reasons=tuple(row.reasons or ()),
        marks=marks,
        box_reasons=box_reasons,
        template_hash=row.template_hash,
        serial_hash=row.serial_hash,
        hand_keyed=row.hand_keyed,
        choices=tuple(row.choices or ()),
        file_name=row.file_name,
        page=row.page,
        image_sha256=row.image_sha256,
    )


def decision_facts(row: CountDecisionRow) -> cm.DecisionFacts:
    return cm.DecisionFacts(
        sheet_id=row.sheet_id,
        seq=row.audit_seq,
        target=row.target,
        project_id=row.project_id,
        value=row.value,
        reason=row.reason,
        decided_by=row.decided_by,
        witness=row.witness,
    )


def load_facts(
    session: Session, session_id: str, *, checked: bool = True
) -> tuple[list[cm.SheetFacts], list[cm.DecisionFacts]]:
    """The session's sheets and decisions, checked against its audit log first (`checked`):
    a row that differs from the log raises `ChainBroken` (see `counting.guard`)."""
    sheets = session.scalars(
        select(CountSheetRow)
        .where(CountSheetRow.session_id == session_id)
        .order_by(CountSheetRow.audit_seq)
    ).all()
    decisions = session.scalars(
        select(CountDecisionRow)
        .where(CountDecisionRow.session_id == session_id)
        .order_by(CountDecisionRow.audit_seq)
    ).all()
    if checked:
        check_session_rows(session, session_id, sheets, decisions)
    return [sheet_facts(s) for s in sheets], [decision_facts(d) for d in decisions]


def outcomes(
    session: Session, session_id: str, templates: dict[str, Template]
) -> tuple[list[cm.SheetFacts], list[cm.DecisionFacts], list[cm.SheetOutcome]]:
    sheets, decisions = load_facts(session, session_id)
    return sheets, decisions, resolve_all(sheets, decisions, templates)


def review_items(
    sheets: Sequence[cm.SheetFacts],
    results: Sequence[cm.SheetOutcome],
    templates: dict[str, Template],
    hide_machine: bool,
) -> list[cm.ReviewItem]:
    """The pending sheets, least certain first, with the boxes in doubt."""
    by_id = {s.id: s for s in sheets}
    items = []
    for out in results:
        if out.outcome != cm.PENDING:
            continue
        sheet = by_id[out.sheet_id]
        items.append(_item(sheet, out, templates.get(sheet.template_hash or ""), hide_machine))
    items.sort(key=lambda i: (-i.uncertainty, by_id[i.sheet_id].seq))
    return items


def _item(
    sheet: cm.SheetFacts, out: cm.SheetOutcome, tpl: Template | None, hide: bool
) -> cm.ReviewItem:
    info = {b.project_id: b for b in tpl.boxes} if tpl else {}
    mark_reasons = dict(sheet.box_reasons)
    boxes = []
    for pid, machine, score in sheet.marks:
        if pid not in out.doubtful:
            continue
        spec = info.get(pid)
        boxes.append(
            cm.ReviewBox(
                project_id=pid,
                number=spec.number if spec else "",
                title=spec.title if spec else "",
                machine=None if hide else machine,
                score=None if hide else round(score, 4),
                reasons=mark_reasons.get(pid, ()),
            )
        )
    reasons = tuple(dict.fromkeys((*out.waiting, *(r for b in boxes for r in b.reasons))))
    return cm.ReviewItem(
        sheet_id=sheet.id,
        file_name=sheet.file_name,
        page=sheet.page,
        image_sha256=sheet.image_sha256,
        reasons=reasons,
        boxes=tuple(boxes),
        duplicates=out.duplicates,
        uncertainty=uncertainty(sheet, out.doubtful, DEFAULT_THRESHOLDS),
    )


def previous_decision_seq(
    decisions: Sequence[cm.DecisionFacts], sheet_id: str, target: str, project_id: str | None
) -> int | None:
    """The seq of the decision that a new one on the same target corrects, if any."""
    found = latest_decisions(decisions).get(sheet_id, {}).get((target, project_id))
    return None if found is None else found.seq
