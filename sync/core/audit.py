"""The server's check of each device's audit chain, as the entries arrive.

An audit entry (`count_audit`) is accepted only if:
- its hash is the hash of its own body, it is the only entry at its place (session, seq), and it
  follows the entry before it (whose hash is its `prev_hash`); a chain starts with a genesis
  event at seq 1 (else `audit_rewritten`, `audit_forked`, `audit_gap`);
- the whole chain up to it passes the very rules the laptop's own verifier applies
  (`app.domain.audit.advance`, as in `app.domain.audit.verify`): payloads, order, seal, and every
  checkpoint's **signature** under the officer's public key that the session's first entry
  declares, which must be the key of the session's record when the server holds it (the public
  key travels; the private key never does). A forged signature is `audit_signature`; any other
  break of the rules `audit_invalid`.

A refused entry is not written: the server keeps what it had, and the laptop's report names it
in French (`refusal_message`). The state after each verified entry (`ChainHead`) is kept in a
small cache keyed by the entry's hash (the hash commits to the whole chain before it), so a
chain arriving in order costs one step per entry; otherwise the held chain is replayed.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Protocol

from app.domain.audit import GENESIS_EVENTS
from app.domain.audit.chain import ChainHead, advance
from app.domain.audit.entry import body_hash, entry_from_dict
from app.domain.audit.errors import ChainBroken, InvalidPayload
from sync.core.protocol import RecordState

AUDIT_TABLE = "count_audit"
SESSION_TABLE = "count_session"
_HEADS: dict[str, ChainHead] = {}
_HEADS_KEPT = 20_000
_HEADS_LOCK = threading.Lock()


class AuditIndex(Protocol):
    def get(self, table: str, record_id: str) -> RecordState | None: ...

    def audit_at(self, session_id: str, seq: int) -> tuple[str, str] | None:
        """(record id, hash) of the entry already held at this place, if any."""
        ...

    def audit_chain(self, session_id: str, before: int) -> list[str]:
        """The `entry` texts of the session's held entries of seq < `before`, in seq order."""
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
    except (KeyError, TypeError, ValueError, AttributeError):
        return "audit_malformed"
    if not consistent:
        return "audit_rewritten"
    session_id, seq = values["session_id"], values["seq"]
    held = index.audit_at(session_id, seq)
    if held is not None and held[0] != record_id:
        return "audit_forked"
    if entry["event"] in {event.value for event in GENESIS_EVENTS}:
        if seq != 1:
            return "audit_forked"
    else:
        previous = index.audit_at(session_id, seq - 1)
        if previous is None:
            return "audit_gap"
        if previous[1] != values["prev_hash"]:
            return "audit_forked"
    return _check_rules(index, str(session_id), entry)


def _check_rules(index: AuditIndex, session_id: str, data: dict[str, Any]) -> str | None:
    """Replay the chain's rules up to this entry: payloads, order, seal, signatures."""
    try:
        entry = entry_from_dict(data)
        head = _head_before(index, session_id, entry.seq, entry.prev_hash)
        key = _session_key(index, session_id) if head is None else None
        new = advance(head, entry, key)
    except ChainBroken as broken:
        return "audit_signature" if broken.code == "bad_signature" else "audit_invalid"
    except (InvalidPayload, KeyError, TypeError, ValueError, AttributeError):
        return "audit_invalid"
    if new.session_id != session_id:
        return "audit_invalid"  # a chain opened for another session
    _remember(new)
    return None


def _head_before(index: AuditIndex, session_id: str, seq: int, prev_hash: str) -> ChainHead | None:
    if seq == 1:
        return None
    cached = _HEADS.get(prev_hash)
    if cached is not None and cached.seq == seq - 1 and cached.session_id == session_id:
        return cached
    head: ChainHead | None = None
    for text in index.audit_chain(session_id, seq):
        key = _session_key(index, session_id) if head is None else None
        head = advance(head, entry_from_dict(json.loads(text)), key)
        _remember(head)
    if head is None or head.seq != seq - 1:
        raise ValueError("the held chain does not reach this entry")
    return head


def _session_key(index: AuditIndex, session_id: str) -> bytes | None:
    """The officer's public key on the session's record, when the server holds it."""
    session = index.get(SESSION_TABLE, session_id)
    declared = session.values.get("public_key") if session is not None else None
    return bytes.fromhex(declared) if isinstance(declared, str) and declared else None


def _remember(head: ChainHead) -> None:
    with _HEADS_LOCK:
        if len(_HEADS) >= _HEADS_KEPT:
            _HEADS.pop(next(iter(_HEADS)))
        _HEADS[head.hash] = head
