"""The server's check of each device's audit chain, entry by entry, as the entries arrive.

An audit entry (`count_audit`) is accepted only if its hash is the hash of its own body, it is the
only entry at its place (session, seq), and it follows the entry before it (whose hash is its
`prev_hash`); a chain starts with a genesis event at seq 1. A rewritten entry, a fork or a gap is
refused, loudly (in the push reply), and the server keeps what it had.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from app.domain.audit import GENESIS_EVENTS
from app.domain.audit.entry import body_hash

AUDIT_TABLE = "count_audit"


class AuditIndex(Protocol):
    def audit_at(self, session_id: str, seq: int) -> tuple[str, str] | None:
        """(record id, hash) of the entry already held at this place, if any."""
        ...


def audit_key(values: dict[str, Any]) -> str:
    return f"{values.get('session_id')}:{values.get('seq')}"


def check_audit_entry(index: AuditIndex, record_id: str, values: dict[str, Any]) -> str | None:
    """None when the entry may join the chain, else the refusal's reason."""
    try:
        entry = json.loads(values["entry"])
        body = {key: value for key, value in entry.items() if key != "hash"}
        consistent = (
            entry["hash"] == values["hash"] == body_hash(body)
            and entry["seq"] == values["seq"]
            and entry["prev_hash"] == values["prev_hash"]
            and entry["event"] == values["event"]
        )
    except (KeyError, TypeError, ValueError):
        return "audit_malformed"
    if not consistent:
        return "audit_rewritten"
    session_id, seq = values["session_id"], values["seq"]
    held = index.audit_at(session_id, seq)
    if held is not None and held[0] != record_id:
        return "audit_forked"
    if entry["event"] in {event.value for event in GENESIS_EVENTS}:
        return None if seq == 1 else "audit_forked"
    previous = index.audit_at(session_id, seq - 1)
    if previous is None:
        return "audit_gap"
    return None if previous[1] == values["prev_hash"] else "audit_forked"
