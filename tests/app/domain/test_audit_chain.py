from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from app.domain import audit, signing
from app.domain.audit import (
    AuditEntry,
    ChainBroken,
    EventType,
    InvalidPayload,
    SessionSealed,
    verify_chain,
)
from app.domain.audit.entry import checkpoint_message, make_entry
from app.errors import Cancelled, CancelToken
from tests.helpers.audit import (
    OFFICER,
    ChainBuilder,
    build_session,
    rechain,
    sha,
)

KEY = signing.generate_key()
SESSION = build_session(KEY, sheets=14, batch_size=5)
ENTRIES = SESSION.entries


def dicts() -> list[dict[str, Any]]:
    return [entry.to_dict() for entry in ENTRIES]


def failure_of(items: list[Any], **options: Any) -> tuple[int, str]:
    result = verify_chain(items, **options)
    assert result.failure is not None, "tampering went unnoticed"
    assert not result.ok
    return result.failure.seq, result.failure.code


def test_a_long_session_verifies() -> None:
    big = build_session(KEY, sheets=500, batch_size=50)
    result = verify_chain(big.entries, require_sealed=True, public_key=signing.public_key_raw(KEY))
    assert result.ok, result.failure
    assert result.entries == len(big.entries) > 1000
    assert result.head is not None and result.head.sealed
    assert result.head.hash == big.entries[-1].hash == result.head.sealed_hash
    assert result.checkpoints == tuple(e.seq for e in big.entries if e.event in audit.SIGNED_EVENTS)
    assert len(result.checkpoints) == 12  # 10 batches, a pause and the seal
    assert result.warnings == ()


def test_entries_read_back_from_plain_dicts_verify_too() -> None:
    assert verify_chain(dicts(), require_sealed=True).ok


def test_first_entry_links_to_zeros_and_hash_covers_the_body() -> None:
    first = ENTRIES[0]
    assert first.seq == 1 and first.prev_hash == "0" * 64
    assert first.hash == audit.sha256_hex(audit.canonical_json(first.body()))
    assert all(b.prev_hash == a.hash for a, b in zip(ENTRIES, ENTRIES[1:], strict=False))


def _all_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _all_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _all_paths(item, (*path, i))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return (value[:-1] + ("0" if value[-1:] != "0" else "1")) if value else "x"
    return 0


@pytest.mark.parametrize("index", range(len(ENTRIES)))
def test_changing_any_field_of_any_entry_names_that_entry(index: int) -> None:
    original = dicts()
    for path in _all_paths(original[index]):
        items = copy.deepcopy(original)
        target: Any = items[index]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = _changed(target[path[-1]])
        seq, code = failure_of(items)
        assert seq == index + 1, (path, code)


def test_removing_an_entry_names_its_seq() -> None:
    for index in (0, 1, 17, len(ENTRIES) - 2):
        items = ENTRIES[:index] + ENTRIES[index + 1 :]
        assert failure_of(items) == (index + 1, "bad_seq")


def test_removing_the_last_entries_needs_the_seal_or_a_printed_head() -> None:
    cut = ENTRIES[:-1]
    assert verify_chain(cut).ok  # a prefix of a chain is a chain...
    seal = ENTRIES[-1]
    assert failure_of(cut, require_sealed=True) == (seal.seq - 1, "not_sealed")
    assert failure_of(cut, expected_heads=[(seal.seq, seal.hash)]) == (seal.seq, "missing_head")
    assert verify_chain(ENTRIES, expected_heads=[(seal.seq, seal.hash)]).ok


def test_inserting_an_entry_is_detected() -> None:
    duplicate = ENTRIES[:10] + [ENTRIES[9]] + ENTRIES[10:]
    assert failure_of(duplicate) == (11, "bad_seq")
    # a well-formed forged entry slipped in fails at the first entry it displaces
    forged = make_entry(
        seq=10,
        time=ENTRIES[9].time,
        actor=OFFICER,
        event=EventType.DECISION,
        payload=SESSION.payloads[EventType.DECISION],
        prev_hash=ENTRIES[8].hash,
    )
    assert failure_of([*ENTRIES[:9], forged, *ENTRIES[9:]]) == (11, "bad_seq")


def test_reordering_entries_names_the_first_misplaced_seq() -> None:
    swapped = list(ENTRIES)
    swapped[5], swapped[6] = swapped[6], swapped[5]
    assert failure_of(swapped) == (6, "bad_seq")
    renumbered = dicts()
    renumbered[5], renumbered[6] = renumbered[6], renumbered[5]
    renumbered[5]["seq"], renumbered[6]["seq"] = 6, 7
    rechain(renumbered, 5)
    seq, code = failure_of(renumbered)
    assert code == "bad_signature"  # caught by the next signed checkpoint
    assert seq == min(s for s in verify_chain(ENTRIES).checkpoints if s > 6)


def test_rewriting_history_without_the_key_breaks_the_next_signature() -> None:
    items = dicts()
    items[3]["payload"]["image_sha256"] = sha("another image")
    items_linked = copy.deepcopy(items)
    rechain(items, 3)  # hashes, links and head_hash recomputed
    first_checkpoint = next(e.seq for e in ENTRIES if e.seq > 4 and e.signed)
    assert failure_of(items) == (first_checkpoint, "bad_signature")
    rechain(items_linked, 3)
    items_linked = items_linked[:4] + [dicts()[4]] + items_linked[5:]
    assert failure_of(items_linked) == (5, "broken_link")


def test_a_checkpoint_signed_with_another_key_is_refused() -> None:
    chain = build_session(KEY, sheets=4, batch_size=10)
    assert chain.head is not None
    rogue = signing.generate_key()
    with pytest.raises(signing.SigningKeyError):
        audit.build_checkpoint(chain.head, EventType.CHECKPOINT, OFFICER, rogue)
    items = [e.to_dict() for e in chain.entries]
    seal = items[-1]
    body = {k: v for k, v in seal.items() if k != "hash"}
    seal["payload"]["signature"] = signing.sign(rogue, checkpoint_message(body)).hex()
    rechain(items, len(items) - 1)
    assert failure_of(items) == (seal["seq"], "bad_signature")


def test_the_declared_key_must_be_the_expected_one() -> None:
    other = signing.public_key_raw(signing.generate_key())
    assert failure_of(ENTRIES, public_key=other) == (1, "bad_key")
    items = dicts()
    items[0]["payload"]["key_fingerprint"] = signing.fingerprint(other)
    rechain(items, 0)
    assert failure_of(items)[1] == "bad_key"


def test_checkpoint_contents_are_checked_even_when_signed() -> None:
    chain = build_session(KEY, sheets=6, batch_size=3)
    items = [e.to_dict() for e in chain.entries]
    index = next(i for i, e in enumerate(items) if e["event"] == "batch_closed")
    for key, value in (("batch", 7), ("counts", {"sheet_ingested": 99}), ("head_seq", 1)):
        forged = copy.deepcopy(items)
        forged[index]["payload"][key] = value
        body = {k: v for k, v in forged[index].items() if k != "hash"}
        forged[index]["payload"]["signature"] = signing.sign(KEY, checkpoint_message(body)).hex()
        rechain(forged, index)
        assert failure_of(forged) == (index + 1, "bad_checkpoint"), key


def test_time_going_backwards_is_a_warning_not_a_failure() -> None:
    chain = ChainBuilder(KEY)
    chain.add(EventType.SESSION_OPENED)
    chain.clock -= timedelta(hours=1)  # the laptop clock was corrected
    chain.add(EventType.SHEET_INGESTED)
    result = verify_chain(chain.entries)
    assert result.ok
    assert [(w.seq, w.code) for w in result.warnings] == [(2, "time_backwards")]
    assert "l'heure recule" in result.warnings[0].message


def test_appending_follows_the_session_rules() -> None:
    payloads = SESSION.payloads
    with pytest.raises(InvalidPayload, match="commence par son ouverture"):
        audit.build_entry(
            None, EventType.SHEET_INGESTED, OFFICER, payloads[EventType.SHEET_INGESTED]
        )
    chain = ChainBuilder(KEY)
    chain.add(EventType.SESSION_OPENED)
    with pytest.raises(InvalidPayload, match="déjà ouverte"):
        chain.add(EventType.SESSION_OPENED)
    with pytest.raises(ValueError):
        audit.build_entry(chain.head, EventType.BATCH_CLOSED, OFFICER, {})
    with pytest.raises(InvalidPayload, match="calculez d'abord"):
        chain.checkpoint(EventType.SESSION_SEALED)
    with pytest.raises(InvalidPayload, match="numéro de bulletin"):
        audit.build_entry(
            chain.head,
            EventType.SHEET_INGESTED,
            "0123456789abcdef",
            payloads[EventType.SHEET_INGESTED],
        )
    chain.add(EventType.TALLY_COMPUTED)
    chain.checkpoint(EventType.SESSION_SEALED)
    with pytest.raises(SessionSealed, match="scellée"):
        chain.add(EventType.DECISION)
    with pytest.raises(SessionSealed):
        chain.checkpoint(EventType.CHECKPOINT)
    chain.add(EventType.EXPORT_CREATED)  # exports are recorded after the seal
    assert verify_chain(chain.entries, require_sealed=True).ok


def test_an_entry_after_the_seal_is_refused_by_the_verifier() -> None:
    late = make_entry(
        seq=ENTRIES[-1].seq + 1,
        time=ENTRIES[-1].time,
        actor=OFFICER,
        event=EventType.DECISION,
        payload=SESSION.payloads[EventType.DECISION],
        prev_hash=ENTRIES[-1].hash,
    )
    assert failure_of([*ENTRIES, late]) == (late.seq, "after_seal")


def test_a_reopened_session_starts_its_own_chain() -> None:
    chain = ChainBuilder(KEY)
    chain.add(EventType.SESSION_REOPENED)
    chain.add(EventType.DECISION)
    assert verify_chain(chain.entries).ok
    assert failure_of([*ENTRIES[:3], *chain.entries[:1]])[1] in {"bad_seq", "broken_link"}


def test_head_from_entries_blocks_on_a_broken_chain() -> None:
    head = audit.head_from_entries(ENTRIES)
    assert head.seq == ENTRIES[-1].seq and head.sealed
    items = dicts()
    items[12]["actor"] = "Quelqu'un d'autre"
    with pytest.raises(ChainBroken) as info:
        audit.head_from_entries(items)
    assert (info.value.seq, info.value.code) == (13, "bad_hash")
    assert "Entrée n° 13 modifiée" in info.value.message
    with pytest.raises(ChainBroken, match="vide"):
        audit.head_from_entries([])


def test_progress_is_reported_and_cancel_stops() -> None:
    calls: list[tuple[int, int]] = []
    verify_chain(ENTRIES, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, len(ENTRIES)) and calls[-1] == (len(ENTRIES), len(ENTRIES))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        verify_chain(ENTRIES, cancel=token)


def test_entries_are_immutable() -> None:
    entry: AuditEntry = ENTRIES[1]
    with pytest.raises(AttributeError):
        entry.seq = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.payload["page"] = 2  # type: ignore[index]
