"""The election description in the log (issue 9): written whole at the opening and in
`election_changed`, its hash and the log's entry count signed in every checkpoint; a checkpoint
that signs another description or count is refused, and logs made before keep verifying."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain import audit, signing
from app.domain.audit import ChainBroken, EventType, InvalidPayload, validate_payload
from app.domain.audit.election import description, election_hash, is_description
from app.domain.audit.entry import checkpoint_message, make_entry
from tests.helpers.audit import ChainBuilder, build_session, sample_election

KEY = signing.generate_key()


def _resigned(entry: audit.AuditEntry, **changes: Any) -> audit.AuditEntry:
    """The checkpoint with `changes` in its payload, signed again with the officer's key (what
    a buggy or dishonest writer holding the key could produce)."""
    payload = {k: v for k, v in audit.canonical.thaw(entry.payload).items() if k != "signature"}
    payload.update(changes)
    payload = {k: v for k, v in payload.items() if v is not None}
    unsigned = make_entry(seq=entry.seq, time=entry.time, actor=entry.actor, event=entry.event,
                          payload={**payload, "signature": "0" * 128}, prev_hash=entry.prev_hash)  # fmt: skip
    signature = signing.sign(KEY, checkpoint_message(unsigned.body())).hex()
    return make_entry(seq=entry.seq, time=entry.time, actor=entry.actor, event=entry.event,
                      payload={**payload, "signature": signature}, prev_hash=entry.prev_hash)  # fmt: skip


def test_every_checkpoint_signs_the_entry_count_and_the_description_in_force():
    chain = build_session(KEY, sheets=6, batch_size=3)
    opened = chain.entries[0].payload["election"]
    changed = next(e for e in chain.entries if e.event is EventType.ELECTION_CHANGED)
    in_force = election_hash(opened)
    for entry in chain.entries:
        if entry.event is EventType.ELECTION_CHANGED:
            in_force = election_hash(entry.payload["election"])
        if entry.signed:
            assert entry.payload["entries"] == entry.seq
            assert entry.payload["election_sha256"] == in_force
    seal = chain.entries[-1]
    assert seal.payload["election_sha256"] == election_hash(changed.payload["election"])
    assert chain.head is not None and chain.head.election_sha256 == in_force
    assert audit.verify_chain(chain.entries, require_sealed=True).ok


@pytest.mark.parametrize(
    "changes",
    [
        {"entries": 3},  # a count that hides entries
        {"election_sha256": election_hash(sample_election(budget_cents=1))},  # another budget
        {"entries": None},  # the count left out
        {"election_sha256": None},  # the description left out
    ],
)
def test_a_checkpoint_signing_another_count_or_description_is_refused(changes):
    chain = build_session(KEY, sheets=6, batch_size=3)
    index = next(i for i, e in enumerate(chain.entries) if e.event is EventType.BATCH_CLOSED)
    entries = list(chain.entries[:index]) + [_resigned(chain.entries[index], **changes)]
    result = audit.verify_chain(entries)
    assert result.failure is not None
    assert (result.failure.seq, result.failure.code) == (index + 1, "bad_checkpoint")


def test_a_log_opened_without_a_description_keeps_verifying_and_cannot_gain_the_fields():
    chain = ChainBuilder(KEY)
    old = {k: v for k, v in chain.payloads[EventType.SESSION_OPENED].items() if k != "election"}
    chain.add(EventType.SESSION_OPENED, old)
    chain.add(EventType.SHEET_INGESTED)
    batch = chain.checkpoint(EventType.BATCH_CLOSED, tally={"valid": 1})
    assert "entries" not in batch.payload and "election_sha256" not in batch.payload
    assert audit.verify_chain(chain.entries).ok
    forged = _resigned(batch, entries=batch.seq)
    failure = audit.verify_chain([*chain.entries[:-1], forged]).failure
    assert failure is not None and failure.code == "bad_checkpoint"
    # a description logged later makes the next checkpoints sign it
    chain.add(EventType.ELECTION_CHANGED)
    later = chain.checkpoint(EventType.CHECKPOINT)
    assert later.payload["entries"] == later.seq
    assert audit.verify_chain(chain.entries).ok


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("budget_cents"),
        lambda d: d.update(budget_cents=-1),
        lambda d: d.update(extra=1),
        lambda d: d["projects"][0].update(cost_cents="400000"),
        lambda d: d["projects"].append(dict(d["projects"][0])),  # the same project twice
        lambda d: d["ballot_rules"][0].pop("max_choices"),
        lambda d: d.update(options={"unknown": True}),
        lambda d: d.update(lot_order="proj-1"),
    ],
)
def test_a_malformed_description_is_refused(change):
    value = sample_election()
    change(value)
    assert not is_description(value)
    with pytest.raises(InvalidPayload, match="election"):
        validate_payload(EventType.ELECTION_CHANGED, {"election": value})


def test_titles_are_public_text_not_checked_as_serials():
    """A 13-capital word in a title is refused in a reason (it could be a serial in Base32),
    but the description holds the titles printed on the ballots as they are."""
    value = sample_election()
    value["projects"][0]["title"] = "BIBLIOTHEQUES du quartier"
    validate_payload(EventType.ELECTION_CHANGED, {"election": value})
    with pytest.raises(InvalidPayload, match="numéro de bulletin"):
        validate_payload(EventType.ELECTION_CHANGED,
                         {"election": sample_election(), "reason": "BIBLIOTHEQUES"})  # fmt: skip


def test_the_description_is_canonical_whatever_the_order_it_was_read_in():
    projects = [
        {"project_id": "b", "number": 2, "title": "Bancs", "cost_cents": 3},
        {"project_id": "a", "number": 1, "title": "Jardin", "cost_cents": 4},
    ]
    rules = [{"kind": "approval", "max_choices": 2}, {"kind": "approval", "max_choices": 2}]
    common: dict[str, Any] = dict(residence_id="r", residence="R", budget_cents=7, rule="greedy",
                                  threshold=0, lot_seed="", options={"add1": True})  # fmt: skip
    one = description(projects=projects, ballot_rules=rules, lot_order=["b", "a", "zz"], **common)
    two = description(projects=projects[::-1], ballot_rules=rules[:1], lot_order=["b", "a"],
                      **common)  # fmt: skip
    assert one == two and election_hash(one) == election_hash(two)
    assert [p["project_id"] for p in one["projects"]] == ["a", "b"]
    assert one["lot_order"] == ["b", "a"]  # a project of another residence is left out
    assert len(one["ballot_rules"]) == 1
    assert is_description(one)


def test_reading_an_unknown_event_fails_closed():
    with pytest.raises(ChainBroken):
        chain = build_session(KEY, sheets=2, batch_size=2)
        data = [e.to_dict() for e in chain.entries]
        data[1]["event"] = "election_changed_v9"
        audit.verify_chain(data).raise_for_failure()


def test_the_slip_prints_the_entry_count_and_the_description_hash():
    from app.domain.audit.slip import slip_text

    chain = build_session(KEY, sheets=6, batch_size=3)
    seal = chain.entries[-1]
    text = slip_text(seal, session_id="s-1")
    assert f"Entrées du journal : {seal.seq}" in text
    digest = seal.payload["election_sha256"][:16].upper()
    assert f"{digest[:4]} {digest[4:8]} {digest[8:12]} {digest[12:16]}" in text
