"""Reopening a sealed count: a new, logged session that takes over the sealed one.

A sealed session never changes. To correct it, the officer opens a new session whose log starts
with `session_reopened` (naming the sealed session and its sealed head hash, with the reason).
The sealed session's sheets, readings, decisions, hand-keyed ballots and reconciliation are then
carried over as entries of the new chain, by reference: the same image and reading hashes,
nothing is read again. Each carried entry repeats the original payload (and actor) with the new
sheet ids, so the new session's log alone is enough to recount it, and a correction is simply a
new decision that names the carried one (`corrects_seq`).

The sealed session stays the residence's result until the new one is sealed; sealing it marks
the old one `superseded_by` (see `counting.seal.seal`). One reopening at a time per session.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.audit import AuditEntry, EventType, session_payload
from app.domain.audit.canonical import thaw
from app.domain.counting import models as cm
from app.domain.dates import utc_now
from app.errors import UserError
from app.i18n import _
from app.ids import new_id, random_id
from app.services.base import get_live
from app.services.counting.core import CountingCore
from app.services.counting.description import describe
from app.services.counting.keys import officer_key
from app.services.counting.log import Writer, load_entries
from app.services.counting.read import session_data
from app.storage.count_tables import CountDecisionRow, CountSessionRow, CountSheetRow
from scanner.result import READER_VERSION

log = logging.getLogger(__name__)

#: Events of the sealed session that are carried over into the new one, in their order.
CARRIED_EVENTS = frozenset(
    {
        EventType.SHEET_INGESTED,
        EventType.SHEET_INTERPRETED,
        EventType.SHEET_REJECTED,
        EventType.DUPLICATE_SERIAL,
        EventType.DECISION,
        EventType.HAND_KEYED_BALLOT,
        EventType.RECONCILIATION_RECORDED,
    }
)


def _reopenable(s: Session, session_id: str) -> CountSessionRow:
    row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
    if row.sealed_at is None or not row.sealed_hash:
        raise UserError(
            _(
                "La session {id} n'est pas scellée : elle se corrige directement, par une "
                "nouvelle décision. Seule une session scellée se reprend."
            ).format(id=session_id)
        )
    if row.superseded_by:
        raise UserError(
            _(
                "La session {id} a déjà été remplacée par la session {new} : reprenez la plus "
                "récente."
            ).format(id=session_id, new=row.superseded_by)
        )
    pending = s.scalars(
        select(CountSessionRow.id).where(
            CountSessionRow.parent_session_id == session_id,
            CountSessionRow.deleted_at.is_(None),
            CountSessionRow.sealed_at.is_(None),
        )
    ).first()
    if pending is not None:
        raise UserError(
            _(
                "Une reprise de la session {id} est déjà ouverte (session {new}) : terminez-la "
                "et scellez-la."
            ).format(id=session_id, new=pending)
        )
    return row


def _child_row(
    parent: CountSessionRow, child_id: str, officer: str, witnesses: list[str]
) -> CountSessionRow:
    return CountSessionRow(
        id=child_id,
        campaign_id=parent.campaign_id,
        residence_id=parent.residence_id,
        label=parent.label,
        mode=parent.mode,
        officer=officer,
        witnesses=witnesses,
        opened_at=utc_now(),
        hide_machine_opinion=parent.hide_machine_opinion,
        printed=parent.printed,
        handed_out=parent.handed_out,
        returned=parent.returned,
        spoiled=parent.spoiled,
        reconciliation_note=parent.reconciliation_note,
        parent_session_id=parent.id,
    )


@dataclass
class _Carry:
    """Replays the sealed session's entries into the new chain, with new sheet ids."""

    s: Session
    writer: Writer
    parent_id: str
    sheet_ids: dict[str, str] = field(default_factory=dict)
    seqs: dict[int, int] = field(default_factory=dict)

    def run(self, entries: Sequence[AuditEntry]) -> None:
        sheets = {r.id: r for r in self._rows(CountSheetRow)}
        decisions = {r.audit_seq: r for r in self._rows(CountDecisionRow)}
        for entry in entries:
            payload = self._mapped(entry)
            new = self.writer.append(entry.event, payload, actor=entry.actor)
            self.seqs[entry.seq] = new.seq
            old_sheet = entry.payload.get("sheet_id")
            if entry.event in (EventType.SHEET_INGESTED, EventType.HAND_KEYED_BALLOT):
                self._copy_sheet(sheets[old_sheet], payload["sheet_id"], new.seq)
                self.s.flush()  # a decision row names its sheet row
            elif entry.event is EventType.DECISION:
                self._copy_decision(decisions[entry.seq], payload, new.seq)
        self.s.flush()

    def _rows(self, model: Any) -> list[Any]:
        return list(self.s.scalars(select(model).where(model.session_id == self.parent_id)))

    def _mapped(self, entry: AuditEntry) -> dict[str, Any]:
        payload: dict[str, Any] = thaw(entry.payload)
        if entry.event in (EventType.SHEET_INGESTED, EventType.HAND_KEYED_BALLOT):
            self.sheet_ids[payload["sheet_id"]] = random_id()
        if "sheet_id" in payload:
            payload["sheet_id"] = self.sheet_ids[payload["sheet_id"]]
        if "sheet_ids" in payload:  # sheets of other sessions keep their ids
            payload["sheet_ids"] = [self.sheet_ids.get(i, i) for i in payload["sheet_ids"]]
        if "corrects_seq" in payload:
            payload["corrects_seq"] = self.seqs[payload["corrects_seq"]]
        return payload

    def _copy_sheet(self, old: CountSheetRow, sheet_id: str, seq: int) -> None:
        self.s.add(
            CountSheetRow(
                id=sheet_id,
                session_id=self.writer.session_id,
                image_sha256="hand:" + sheet_id if old.hand_keyed else old.image_sha256,
                file_name=old.file_name,
                page=old.page,
                source=old.source,
                status=old.status,
                reasons=list(old.reasons or ()),
                template_hash=old.template_hash,
                style_index=old.style_index,
                serial_hash=old.serial_hash,
                reading_json=old.reading_json,
                reading_sha256=old.reading_sha256,
                hand_keyed=old.hand_keyed,
                choices=list(old.choices or ()),
                audit_seq=seq,
            )
        )

    def _copy_decision(self, old: CountDecisionRow, payload: dict[str, Any], seq: int) -> None:
        self.s.add(
            CountDecisionRow(
                session_id=self.writer.session_id,
                sheet_id=payload["sheet_id"],
                target=old.target,
                project_id=old.project_id,
                value=old.value,
                reason=old.reason,
                decided_by=old.decided_by,
                witness=old.witness,
                machine_opinion_hidden=old.machine_opinion_hidden,
                corrects_seq=payload.get("corrects_seq"),
                audit_seq=seq,
            )
        )


class Reopening:
    """A new session taking over a sealed one, to record corrections (a part of `CountingService`)."""

    def __init__(self, core: CountingCore) -> None:
        self.core = core

    def reopen_session(
        self,
        session_id: str,
        reason: str,
        *,
        passphrase: str | None,
        officer: str | None = None,
        witnesses: Sequence[str] = (),
    ) -> cm.CountSession:
        """Open a new session that takes over the sealed session `session_id`."""
        reason = (reason or "").strip()[:2000]
        if not reason:
            raise UserError(_("Indiquez pourquoi la session scellée est reprise."), field="reason")
        with self.core.uow() as s:
            name = (officer or "").strip() or _reopenable(s, session_id).officer
        key, created = officer_key(self.core.data_dir, name, passphrase)
        if created:
            log.info("officer key created for %s", name)
        child_id = new_id()
        with self.core.uow() as s:
            parent = _reopenable(s, session_id)  # again: another window may have reopened it
            entries = [e for e in load_entries(s, parent.id) if e.event in CARRIED_EVENTS]
            child = _child_row(parent, child_id, name, [w.strip() for w in witnesses if w.strip()])
            payload = session_payload(
                session_id=child_id,
                campaign_id=parent.campaign_id,
                residence_id=parent.residence_id,
                officer=name,
                witnesses=child.witnesses,
                key=key,
                reader_version=READER_VERSION,
                settings={
                    "mode": parent.mode,
                    "hide_machine_opinion": parent.hide_machine_opinion,
                    "carried_over": {"session_id": parent.id, "entries": len(entries)},
                },
                election=describe(s, parent.residence_id),
            )
            child.public_key = payload["public_key"]
            child.key_fingerprint = payload["key_fingerprint"]
            s.add(child)
            s.flush()
            writer = Writer(s, child_id, None, name)
            writer.append(
                EventType.SESSION_REOPENED,
                {
                    **payload,
                    "previous_session_id": parent.id,
                    "previous_sealed_hash": parent.sealed_hash,
                    "reason": reason,
                },
            )
            _Carry(s, writer, parent.id).run(entries)
            result = session_data(s, child)
        assert writer.head is not None
        self.core.log.committed(child_id, writer.head, writer.entries)
        log.info(
            "session %s reopened as %s (%d entries carried)", session_id, child_id, len(entries)
        )
        return result
