"""One audit log entry, its canonical bytes and its hash.

An entry is the JSON object
`{"actor","event","hash","payload","prev_hash","seq","time","v"}`; its `hash` is the SHA-256 of
the canonical JSON of the same object without `hash`. Checkpoints are signed over that same body
with the payload's `signature` removed, behind a fixed domain prefix (`CHECKPOINT_DOMAIN`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.audit.canonical import canonical_json, dumps_unchecked, freeze, sha256_hex, thaw
from app.domain.audit.errors import InvalidPayload
from app.domain.audit.events import EventType, parse_event
from app.i18n import _

ENTRY_VERSION = 1
CHECKPOINT_DOMAIN = b"bp-terrain/audit-checkpoint/v1\x00"
ENTRY_KEYS = frozenset({"v", "seq", "time", "actor", "event", "payload", "prev_hash", "hash"})
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def format_time(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC; naive datetimes are refused (their zone is a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """The aware UTC datetime of an entry's `time`; `ValueError` if it is not in the log's form."""
    if not _TIME.fullmatch(text):
        raise ValueError(f"not an audit time: {text!r}")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AuditEntry:
    """An entry as stored: the storage layer persists these fields and nothing else.

    `payload` is deeply read-only (mappings and tuples); `to_dict` gives plain JSON.
    """

    seq: int
    time: str
    actor: str
    event: EventType
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        """The hashed object: every field except `hash`."""
        return {
            "v": ENTRY_VERSION,
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "event": self.event.value,
            "payload": thaw(self.payload),
            "prev_hash": self.prev_hash,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}

    def canonical(self) -> bytes:
        """The exact bytes of the entry in the JSON-lines copy (without the newline)."""
        return canonical_json(self.to_dict())

    def computed_hash(self) -> str:
        return body_hash(self.body())

    @property
    def signed(self) -> bool:
        return "signature" in self.payload


def body_hash(body: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an entry body's canonical JSON: the value of its `hash` field.

    The canonical checks are not repeated here: entries are validated when built and when
    verified, and verification must stay fast over tens of thousands of entries.
    """
    return sha256_hex(dumps_unchecked(body))


def checkpoint_message(body: Mapping[str, Any]) -> bytes:
    """The bytes the officer signs: domain prefix + canonical body without the signature."""
    payload = {key: value for key, value in body["payload"].items() if key != "signature"}
    return CHECKPOINT_DOMAIN + canonical_json({**body, "payload": payload})


def make_entry(
    *,
    seq: int,
    time: str,
    actor: str,
    event: EventType,
    payload: Mapping[str, Any],
    prev_hash: str,
) -> AuditEntry:
    """An entry with its hash computed; no validation (see `audit.build_entry`)."""
    body = {
        "v": ENTRY_VERSION,
        "seq": seq,
        "time": time,
        "actor": actor,
        "event": event.value,
        "payload": thaw(payload),
        "prev_hash": prev_hash,
    }
    return AuditEntry(seq, time, actor, event, freeze(payload), prev_hash, body_hash(body))


def entry_from_dict(data: Mapping[str, Any]) -> AuditEntry:
    """Read an entry from parsed JSON, checking its shape (not its hash nor its place)."""
    if not isinstance(data, Mapping) or set(data) != ENTRY_KEYS:
        raise InvalidPayload(
            _("Entrée mal formée : champs attendus {keys}.").format(
                keys=", ".join(sorted(ENTRY_KEYS))
            )
        )
    if data["v"] != ENTRY_VERSION or isinstance(data["v"], bool):
        raise InvalidPayload(_("Version d'entrée non prise en charge : {v}.").format(v=data["v"]))
    seq = data["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise InvalidPayload(_("Numéro d'entrée invalide."))
    for key in ("time", "actor", "prev_hash", "hash"):
        if not isinstance(data[key], str):
            raise InvalidPayload(_("Champ « {key} » invalide.").format(key=key))
    if not isinstance(data["payload"], Mapping):
        raise InvalidPayload(_("Le contenu d'une entrée du journal doit être un objet."))
    return AuditEntry(
        seq=seq,
        time=data["time"],
        actor=data["actor"],
        event=parse_event(data["event"]),
        payload=freeze(data["payload"]),
        prev_hash=data["prev_hash"],
        hash=data["hash"],
    )
