"""The rows of a count checked against its audit log before any figure is shown, sealed or printed.

The sheet, decision and session rows are what the program reads quickly, but anyone with the
database file can change them; the log cannot be changed without breaking its chain. So every
figure (status, review queue, results, seal, report, export) is computed from rows that were
first compared with the log: each sheet row must match its `sheet_ingested` and
`sheet_interpreted` / `sheet_rejected` (or `hand_keyed_ballot`) entries, field by field, and its
stored reading must hash to the reading hash the log recorded; each decision row must match its
`decision` entry; no row may exist without its entry, nor an entry without its row; the session
row's mode, seal and reconciliation must be those of the log. Any difference blocks the count
with the broken-chain message, naming the sheet (or decision) and the field.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.domain.audit import AuditEntry, ChainBroken
from app.domain.audit.verify import Item
from app.i18n import N_, _
from app.services.counting.log import broken_message, item_from_columns
from app.storage.count_tables import (
    CountAuditRow,
    CountDecisionRow,
    CountSessionRow,
    CountSheetRow,
)

ROW_DIFFERS = "row_differs"


def _differs(session_id: str, detail: str) -> ChainBroken:
    return ChainBroken(broken_message(session_id, detail), seq=0, code=ROW_DIFFERS)


def _sheet_differs(session_id: str, sheet_id: str, what: str) -> ChainBroken:
    return _differs(
        session_id,
        _(
            "la feuille {sheet} enregistrée dans la base ne correspond pas au journal ({what})."
        ).format(sheet=sheet_id, what=what),
    )


Columns = tuple[int, str, str, str, str]
"""An audit row as stored: seq, hash, prev_hash, event, entry (the JSON text)."""


@dataclass
class _Parsed:
    """A session's log as last parsed: each row's stored columns and the record made of them."""

    columns: list[Columns]
    records: list[Mapping[str, Any] | None]


class _ParsedLogs:
    """The parsed records of each session's log, per database, for this process.

    Parsing is a pure function of a row's stored columns, so a record is reused only for a row
    whose columns are, byte for byte, those it was parsed from: a log that did not change is
    not parsed again, a log that grew has only its new entries parsed, and an entry changed in
    the database (its text or any column) is parsed again, so the checks below see exactly
    what they would see without this cache. Reading the columns is a plain query without ORM
    objects (a few milliseconds for 20,000 entries); parsing them took most of `load_facts`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_engine: weakref.WeakKeyDictionary[Engine, dict[str, _Parsed]] = (
            weakref.WeakKeyDictionary()
        )
        self.parsed = 0  # rows parsed since start (tests and benchmarks read it)

    def records(self, session: Session, session_id: str) -> list[Mapping[str, Any]]:
        rows = session.execute(
            select(
                CountAuditRow.seq,
                CountAuditRow.hash,
                CountAuditRow.prev_hash,
                CountAuditRow.event,
                CountAuditRow.entry,
            )
            .where(CountAuditRow.session_id == session_id)
            .order_by(CountAuditRow.seq)
        ).all()
        columns: list[Columns] = [tuple(r) for r in rows]  # type: ignore[misc]
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        with self._lock:
            known = self._by_engine.get(engine, {}).get(session_id)
        records: list[Mapping[str, Any] | None] = []
        for index, cols in enumerate(columns):
            if known is not None and index < len(known.columns) and known.columns[index] == cols:
                records.append(known.records[index])
            else:
                records.append(_record(item_from_columns(*cols)))
                self.parsed += 1
        with self._lock:
            self._by_engine.setdefault(engine, {})[session_id] = _Parsed(columns, records)
        return [r for r in records if r is not None]


def _record(item: Item) -> Mapping[str, Any] | None:
    if isinstance(item, Mapping):
        return item
    if isinstance(item, AuditEntry):
        return item.to_dict()
    return None  # unreadable: the chain verification reports it


PARSED_LOGS = _ParsedLogs()


def log_records(session: Session, session_id: str) -> list[Mapping[str, Any]]:
    """The session's entries as plain dicts (seq, event, payload, hash), in order. Unreadable
    rows are left out: the chain verification reports them. The records are shared between
    calls (`PARSED_LOGS`): read them, never change them."""
    return PARSED_LOGS.records(session, session_id)


def check_session_rows(
    session: Session,
    session_id: str,
    sheets: Sequence[CountSheetRow],
    decisions: Sequence[CountDecisionRow],
) -> None:
    """Raise `ChainBroken` (naming the sheet and the field) when a row differs from the log."""
    records = log_records(session, session_id)
    _check_sheets(session_id, sheets, records)
    _check_decisions(session_id, decisions, records)
    row = session.get(CountSessionRow, session_id)
    if row is not None:
        _check_session(session_id, row, records)


def _expected_sheets(records: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    expected: dict[str, dict[str, Any]] = {}
    for record in records:
        event, payload = record.get("event"), record.get("payload") or {}
        sheet_id = str(payload.get("sheet_id"))
        if event == "sheet_ingested":
            expected[sheet_id] = {
                "seq": record.get("seq"),
                "image_sha256": payload.get("image_sha256"),
                "page": payload.get("page"),
                "hand_keyed": False,
                "choices": [],
            }
        elif event == "hand_keyed_ballot":
            expected[sheet_id] = {
                "seq": record.get("seq"),
                "image_sha256": "hand:" + str(sheet_id),
                "hand_keyed": True,
                "choices": sorted(payload.get("choices") or ()),
                "status": "valid",
                "reasons": [],
            }
            if "template_hash" in payload:
                expected[sheet_id]["template_hash"] = payload["template_hash"]
        elif event == "sheet_interpreted" and sheet_id in expected:
            expected[sheet_id].update(
                status=payload.get("status"),
                reasons=list(payload.get("reasons") or ()),
                reading_sha256=payload.get("reading_sha256"),
                serial_hash=payload.get("serial_mac"),
                template_hash=payload.get("template_hash"),
            )
        elif event == "sheet_rejected" and sheet_id in expected:
            expected[sheet_id].update(
                status="rejected",
                reasons=list(payload.get("reasons") or ()),
                reading_sha256=payload.get("reading_sha256"),
            )
    return expected


_FIELD_WORDS = {
    "seq": N_("numéro d'entrée"),
    "image_sha256": N_("empreinte de l'image"),
    "page": N_("page"),
    "hand_keyed": N_("saisie à la main"),
    "choices": N_("projets saisis"),
    "status": N_("état"),
    "reasons": N_("motifs"),
    "reading_sha256": N_("empreinte de la lecture"),
    "serial_hash": N_("empreinte du numéro"),
    "template_hash": N_("modèle de bulletin"),
}


def _row_value(row: CountSheetRow, name: str) -> Any:
    if name == "seq":
        return row.audit_seq
    if name in ("reasons", "choices"):
        value = list(getattr(row, name) or ())
        return sorted(value) if name == "choices" else value
    return getattr(row, name)


def _check_sheets(
    session_id: str, sheets: Sequence[CountSheetRow], records: Sequence[Mapping[str, Any]]
) -> None:
    expected = _expected_sheets(records)
    seen = set()
    for row in sheets:
        want = expected.get(row.id)
        if want is None:
            raise _sheet_differs(session_id, row.id, _("absente du journal"))
        seen.add(row.id)
        for name, value in want.items():
            if _row_value(row, name) != value:
                raise _sheet_differs(session_id, row.id, _(_FIELD_WORDS.get(name, name)))
        if not row.hand_keyed:
            text = row.reading_json or ""
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != row.reading_sha256:
                raise _sheet_differs(session_id, row.id, _("lecture modifiée"))
            if row.choices:
                raise _sheet_differs(session_id, row.id, _("projets saisis"))
    missing = [sid for sid in expected if sid not in seen]
    if missing:
        raise _sheet_differs(session_id, missing[0], _("supprimée de la base"))


def _check_decisions(
    session_id: str, decisions: Sequence[CountDecisionRow], records: Sequence[Mapping[str, Any]]
) -> None:
    expected: dict[int, Mapping[str, Any]] = {
        int(r.get("seq") or 0): r.get("payload") or {}
        for r in records
        if r.get("event") == "decision"
    }
    seen = set()
    for row in decisions:
        payload = expected.get(row.audit_seq)
        got = (
            row.sheet_id,
            row.target,
            row.project_id,
            row.value,
            row.reason,
            row.decided_by,
            row.witness or "",
            row.corrects_seq,
        )
        want = None
        if payload is not None:
            want = (
                payload.get("sheet_id"),
                payload.get("target"),
                payload.get("project_id"),
                payload.get("value"),
                payload.get("reason"),
                payload.get("decided_by"),
                payload.get("witness", ""),
                payload.get("corrects_seq"),
            )
        if want != got:
            raise _decision_differs(session_id, row.sheet_id, row.audit_seq)
        seen.add(row.audit_seq)
    missing = sorted(seq for seq in expected if seq not in seen)
    if missing:
        raise _decision_differs(session_id, expected[missing[0]].get("sheet_id"), missing[0])


def _decision_differs(session_id: str, sheet_id: Any, seq: Any) -> ChainBroken:
    return _differs(
        session_id,
        _(
            "la décision n° {seq} sur la feuille {sheet} enregistrée dans la base ne "
            "correspond pas au journal."
        ).format(seq=seq, sheet=sheet_id),
    )


def _check_session(
    session_id: str, row: CountSessionRow, records: Sequence[Mapping[str, Any]]
) -> None:
    if not records:
        return
    opening = records[0].get("payload") or {}
    settings = opening.get("settings") or {}
    wanted = {
        _("résidence"): (row.residence_id, opening.get("residence_id")),
        _("campagne"): (row.campaign_id, opening.get("campaign_id")),
        _("clé de l'agent"): (row.public_key, opening.get("public_key")),
        _("mode"): (row.mode, settings.get("mode", row.mode)),
        _("avis de la machine masqué"): (
            bool(row.hide_machine_opinion),
            bool(settings.get("hide_machine_opinion", row.hide_machine_opinion)),
        ),
    }
    seal = next((r for r in records if r.get("event") == "session_sealed"), None)
    wanted[_("scellement")] = (
        (row.sealed_hash, row.sealed_at is not None),
        (seal.get("hash") if seal else None, seal is not None),
    )
    reconciliation = [r for r in records if r.get("event") == "reconciliation_recorded"]
    if reconciliation:
        p = reconciliation[-1].get("payload") or {}
        wanted[_("rapprochement")] = (
            (row.printed, row.handed_out, row.returned, row.spoiled, row.reconciliation_note),
            (p.get("printed"), p.get("handed_out"), p.get("returned"), p.get("spoiled"),
             p.get("note", "")),
        )  # fmt: skip
    for what, (got, want) in wanted.items():
        if got != want:
            raise _differs(
                session_id,
                _(
                    "la session enregistrée dans la base ne correspond pas au journal ({what})."
                ).format(what=what),
            )


def check_residence_sessions(session: Session, residence_id: str) -> None:
    """Which sessions count for a residence is read from rows too (mode, deleted, replaced by a
    reopening): each session whose log opens on this residence must still be there, with the
    mode its log declares, and a replacement or a parent only as the logs say. Raises
    `ChainBroken` naming the session otherwise."""
    geneses = session.execute(
        select(CountAuditRow.session_id, CountAuditRow.entry).where(CountAuditRow.seq == 1)
    ).all()
    opened: dict[str, Mapping[str, Any]] = {}
    for session_id, text in geneses:
        try:
            entry = json.loads(text)
        except ValueError:
            continue  # the chain verification reports it
        payload = entry.get("payload") or {}
        if payload.get("residence_id") == residence_id:
            opened[session_id] = {"event": entry.get("event"), **payload}
    for session_id, genesis in opened.items():
        row = session.get(CountSessionRow, session_id)
        settings = genesis.get("settings") or {}
        problems = []
        if row is None or row.deleted_at is not None:
            problems.append(_("session supprimée"))
        else:
            if row.residence_id != residence_id:
                problems.append(_("résidence"))
            if row.mode != settings.get("mode", row.mode):
                problems.append(_("mode"))
            if row.parent_session_id != genesis.get("previous_session_id"):
                problems.append(_("session reprise"))
            if row.superseded_by and not _replaces(opened, row.superseded_by, session_id):
                problems.append(_("remplacée par une reprise"))
        if problems:
            raise _differs(
                session_id,
                _(
                    "la session enregistrée dans la base ne correspond pas au journal ({what})."
                ).format(what=", ".join(problems)),
            )


def _replaces(opened: Mapping[str, Mapping[str, Any]], child: str, parent: str) -> bool:
    genesis = opened.get(child)
    return genesis is not None and genesis.get("previous_session_id") == parent
