"""The batch slip: a checkpoint printed on paper for the witnesses to sign.

The slip prints the checkpoint in words and a short code for a QR symbol. The code holds the
checkpoint entry's own hash: that hash covers the signature, the counts and, through the links,
every earlier entry, so a slip kept by a witness later proves that the log was not rewritten
(`SlipCode.expected_head` feeds `verify_chain(expected_heads=...)`).

QR code text (only characters of the QR alphanumeric mode, so the symbol stays small):
`BPTA1:<KIND>:<SESSION TAG>:<SEQ>:<BATCH>:<HASH>` where KIND is `LOT` (batch closed), `CTL`
(checkpoint) or `SCEL` (session sealed), SESSION TAG the first 8 hex digits of SHA-256 of the
session id in upper case, SEQ the checkpoint's sequence number, BATCH the batch number (0 when
none) and HASH the entry's hash in upper-case hex.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import tzinfo

from app.domain.audit.entry import AuditEntry, parse_time
from app.domain.audit.errors import AuditError
from app.domain.audit.events import EventType
from app.domain.dates import format_date, utc_offset
from app.domain.money import format_number
from app.i18n import N_, _

SLIP_PREFIX = "BPTA1"
_KINDS = {
    EventType.BATCH_CLOSED: "LOT",
    EventType.CHECKPOINT: "CTL",
    EventType.SESSION_SEALED: "SCEL",
}
_CODE = re.compile(
    r"BPTA1:(LOT|CTL|SCEL):([0-9A-F]{8}):([1-9][0-9]{0,15}):([0-9]{1,10}):([0-9A-F]{64})"
)
_TITLES = {
    EventType.BATCH_CLOSED: N_("Clôture du lot n° {batch}"),
    EventType.CHECKPOINT: N_("Point de contrôle"),
    EventType.SESSION_SEALED: N_("Scellement de la session"),
}
_COUNT_LABELS = (
    ("sheet_ingested", N_("Feuilles reçues")),
    ("sheet_interpreted", N_("Feuilles lues")),
    ("sheet_rejected", N_("Feuilles rejetées")),
    ("duplicate_serial", N_("Numéros en double")),
    ("decision", N_("Décisions")),
    ("hand_keyed_ballot", N_("Bulletins saisis à la main")),
)
_TALLY_LABELS = {
    "valid": N_("Bulletins valides"),
    "blank": N_("Bulletins blancs"),
    "invalid": N_("Bulletins nuls"),
    "set_aside": N_("Bulletins mis de côté"),
    "review": N_("À revoir"),
    "rejected": N_("Feuilles rejetées"),
}


@dataclass(frozen=True)
class SlipCode:
    """What a slip's QR code says."""

    kind: str
    session_tag: str
    seq: int
    batch: int
    entry_hash: str

    @property
    def expected_head(self) -> tuple[int, str]:
        """(seq, lowercase hash), as `verify_chain(expected_heads=...)` takes it."""
        return self.seq, self.entry_hash.lower()


def session_tag(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:8].upper()


def slip_code(entry: AuditEntry, session_id: str) -> str:
    """The QR text of a checkpoint entry (see the module docstring)."""
    if entry.event not in _KINDS:
        raise ValueError(f"{entry.event.value} is not a checkpoint")
    batch = entry.payload.get("batch", 0)
    return ":".join(
        (
            SLIP_PREFIX,
            _KINDS[entry.event],
            session_tag(session_id),
            str(entry.seq),
            str(batch),
            entry.hash.upper(),
        )
    )


def parse_slip_code(text: str) -> SlipCode:
    """Read a slip's QR text; `AuditError` (French) if it is not one."""
    match = _CODE.fullmatch(text.strip())
    if match is None:
        raise AuditError(_("Ce code n'est pas celui d'un bordereau de dépouillement BP Terrain."))
    kind, tag, seq, batch, entry_hash = match.groups()
    return SlipCode(kind, tag, int(seq), int(batch), entry_hash)


def french_datetime(text: str, zone: tzinfo | None = None) -> str:
    """An entry time the French way: "mardi 3 mars 2026 à 21 h 01 (heure locale, UTC+1)" in
    `zone`, or "… (UTC)" without one. The slip on screen and the printed slip both use it.

    The date goes through `format_date`, so "1er" stays French and English reads "1 March"."""
    moment = parse_time(text)
    if zone is not None:
        moment = moment.astimezone(zone)
    words = _("{date} à {hour} h {minute:02d}").format(
        date=format_date(moment), hour=moment.hour, minute=moment.minute
    )
    if zone is None:
        return _("{moment} (UTC)").format(moment=words)
    return _("{moment} (heure locale, {offset})").format(moment=words, offset=utc_offset(moment))


def group_hex(value: str, per_line: int = 8) -> list[str]:
    """A hex string as lines of groups of 4 upper-case digits, easy to compare by eye."""
    groups = [value[index : index + 4].upper() for index in range(0, len(value), 4)]
    return [" ".join(groups[index : index + per_line]) for index in range(0, len(groups), per_line)]


def _figure(label: str, number: int) -> str:
    """One "label : figure" line, a whole sentence for translators (English has no space)."""
    return _("{label} : {n}").format(label=label, n=format_number(number))


def slip_text(entry: AuditEntry, *, session_id: str, zone: tzinfo | None = None) -> str:
    """The words printed on the slip, above the witnesses' signature lines."""
    if entry.event not in _KINDS:
        raise ValueError(f"{entry.event.value} is not a checkpoint")
    payload = entry.payload
    lines = [
        _("BP Terrain — bordereau de dépouillement"),
        _(_TITLES[entry.event]).format(batch=payload.get("batch", 0)),
        _("Session : {session}").format(session=session_id),
        _("Entrée n° {seq}, le {moment}").format(
            seq=entry.seq, moment=french_datetime(entry.time, zone)
        ),
        _("Agent : {actor}").format(actor=entry.actor),
    ]
    counts = payload["counts"]
    for key, label in _COUNT_LABELS:
        lines.append(_figure(_(label), counts.get(key, 0)))
    for key, value in payload.get("tally", {}).items():
        lines.append(_figure(_(_TALLY_LABELS.get(key, key)), value))
    if "entries" in payload:  # the log's length, signed: a log cut after the slip is seen
        lines.append(_figure(_("Entrées du journal"), payload["entries"]))
    if "election_sha256" in payload:
        lines.append(_("Description du scrutin (budget, projets, règles) : {h}").format(
            h=" ".join(group_hex(payload["election_sha256"][:16]))))  # fmt: skip
    lines.append(_("Empreinte de ce bordereau :"))
    lines.extend(f"  {line}" for line in group_hex(entry.hash))
    lines.append(_("Clé de l'agent : {fingerprint}").format(fingerprint=payload["key_fingerprint"]))
    lines.append(_("Code : {code}").format(code=slip_code(entry, session_id)))
    return "\n".join(lines)
