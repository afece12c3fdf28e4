"""The server checks each device's audit chain: a rewritten entry, a fork or a gap is refused
loudly and the server keeps what it had; the whole chain is replayed with the verifier's own
rules (`app.domain.audit.advance`), so a checkpoint whose officer signature is forged, or a
chain opened with another key than its session's, is refused too (in memory: the very rules of
the real server, `tests/sync/test_audit_server.py` runs them in a real server process)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from app.domain import signing
from app.domain.audit import AuditEntry, EventType
from app.domain.audit.entry import body_hash
from sync.core.apply import apply_batch
from sync.core.memory import MemoryHub
from sync.core.merge import diff, fact
from sync.core.protocol import PROTOCOL_VERSION, PushReply, PushRequest
from sync.core.refusals import refusal_message
from sync.core.tables import Role
from tests.helpers.audit import ChainBuilder, rechain, sha

GENESIS_PREV = "0" * 64
KEY = signing.generate_key()


def entry(session: str, seq: int, prev_hash: str, event: str = "decision", **payload: Any) -> dict:
    """A hand-made entry whose hash matches its body (for forks and gaps, refused before the
    chain's rules are even replayed)."""
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


def as_values(session: str, item: AuditEntry | dict[str, Any]) -> dict[str, Any]:
    """An entry as the record `count_audit` the laptop pushes."""
    data = item.to_dict() if isinstance(item, AuditEntry) else item
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {
        "session_id": session,
        "seq": data["seq"],
        "event": str(data["event"]),
        "entry": text,
        "hash": data["hash"],
        "prev_hash": data["prev_hash"],
    }


def real_entries(session: str, sheets: int = 4, key: signing.Ed25519PrivateKey = KEY) -> list:
    """A real chain of a session (built and signed by the application's own functions):
    opened, sheets ingested, a signed batch checkpoint after every second sheet."""
    chain = ChainBuilder(key)
    opened = chain.payloads[EventType.SESSION_OPENED]
    chain.add(EventType.SESSION_OPENED, {**opened, "session_id": session})
    for number in range(1, sheets + 1):
        chain.add(
            EventType.SHEET_INGESTED,
            {"sheet_id": f"sheet-{number}", "image_sha256": sha(f"img{number}"), "page": 1,
             "source": "folder"},
        )  # fmt: skip
        if number % 2 == 0:
            chain.checkpoint(EventType.BATCH_CLOSED, tally={"valid": number})
    return chain.entries


def chain(session: str, length: int) -> list[dict[str, Any]]:
    """The first `length` entries of a real chain, as records."""
    entries = real_entries(session, sheets=length)
    return [as_values(session, item) for item in entries[:length]]


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


def held_hashes(hub: MemoryHub) -> list[str]:
    held = [s.values for (t, _), s in hub.records.items() if t == "count_audit"]
    return [values["hash"] for values in sorted(held, key=lambda values: values["seq"])]


def forged_signature(session: str) -> tuple[list[dict[str, Any]], int]:
    """The real chain with its first checkpoint re-signed by another key (hash recomputed, as a
    forger would): every hash and link is right, only the signature is not the officer's."""
    dicts = [item.to_dict() for item in real_entries(session)]
    index = next(i for i, data in enumerate(dicts) if data["event"] == "batch_closed")
    message = hashlib.sha256(b"forged").digest()
    dicts[index]["payload"]["signature"] = signing.sign(signing.generate_key(), message).hex()
    rechain(dicts, index)
    return [as_values(session, data) for data in dicts], index


def test_a_whole_chain_is_accepted_in_order_across_batches() -> None:
    hub = MemoryHub()
    entries = chain("s1", 5)
    assert reasons(push(hub, *entries[:2])) == []
    assert reasons(push(hub, *entries[2:])) == []
    assert reasons(push(hub, *chain("s2", 3))) == []
    assert len(held_hashes(hub)) == 8


def test_a_rewritten_entry_is_refused() -> None:
    hub = MemoryHub()
    entries = chain("s1", 3)
    push(hub, *entries[:2])
    forged = dict(entries[2])
    forged["entry"] = forged["entry"].replace('"page":1', '"page":2')  # no longer hashes
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
    assert held_hashes(hub) == [e["hash"] for e in entries]


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


def test_a_forged_checkpoint_signature_is_refused_and_the_server_keeps_its_chain() -> None:
    hub = MemoryHub()
    entries, index = forged_signature("s1")
    reply = push(hub, *entries)
    # the entries before the forged checkpoint are whole; it and what follows it are refused
    assert reasons(reply) == ["audit_signature"] + ["audit_gap"] * (len(entries) - index - 1)
    assert held_hashes(hub) == [values["hash"] for values in entries[:index]]
    # the genuine chain still follows what the server kept
    genuine = [as_values("s1", item) for item in real_entries("s1")]
    assert reasons(push(hub, *genuine[index:])) == []
    assert held_hashes(hub) == [values["hash"] for values in genuine]


def test_a_checkpoint_is_checked_even_when_it_arrives_alone_after_a_restart() -> None:
    """The state before an entry is rebuilt from the chain the server holds (no cache)."""
    from sync.core import audit

    hub = MemoryHub()
    entries, index = forged_signature("s9")
    assert reasons(push(hub, *entries[:index])) == []
    audit._HEADS.clear()
    assert reasons(push(hub, entries[index])) == ["audit_signature"]
    audit._HEADS.clear()
    genuine = [as_values("s9", item) for item in real_entries("s9")]
    assert reasons(push(hub, genuine[index])) == []


def test_a_past_entry_rewritten_and_rechained_is_refused_at_the_next_checkpoint() -> None:
    """A forger without the key rewrites a sheet and recomputes every hash after it: the links
    hold, but the next checkpoint's signature does not."""
    hub = MemoryHub()
    dicts = [item.to_dict() for item in real_entries("s1")]
    dicts[1]["payload"]["image_sha256"] = sha("another image")
    rechain(dicts, 1)
    entries = [as_values("s1", data) for data in dicts]
    refused = reasons(push(hub, *entries))
    assert refused[0] == "audit_signature"
    assert len(held_hashes(hub)) < len(entries)


def test_a_chain_opened_with_another_key_than_its_session_is_refused() -> None:
    hub = MemoryHub()
    hub.devices["officer-1"] = Role.OFFICER
    officer = signing.public_key_raw(KEY).hex()
    session = {"public_key": officer, "officer": "Awa Diallo", "_deleted": False}
    request = PushRequest(
        protocol=PROTOCOL_VERSION,
        batch_id="b1",
        changes=[diff("count_session", "s7", session, None, "c1")],  # type: ignore[list-item]
    )
    apply_batch(hub, "officer-1", Role.OFFICER, request)
    impostor = [as_values("s7", item) for item in real_entries("s7", key=signing.generate_key())]
    assert reasons(push(hub, impostor[0])) == ["audit_invalid"]
    assert reasons(push(hub, *[as_values("s7", e) for e in real_entries("s7")])) == []


def test_each_refusal_has_a_french_message() -> None:
    text = refusal_message("audit_signature", "count_audit", "e1", {"session_id": "s1", "seq": 7})
    assert "entrée n° 7" in text and "signature" in text and "garde le journal" in text
    text = refusal_message("unique_taken", "print_batch", "batch-b", {})
    assert "print_batch" in text and "garde le premier" in text
