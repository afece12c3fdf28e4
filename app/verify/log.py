"""Verify the bundle's log with the audit core, and read the count's facts out of it.

The log is the only signed file of the bundle: the chain is checked entry by entry (hashes,
links, schemas, privacy rules, checkpoints and their Ed25519 signatures) with the key shipped
in `public_key.pem`, which must be the key declared at entry 1. Everything the recount needs
that the log holds (sheets received, their status, the decisions, the hand-keyed ballots, the
sealed tally) is then taken from the log, never from the unsigned copies beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain import signing
from app.domain.audit import AuditEntry, EventType, entry_from_dict
from app.domain.audit.canonical import thaw
from app.domain.audit.jsonl import parse_jsonl
from app.domain.audit.verify import VerificationResult, verify_chain
from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.model import VerifyFailure

LOG = "log.jsonl"
_DESCRIBING = (EventType.SESSION_OPENED, EventType.SESSION_REOPENED, EventType.ELECTION_CHANGED)


@dataclass
class LogSheet:
    """A sheet as the log tells it."""

    sheet_id: str
    seq: int
    image_sha256: str | None = None
    page: int = 1
    status: str = ""
    reasons: tuple[str, ...] = ()
    reading_sha256: str | None = None
    reading_seq: int | None = None
    serial_mac: str | None = None
    template_hash: str | None = None
    hand_keyed: bool = False
    choices: tuple[str, ...] = ()


@dataclass
class LogFacts:
    """What the verified log says about the count."""

    opened: dict[str, Any]
    head_seq: int
    head_hash: str
    sheets: dict[str, LogSheet] = field(default_factory=dict)
    decisions: list[AuditEntry] = field(default_factory=list)
    tally: AuditEntry | None = None
    sealed: AuditEntry | None = None
    reconciliation: dict[str, Any] | None = None
    checkpoints: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    election: dict[str, Any] | None = None  # the signed description in force at the end

    def entry_name(self, seq: int) -> str:
        return _("journal, entrée n° {seq}").format(seq=seq)


def public_key(bundle: Bundle) -> bytes:
    try:
        return signing.public_key_raw(signing.public_key_from_pem(bundle.get("public_key.pem")))
    except signing.KeyFileError as error:
        raise VerifyFailure("public_key", "public_key.pem", error.message) from None


def verify_log(bundle: Bundle) -> LogFacts:
    """Check the chain (sealed, signed with the bundle's key) and collect its facts."""
    key = public_key(bundle)
    items = parse_jsonl(bundle.get(LOG))
    result = verify_chain(items, public_key=key, require_sealed=True)
    if result.failure is not None:
        where = _("{file}, entrée n° {seq}").format(file=LOG, seq=result.failure.seq)
        raise VerifyFailure("chain_" + result.failure.code, where, result.failure.message)
    entries = [entry_from_dict(item) for item in items]  # type: ignore[arg-type]
    facts = _collect(entries, result)
    if bundle.session_id and facts.opened.get("session_id") != bundle.session_id:
        raise VerifyFailure(
            "session_mismatch",
            "manifest.json",
            _(
                "Le manifeste annonce la session {a}, le journal est celui de la session {b}."
            ).format(a=bundle.session_id, b=facts.opened.get("session_id")),
        )
    return facts


def _collect(entries: list[AuditEntry], result: VerificationResult) -> LogFacts:
    assert result.head is not None
    facts = LogFacts(
        opened=dict(entries[0].payload),
        head_seq=result.head.seq,
        head_hash=result.head.hash,
        checkpoints=result.checkpoints,
        warnings=tuple(w.message for w in result.warnings),
    )
    for entry in entries:
        _read_entry(facts, entry)
    return facts


def _read_entry(facts: LogFacts, entry: AuditEntry) -> None:
    p = entry.payload
    kind = entry.event
    if kind in _DESCRIBING and "election" in p:
        facts.election = thaw(p["election"])
    if kind is EventType.SHEET_INGESTED:
        facts.sheets[p["sheet_id"]] = LogSheet(
            p["sheet_id"], entry.seq, image_sha256=p["image_sha256"], page=p["page"]
        )
    elif kind in (EventType.SHEET_INTERPRETED, EventType.SHEET_REJECTED):
        sheet = _known_sheet(facts, entry)
        sheet.status = p.get("status", "rejected")
        sheet.reasons = tuple(p["reasons"])
        sheet.reading_sha256 = p.get("reading_sha256")
        sheet.reading_seq = entry.seq
        sheet.serial_mac = p.get("serial_mac")
        sheet.template_hash = p.get("template_hash")
    elif kind is EventType.HAND_KEYED_BALLOT:
        facts.sheets[p["sheet_id"]] = LogSheet(
            p["sheet_id"], entry.seq, status="valid", hand_keyed=True, choices=tuple(p["choices"])
        )
    elif kind is EventType.DECISION:
        _known_sheet(facts, entry)
        facts.decisions.append(entry)
    elif kind is EventType.TALLY_COMPUTED:
        facts.tally = entry
    elif kind is EventType.SESSION_SEALED:
        facts.sealed = entry
    elif kind is EventType.RECONCILIATION_RECORDED:
        facts.reconciliation = dict(p)


def _known_sheet(facts: LogFacts, entry: AuditEntry) -> LogSheet:
    sheet = facts.sheets.get(entry.payload["sheet_id"])
    if sheet is None:
        raise VerifyFailure(
            "unknown_sheet",
            facts.entry_name(entry.seq),
            _("Entrée n° {seq} : elle cite la feuille {id}, qu'aucune entrée n'a reçue.").format(
                seq=entry.seq, id=entry.payload["sheet_id"]
            ),
        )
    return sheet
