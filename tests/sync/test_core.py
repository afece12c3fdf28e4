"""The pure merge rules: field-level merge, conflicts as data, tombstones, facts, serials, versions."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sync.core.apply import apply_batch, countable_sheets
from sync.core.errors import ProtocolMismatch, SyncRefused
from sync.core.memory import MemoryHub, MemoryLaptop
from sync.core.merge import diff, merge_edit, rebase
from sync.core.protocol import (
    CONFLICT_TABLE,
    DELETED,
    FLAG_TABLE,
    PROTOCOL_VERSION,
    Change,
    PullRequest,
    PushRequest,
    RecordState,
    change_of,
    check_protocol,
    held_ranges,
    state_of,
)
from sync.core.tables import Role


def network(*roles: Role) -> tuple[MemoryHub, list[MemoryLaptop]]:
    hub = MemoryHub()
    laptops = []
    for number, role in enumerate(roles):
        laptop = MemoryLaptop(f"dev{number}", role)
        hub.devices[laptop.device_id] = role
        laptops.append(laptop)
    return hub, laptops


def shared_residence() -> tuple[MemoryHub, MemoryLaptop, MemoryLaptop]:
    hub, (a, b) = network(Role.CONSULTANT, Role.FIELD)
    a.write("residence", "r1", name="Les Tilleuls", dwellings=40)
    a.sync(hub)
    b.sync(hub)
    return hub, a, b


def conflicts(hub: MemoryHub) -> list[RecordState]:
    return [state for (table, _), state in hub.records.items() if table == CONFLICT_TABLE]


def test_edits_of_different_fields_merge_without_conflict() -> None:
    hub, a, b = shared_residence()
    a.write("residence", "r1", name="Les Tilleuls (bât. A)")
    b.write("residence", "r1", dwellings=42)
    a.sync(hub)
    b.sync(hub)
    a.sync(hub)
    expected = {"name": "Les Tilleuls (bât. A)", "dwellings": 42}
    assert a.local[("residence", "r1")] == expected
    assert b.local[("residence", "r1")] == expected
    assert conflicts(hub) == []


def test_same_field_edited_on_two_sides_is_one_conflict_never_an_overwrite() -> None:
    hub, a, b = shared_residence()
    a.write("residence", "r1", dwellings=41)
    b.write("residence", "r1", dwellings=43)
    a.sync(hub)
    reply = b.sync(hub)
    assert len(reply.conflicts) == 1
    conflict = reply.conflicts[0]
    assert (conflict.field, conflict.kept_value, conflict.other_value) == ("dwellings", 41, 43)
    assert conflict.other_device == "dev1"
    # the server kept the first value; the second one lives in the conflict, which both laptops see
    a.sync(hub)
    b.sync(hub)
    for laptop in (a, b):
        assert laptop.local[("residence", "r1")]["dwellings"] == 41
        seen = [values for (table, _), values in laptop.local.items() if table == CONFLICT_TABLE]
        assert [(c["kept_value"], c["other_value"]) for c in seen] == [(41, 43)]
    # syncing again does not raise it again, nor re-send the losing value
    assert b.sync(hub).conflicts == []
    assert len(conflicts(hub)) == 1


def test_same_value_on_both_sides_is_no_conflict() -> None:
    hub, a, b = shared_residence()
    a.write("residence", "r1", dwellings=50)
    b.write("residence", "r1", dwellings=50)
    a.sync(hub)
    assert b.sync(hub).conflicts == []


def test_a_consultant_resolves_a_conflict_by_an_ordinary_edit() -> None:
    hub, a, b = shared_residence()
    a.write("residence", "r1", dwellings=41)
    b.write("residence", "r1", dwellings=43)
    a.sync(hub)
    conflict = b.sync(hub).conflicts[0]
    a.sync(hub)
    # "keep theirs": the consultant writes the other value and marks the conflict resolved
    a.write("residence", "r1", dwellings=conflict.other_value)
    a.write(CONFLICT_TABLE, conflict.conflict_id, resolved=True)
    assert a.sync(hub).conflicts == []
    b.sync(hub)
    assert b.local[("residence", "r1")]["dwellings"] == 43
    assert b.local[(CONFLICT_TABLE, conflict.conflict_id)]["resolved"] is True


def test_deletion_is_a_tombstone_that_travels() -> None:
    hub, a, b = shared_residence()
    b.write("residence", "r1", **{DELETED: True})
    b.sync(hub)
    a.sync(hub)
    assert a.local[("residence", "r1")][DELETED] is True
    assert hub.records[("residence", "r1")].deleted
    # deleting on both sides is no conflict
    a.write("residence", "r1", **{DELETED: True})
    assert a.sync(hub).conflicts == []


def test_unpushed_local_edit_survives_a_pull() -> None:
    hub, a, b = shared_residence()
    a.write("residence", "r1", name="Nouveau nom")
    b.write("residence", "r1", dwellings=7)
    b.sync(hub)
    a.pull(hub)  # a pull alone must not overwrite a's unpushed edit
    assert a.local[("residence", "r1")] == {"name": "Nouveau nom", "dwellings": 7}
    a.sync(hub)
    assert hub.records[("residence", "r1")].values == {"name": "Nouveau nom", "dwellings": 7}


def test_rebase_keeps_a_field_changed_again_after_the_push() -> None:
    shadow = RecordState(table="t", record_id="r", values={"x": 1}, versions={"x": 1})
    new = RecordState(table="t", record_id="r", values={"x": 2}, versions={"x": 2})
    assert rebase({"x": 3}, {"x": 2}, shadow, new) == {"x": 3}
    assert rebase({"x": 2}, {"x": 2}, shadow, new) == {"x": 2}
    assert rebase({"x": 1}, None, shadow, new) == {"x": 2}


def test_a_base_version_the_server_never_gave_is_refused() -> None:
    current = RecordState(table="residence", record_id="r", values={"x": 1}, versions={"x": 1})
    change = diff("residence", "r", {"x": 2}, None, "c1")
    assert change is not None
    bad = change.model_copy(update={"base": {"x": 5}})
    assert merge_edit(current, bad, "dev").refusal == "base_unknown"


def test_facts_are_insert_only_and_idempotent() -> None:
    hub, (officer,) = network(Role.OFFICER)
    officer.write("count_sheet", "s1", serial_hash="h1", status="valid")
    officer.sync(hub)
    before = dict(hub.records)
    officer.shadow.clear()  # as if the laptop lost track: it sends the same fact again
    reply = officer.push(hub)
    assert reply.refused == [] and hub.records.keys() == before.keys()
    # the same id with different content is refused, the first fact stays
    officer.shadow.clear()
    officer.local[("count_sheet", "s1")] = {"serial_hash": "h1", "status": "rejected"}
    reply = officer.push(hub)
    assert [refusal.reason for refusal in reply.refused] == ["fact_rewritten"]
    assert hub.records[("count_sheet", "s1")].values["status"] == "valid"


def test_editing_a_fact_is_refused() -> None:
    hub, (officer,) = network(Role.OFFICER)
    change = diff("count_sheet", "s1", {"status": "valid"}, None, "c1")
    assert change is not None
    request = PushRequest(protocol=PROTOCOL_VERSION, batch_id="b1", changes=[change])
    reply = apply_batch(hub, "dev0", Role.OFFICER, request)
    assert [refusal.reason for refusal in reply.refused] == ["wrong_kind"]
    assert hub.records == {}


def test_same_serial_on_two_laptops_flags_both_sheets_and_counts_neither() -> None:
    hub, (a, b) = network(Role.OFFICER, Role.OFFICER)
    a.write("count_sheet", "sa", serial_hash="h1", status="valid")
    a.write("count_sheet", "sa2", serial_hash="h2", status="valid")
    b.write("count_sheet", "sb", serial_hash="h1", status="valid")
    a.sync(hub)
    b.sync(hub)
    a.sync(hub)
    flags = [values for (table, _), values in a.local.items() if table == FLAG_TABLE]
    assert flags == [
        {
            "kind": "duplicate_serial",
            "serial_hash": "h1",
            "sheet_ids": ["sa", "sb"],
            "resolved": False,
        }
    ]
    sheets = {rid: values for (table, rid), values in a.local.items() if table == "count_sheet"}
    assert sorted(countable_sheets(sheets, flags)) == ["sa2"]


def test_a_batch_sent_twice_changes_nothing() -> None:
    hub, a, b = shared_residence()
    a.write("residence", "r1", dwellings=41)
    b.write("residence", "r1", dwellings=43)
    a.sync(hub)
    seq = hub.seq
    b.sync(hub, replay=True)  # asserts the second reply equals the first
    assert len(conflicts(hub)) == 1
    assert hub.seq == seq + 1  # one conflict record, nothing else written


def test_roles_field_laptop_cannot_push_the_count() -> None:
    hub, (field_laptop,) = network(Role.FIELD)
    change = diff("count_session", "cs1", {"officer": "X"}, None, "c1")
    assert change is not None
    request = PushRequest(protocol=PROTOCOL_VERSION, batch_id="b1", changes=[change])
    with pytest.raises(SyncRefused, match="n'a pas le droit"):
        apply_batch(hub, "dev0", Role.FIELD, request)
    assert hub.records == {}
    # the laptop itself keeps its count local instead of sending it
    field_laptop.write("count_sheet", "s1", serial_hash="h")
    assert field_laptop.outbox() == []


def test_only_a_consultant_resolves_conflicts() -> None:
    hub = MemoryHub()
    change = diff(CONFLICT_TABLE, "c", {"resolved": True}, None, "c1")
    assert change is not None
    request = PushRequest(protocol=PROTOCOL_VERSION, batch_id="b1", changes=[change])
    with pytest.raises(SyncRefused):
        apply_batch(hub, "dev0", Role.FIELD, request)


def test_tables_that_would_link_a_voter_to_a_serial_never_travel() -> None:
    hub, (officer,) = network(Role.OFFICER)
    officer.write("issued_serial", "x", serial="123", batch_id="b")
    assert officer.outbox() == []
    change = diff("issued_serial", "x", {"serial": "123"}, None, "c1")
    assert change is not None
    request = PushRequest(protocol=PROTOCOL_VERSION, batch_id="b1", changes=[change])
    with pytest.raises(SyncRefused):
        apply_batch(hub, "dev0", Role.OFFICER, request)


def test_pull_pages_follow_the_cursor() -> None:
    hub, (a, b) = network(Role.CONSULTANT, Role.FIELD)
    for number in range(20):
        a.write("idea", f"i{number}", title=f"Idée {number}")
    a.sync(hub)
    page = hub.pull(PullRequest(protocol=PROTOCOL_VERSION, cursor=0, limit=7))
    assert len(page.records) == 7 and page.more
    b.pull(hub, limit=3)
    assert len([k for k in b.local if k[0] == "idea"]) == 20
    assert b.cursor == hub.seq


@pytest.mark.parametrize("version", [0, PROTOCOL_VERSION + 1])
def test_another_protocol_version_gets_a_french_message(version: int) -> None:
    with pytest.raises(ProtocolMismatch, match="protocole de synchronisation"):
        check_protocol(version)
    hub = MemoryHub()
    with pytest.raises(ProtocolMismatch, match="rien n'a été envoyé"):
        hub.pull(PullRequest(protocol=version, cursor=0))


def test_every_synced_table_says_how_it_merges() -> None:
    """A new table with the sync columns must be listed in sync/core/tables.py (editable or
    fact), or its records would wait in the outbox forever."""
    import app.storage  # noqa: F401  (registers every table)
    from app.storage.tables import Base, Synced
    from sync.core.tables import EDITABLE_TABLES, FACT_TABLES, NEVER_SYNCED

    synced = {m.class_.__tablename__ for m in Base.registry.mappers if issubclass(m.class_, Synced)}
    assert synced - EDITABLE_TABLES - FACT_TABLES == set()
    assert not synced & NEVER_SYNCED


def test_a_record_created_as_sent_comes_back_as_its_seq_and_anything_else_as_its_state() -> None:
    hub, (a, b) = network(Role.CONSULTANT, Role.FIELD)
    a.write("residence", "r1", name="Les Tilleuls", dwellings=40)
    changes = a.outbox()
    request = PushRequest(protocol=PROTOCOL_VERSION, batch_id="b1", changes=changes)
    reply = hub.push("dev0", request)
    assert reply.records == [] and [c.change_id for c in reply.created] == [changes[0].change_id]
    [state] = reply.states(request)  # built from what was sent: the server's own state
    assert state == hub.records[("residence", "r1")]
    assert state.versions == {"name": 1, "dwellings": 1} and state.seq == reply.created[0].seq
    # an edit of a record the server holds comes back whole, as does a conflict record
    a.take(state, changes[0].fields)
    b.sync(hub)
    b.write("residence", "r1", dwellings=41)
    b.sync(hub)
    a.write("residence", "r1", dwellings=42)
    reply = a.push(hub)
    assert reply.created == []
    assert {s.table for s in reply.records} == {"residence", CONFLICT_TABLE}


def test_a_pull_skips_the_states_the_laptop_holds_and_its_cursor_moves_past_them() -> None:
    hub, (a, b) = network(Role.CONSULTANT, Role.FIELD)
    for number in range(10):
        a.write("idea", f"i{number}", title=f"Idée {number}")
    a.push(hub)
    b.write("idea", "j", title="Idée de b")
    b.sync(hub)  # seq 11, after a's ten
    page = hub.pull(PullRequest(protocol=PROTOCOL_VERSION, cursor=0, skip=[(1, 10)]))
    assert [s.record_id for s in page.records] == ["j"] and page.cursor == 11
    page = hub.pull(PullRequest(protocol=PROTOCOL_VERSION, cursor=0, skip=[(1, 4)], limit=3))
    assert [s.seq for s in page.records] == [5, 6, 7] and page.more and page.cursor == 7
    a.pull(hub)  # it skips its own ten, and still receives b's idea
    assert a.cursor == 11 and a.local[("idea", "j")] == {"title": "Idée de b"}


def test_held_ranges_join_consecutive_seqs_and_keep_the_longest() -> None:
    assert held_ranges([5, 3, 4, 9, 10, 1]) == [(1, 1), (3, 5), (9, 10)]
    assert held_ranges([1, 2, 3, 7, 20, 21], limit=2) == [(1, 3), (20, 21)]
    assert held_ranges([]) == []


def test_state_of_builds_what_model_construct_builds() -> None:
    values, versions = {"name": "Les Tilleuls", "dwellings": 40}, {"name": 1, "dwellings": 2}
    fast = state_of("residence", "r1", values, versions, 7)
    slow = RecordState.model_construct(
        table="residence", record_id="r1", values=values, versions=versions, seq=7
    )
    assert fast == slow and fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set and fast.deleted is False
    assert RecordState.model_validate_json(fast.model_dump_json()) == fast
    with pytest.raises(ValidationError):  # frozen, as any state
        fast.seq = 8  # type: ignore[misc]


@pytest.mark.parametrize("kind", ["edit", "fact"])
def test_change_of_builds_what_model_construct_builds_and_the_server_accepts(kind: str) -> None:
    fields, base = (
        {"name": "Les Tilleuls", "dwellings": 40},
        ({"name": 3} if kind == "edit" else {}),
    )
    fast = change_of("d:1", "residence", "r1", kind, fields, base)
    slow = Change.model_construct(
        change_id="d:1", table="residence", record_id="r1", kind=kind, fields=fields, base=base
    )
    assert fast == slow and fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    assert Change.model_validate_json(fast.model_dump_json()) == fast  # as the server reads it
    with pytest.raises(ValidationError):  # frozen, as any change
        fast.kind = "fact"  # type: ignore[misc]
