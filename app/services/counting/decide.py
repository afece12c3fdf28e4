"""Decisions of the review and hand-keyed ballots: each written with its log entry.

A decision is never edited: a second decision on the same box or sheet is a correction that
names the earlier one (`corrects_seq`), and the latest one counts. Rejected sheets take no
decision (they never count); a real ballot that the reader could not use is keyed in by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.domain.audit import EventType
from app.domain.counting import models as cm
from app.domain.counting.labels import default_reason
from app.errors import NotFound, UserError
from app.i18n import _
from app.ids import random_id
from app.services.counting.context import campaign_templates
from app.services.counting.core import CountingCore
from app.services.counting.read import load_facts, previous_decision_seq, sheet_facts
from app.storage.count_tables import CountDecisionRow, CountSessionRow, CountSheetRow

BOX_VALUES = ("marked", "unmarked")
SHEET_VALUES = ("invalid", "set_aside")


def _hand_template(s: Session, row: CountSessionRow, template_hash: str | None) -> Any:
    templates = campaign_templates(s, row.campaign_id)
    if template_hash:
        return templates.get(template_hash)
    mine = [t for t in templates.values() if t.residence_id == row.residence_id]
    return mine[0] if mine else None


def _decidable_sheet(
    s: Session, session_id: str, sheet_id: str, project_id: str | None
) -> CountSheetRow:
    sheet = s.get(CountSheetRow, sheet_id)
    if sheet is None or sheet.session_id != session_id:
        raise NotFound(_("Feuille introuvable dans cette session ({id}).").format(id=sheet_id))
    if sheet.status in ("rejected", "blank") and not sheet.hand_keyed:
        raise UserError(
            _(
                "Cette feuille a été rejetée par le lecteur et ne compte pas. Si c'est un "
                "vrai bulletin illisible, saisissez-le à la main."
            )
        )
    if project_id:
        ids = {pid for pid, _m, _s in _marks_of(sheet)} | set(sheet.choices or ())
        if project_id not in ids:
            raise UserError(
                _("Le projet {id} n'est pas sur ce bulletin.").format(id=project_id),
                field="project_id",
            )
    return sheet


def _facts(s: Session, session_id: str) -> tuple[list[cm.SheetFacts], list[cm.DecisionFacts]]:
    return load_facts(s, session_id, checked=False)  # the figures check it; this only looks up


def _marks_of(sheet: CountSheetRow) -> tuple[tuple[str, str, float], ...]:
    return sheet_facts(sheet).marks


def session_witness(row: CountSessionRow, witness: str | None) -> str | None:
    """The session's own spelling of `witness` (case and spaces aside); a name that is not a
    witness of the session is refused: the log must not name someone who was not there."""
    name = " ".join((witness or "").split())
    if not name:
        return None
    for known in row.witnesses or ():
        if " ".join(known.split()).casefold() == name.casefold():
            return str(known)
    listed = ", ".join(row.witnesses or ()) or _("aucun")
    raise UserError(
        _("« {name} » n'est pas un témoin de cette session (témoins : {listed}).").format(
            name=name, listed=listed
        ),
        field="witness",
    )


def _required_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise UserError(_("Indiquez la raison de la décision."), field="reason")
    return text[:2000]


class Decisions:
    """Review decisions and hand-keyed ballots (a part of `CountingService`)."""

    def __init__(self, core: CountingCore) -> None:
        self.core = core

    def hand_key(
        self,
        session_id: str,
        choices: Sequence[str],
        reason: str,
        *,
        keyed_by: str | None = None,
        witness: str | None = None,
        template_hash: str | None = None,
    ) -> str:
        """Record a ballot that could not be scanned, keyed in by hand; returns its sheet id."""
        reason = _required_reason(reason)
        sheet_id = random_id()  # published in the log: no time in it
        with self.core.writing(session_id) as w:
            row = self.core.open_row(w.session, session_id)
            witness = session_witness(row, witness)
            tpl = _hand_template(w.session, row, template_hash)
            known = {b.project_id for b in tpl.boxes} if tpl else set()
            unknown = sorted(set(choices) - known) if tpl else []
            if unknown:
                raise UserError(
                    _("Projets inconnus sur ce bulletin : {ids}.").format(ids=", ".join(unknown))
                )
            payload: dict[str, Any] = {
                "sheet_id": sheet_id,
                "choices": sorted(set(choices)),
                "reason": reason,
                "keyed_by": (keyed_by or row.officer).strip(),
            }
            if witness:
                payload["witness"] = witness.strip()
            if tpl is not None:
                payload["template_hash"] = tpl.template_hash
            entry = w.append(EventType.HAND_KEYED_BALLOT, payload)
            w.session.add(
                CountSheetRow(
                    id=sheet_id,
                    session_id=session_id,
                    image_sha256="hand:" + sheet_id,
                    file_name="",
                    source="hand",
                    status="valid",
                    template_hash=tpl.template_hash if tpl else None,
                    hand_keyed=True,
                    choices=sorted(set(choices)),
                    audit_seq=entry.seq,
                )
            )
        return sheet_id

    def decide(
        self,
        session_id: str,
        sheet_id: str,
        value: str,
        reason: str | None,
        *,
        project_id: str | None = None,
        decided_by: str | None = None,
        witness: str | None = None,
    ) -> int:
        """Record one decision on a box (marked/unmarked) or a sheet (invalid/set_aside).

        A decision is never edited: deciding again on the same target records a correction
        that names the earlier decision. Returns the decision's log sequence number. Without a
        reason, the decision's default words are recorded (`labels.DEFAULT_REASONS`); a witness
        must be one of the session's.
        """
        value = value.replace("-", "_")
        target = "box" if project_id else "sheet"
        allowed = BOX_VALUES if target == "box" else SHEET_VALUES
        if value not in allowed:
            raise UserError(
                _("Décision inconnue « {value} » : choisissez {allowed}.").format(
                    value=value, allowed=", ".join(allowed)
                )
            )
        reason = _required_reason((reason or "").strip() or default_reason(target, value))
        with self.core.writing(session_id) as w:
            row = self.core.open_row(w.session, session_id)
            witness = session_witness(row, witness)
            sheet = _decidable_sheet(w.session, session_id, sheet_id, project_id)
            _s, decisions = _facts(w.session, session_id)
            corrects = previous_decision_seq(decisions, sheet.id, target, project_id)
            payload: dict[str, Any] = {
                "sheet_id": sheet.id,
                "target": target,
                "value": value,
                "reason": reason,
                "decided_by": (decided_by or row.officer).strip(),
            }
            if project_id:
                payload["project_id"] = project_id
            if witness:
                payload["witness"] = witness
            if row.hide_machine_opinion:
                payload["machine_opinion_hidden"] = True
            if corrects is not None:
                payload["corrects_seq"] = corrects
            entry = w.append(EventType.DECISION, payload)
            w.session.add(
                CountDecisionRow(
                    session_id=session_id,
                    sheet_id=sheet.id,
                    target=target,
                    project_id=project_id,
                    value=value,
                    reason=reason,
                    decided_by=payload["decided_by"],
                    witness=payload.get("witness", ""),
                    machine_opinion_hidden=row.hide_machine_opinion,
                    corrects_seq=corrects,
                    audit_seq=entry.seq,
                )
            )
        return entry.seq
