"""The server checks each device's audit chain: a rewritten entry, a fork or a gap is refused
loudly and the server keeps what it had."""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.domain.audit.entry import body_hash
from sync.core.apply import apply_batch
from sync.core.memory import MemoryHub
from sync.core.merge import fact
from sync.core.protocol import PROTOCOL_VERSION, PushReply, PushRequest
from sync.core.tables import Role

GENESIS_PREV = "0" * 64


def entry(session: str, seq: int, prev_hash: str, event: str = "decision", **payload: Any) -> dict:
    body = {
        "v": 1,
        "seq": seq,
        "time": f"2026-03-01T10:00:{seq:02d}.000000Z",
        "actor": "Officier",
        "event": event,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    digest = body_hash(body)
    return {
        "session_id": session,
        "seq": seq,
        "event": event,
        "entry": json.dumps({**body, "hash": digest}, sort_keys=True),
        "hash": digest,
        "prev_hash": prev_hash,
    }


def chain(session: str, length: int) -> list[dict]:
    entries = [entry(session, 1, GENESIS_PREV, "session_opened")]
    for seq in range(2, length + 1):
        entries.append(entry(session, seq, entries[-1]["hash"], n=seq))
    return entries


def push(hub: MemoryHub, *entries: dict, ids: list[str] | None = None) -> PushReply:
    ids = ids or [uuid.uuid4().hex for _ in entries]
    changes = [
        fact("count_audit", rid, values, uuid.uuid4().hex)
        for rid, values in zip(ids, entries, strict=True)
    ]
    request = PushRequest(protocol=PROTOCOL_VERSION, batch_id=uuid.uuid4().hex, changes=changes)
    return apply_batch(hub, "officer-1", Role.OFFICER, request)


def reasons(reply: PushReply) -> list[str]:
    return [refusal.reason for refusal in reply.refused]


def test_a_whole_chain_is_accepted_in_order_across_batches() -> None:
    hub = MemoryHub()
    entries = chain("s1", 5)
    assert push(hub, *entries[:2]).accepted == 2
    assert push(hub, *entries[2:]).accepted == 3
    assert reasons(push(hub, *chain("s2", 3))) == []


def test_a_rewritten_entry_is_refused() -> None:
    hub = MemoryHub()
    entries = chain("s1", 3)
    push(hub, *entries[:2])
    forged = dict(entries[2])
    forged["entry"] = forged["entry"].replace('"n": 3', '"n": 4')  # the body no longer hashes
    assert reasons(push(hub, forged)) == ["audit_rewritten"]
    hidden = dict(entries[2], hash="f" * 64)
    assert reasons(push(hub, hidden)) == ["audit_rewritten"]


def test_a_fork_is_refused_and_the_first_branch_kept() -> None:
    hub = MemoryHub()
    entries = chain("s1", 3)
    push(hub, *entries)
    other = entry("s1", 3, entries[1]["hash"], n=99)  # a second entry at the same place
    assert reasons(push(hub, other)) == ["audit_forked"]
    wrong_parent = entry("s1", 4, "a" * 64, n=4)
    assert reasons(push(hub, wrong_parent)) == ["audit_forked"]
    held = [s.values["hash"] for (t, _), s in hub.records.items() if t == "count_audit"]
    assert held == [e["hash"] for e in entries]


def test_a_gap_and_a_late_genesis_are_refused() -> None:
    hub = MemoryHub()
    entries = chain("s1", 4)
    assert reasons(push(hub, entries[0], entries[2])) == ["audit_gap"]
    assert reasons(push(hub, entry("s1", 5, GENESIS_PREV, "session_opened"))) == ["audit_forked"]


def test_the_same_entry_sent_twice_is_one_entry() -> None:
    hub = MemoryHub()
    entries = chain("s1", 2)
    ids = ["e1", "e2"]
    push(hub, *entries, ids=ids)
    assert reasons(push(hub, *entries, ids=ids)) == []
    assert len([k for k in hub.records if k[0] == "count_audit"]) == 2
