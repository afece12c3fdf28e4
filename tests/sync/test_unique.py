"""Unique keys two laptops satisfy separately (`sync.core.unique`), on the in-memory hub that runs
the server's very rules: one results rule per campaign merged, project numbers renumbered, print
numbers refused, one image page counted twice flagged; every laptop converges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.core.apply import countable_sheets
from sync.core.memory import MemoryHub, MemoryLaptop
from sync.core.protocol import CONFLICT_TABLE, DELETED, FLAG_TABLE
from sync.core.tables import Role


def hub_with(*roles: Role) -> tuple[MemoryHub, list[MemoryLaptop]]:
    hub = MemoryHub()
    laptops = []
    for number, role in enumerate(roles):
        laptop = MemoryLaptop(f"dev{number}", role)
        hub.devices[laptop.device_id] = role
        laptops.append(laptop)
    return hub, laptops


def live(laptop: MemoryLaptop, table: str) -> dict[str, dict[str, Any]]:
    return {
        rid: values
        for (held, rid), values in laptop.local.items()
        if held == table and not values.get(DELETED)
    }


def conflicts(hub: MemoryHub) -> list[dict[str, Any]]:
    return [s.values for (t, _), s in hub.records.items() if t == CONFLICT_TABLE]


def rule(laptop: MemoryLaptop, rid: str, name: str, threshold: int) -> None:
    laptop.write(
        "results_rule", rid, campaign_id="c1", rule=name, threshold=threshold, **{DELETED: False}
    )


def test_two_results_rules_of_one_campaign_become_one_with_conflicts() -> None:
    hub, (a, b, c) = hub_with(Role.CONSULTANT, Role.FIELD, Role.OFFICER)
    rule(a, "rule-a", "greedy", 0)
    rule(b, "rule-b", "equal_shares", 0)
    a.sync(hub)
    reply = b.sync(hub)
    assert reply.refused == []
    for laptop in (a, b, c, a):
        laptop.sync(hub)
    for laptop in (a, b, c):
        assert list(live(laptop, "results_rule")) == ["rule-a"], laptop.device_id
        assert laptop.local[("results_rule", "rule-b")][DELETED] is True
    held = conflicts(hub)
    assert [(x["record_id"], x["field"], x["kept_value"], x["other_value"]) for x in held] == [
        ("rule-a", "rule", "greedy", "equal_shares")
    ]
    assert held[0]["other_device"] == "dev1"
    server = {key: state.values for key, state in hub.records.items()}
    assert all(laptop.local == server for laptop in (a, b, c))


def test_the_same_rule_on_two_laptops_is_no_conflict() -> None:
    hub, (a, b) = hub_with(Role.CONSULTANT, Role.FIELD)
    rule(a, "rule-a", "greedy", 5)
    rule(b, "rule-b", "greedy", 5)
    a.sync(hub)
    b.sync(hub)
    a.sync(hub)
    assert conflicts(hub) == []
    assert list(live(a, "results_rule")) == list(live(b, "results_rule")) == ["rule-a"]


def test_lifting_the_tombstone_of_a_merged_rule_is_a_conflict() -> None:
    hub, (a, b) = hub_with(Role.CONSULTANT, Role.FIELD)
    rule(a, "rule-a", "greedy", 0)
    rule(b, "rule-b", "greedy", 0)
    a.sync(hub)
    b.sync(hub)
    b.write("results_rule", "rule-b", **{DELETED: False})
    b.sync(hub)
    assert hub.records[("results_rule", "rule-b")].values[DELETED] is True
    assert [(x["record_id"], x["field"]) for x in conflicts(hub)] == [("rule-b", DELETED)]


def project(laptop: MemoryLaptop, rid: str, number: int, title: str) -> None:
    laptop.write("project", rid, residence_id="r1", number=number, title=title, **{DELETED: False})


def test_project_numbers_taken_on_two_laptops_are_renumbered_visibly() -> None:
    hub, (a, b) = hub_with(Role.CONSULTANT, Role.FIELD)
    project(a, "pa3", 3, "Bancs")
    project(a, "pa4", 4, "Arbres")
    project(b, "pb3", 3, "Jeux")
    project(b, "pb5", 5, "Vélos")
    a.sync(hub)
    b.sync(hub)
    a.sync(hub)
    numbers = {rid: values["number"] for rid, values in live(a, "project").items()}
    assert numbers == {"pa3": 3, "pa4": 4, "pb3": 6, "pb5": 5}
    assert live(a, "project") == live(b, "project")
    held = conflicts(hub)
    assert [(x["record_id"], x["field"], x["kept_value"], x["other_value"]) for x in held] == [
        ("pb3", "number", 6, 3)
    ]


def test_moving_a_project_onto_a_taken_number_is_a_conflict() -> None:
    hub, (a, b) = hub_with(Role.CONSULTANT, Role.FIELD)
    project(a, "p1", 1, "Bancs")
    project(a, "p2", 2, "Arbres")
    a.sync(hub)
    b.sync(hub)
    b.write("project", "p2", number=1, title="Grands arbres")
    b.sync(hub)
    assert hub.records[("project", "p2")].values["number"] == 2
    assert hub.records[("project", "p2")].values["title"] == "Grands arbres"
    assert [(x["field"], x["kept_value"], x["other_value"]) for x in conflicts(hub)] == [
        ("number", 2, 1)
    ]


def test_a_deleted_project_frees_its_number() -> None:
    hub, (a, b) = hub_with(Role.CONSULTANT, Role.FIELD)
    project(a, "p1", 1, "Bancs")
    a.sync(hub)
    a.write("project", "p1", **{DELETED: True})
    a.sync(hub)
    project(b, "p9", 1, "Jeux")
    b.sync(hub)
    assert hub.records[("project", "p9")].values["number"] == 1
    assert conflicts(hub) == []


def test_a_print_batch_number_taken_twice_is_refused_and_the_first_kept() -> None:
    hub, (a, b) = hub_with(Role.FIELD, Role.FIELD)
    for laptop, rid in ((a, "batch-a"), (b, "batch-b")):
        laptop.write(
            "print_batch", rid, campaign_id="c1", batch_number=1, count=10, **{DELETED: False}
        )
    a.sync(hub)
    reply = b.sync(hub)
    assert [refusal.reason for refusal in reply.refused] == ["unique_taken"]
    assert ("print_batch", "batch-b") not in hub.records


def test_one_image_page_counted_on_two_laptops_sends_both_sheets_to_review() -> None:
    hub, (a, b) = hub_with(Role.OFFICER, Role.OFFICER)
    for laptop, rid in ((a, "sheet-a"), (b, "sheet-b")):
        laptop.write(
            "count_sheet", rid, session_id="s1", image_sha256="f" * 64, page=1, status="valid"
        )
    a.sync(hub)
    b.sync(hub)
    a.sync(hub)
    flags = [s.values for (t, _), s in hub.records.items() if t == FLAG_TABLE]
    assert flags == [
        {
            "kind": "duplicate_sheet",
            "serial_hash": None,
            "sheet_ids": ["sheet-a", "sheet-b"],
            "resolved": False,
        }
    ]
    sheets = {
        rid: v for (t, rid), s in hub.records.items() if t == "count_sheet" for v in [s.values]
    }
    assert countable_sheets(sheets, flags) == {}
    assert a.local == b.local


def test_the_sql_store_reads_and_keeps_unique_keys_across_batches(tmp_path: Path) -> None:
    """On the server's own store (a SQLite file): the holders read in bulk at the start of a batch
    are kept in step with what the batch writes, so a second batch in the same transaction
    (a bundle's batches) and a later one both see the first rule."""
    from sync.core.apply import apply_batch
    from sync.core.merge import diff
    from sync.core.protocol import PROTOCOL_VERSION, PushRequest
    from sync.server.store import SqlStore, open_engine, transaction

    engine = open_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")

    def batch(rule_id: str, name: str) -> PushRequest:
        values = {"campaign_id": "c1", "rule": name, DELETED: False}
        change = diff("results_rule", rule_id, values, None, f"change-{rule_id}")
        assert change is not None
        return PushRequest(protocol=PROTOCOL_VERSION, batch_id=f"b-{rule_id}", changes=[change])

    try:
        with transaction(engine) as session:
            store = SqlStore(session)
            for rule_id, name in (("rule-a", "greedy"), ("rule-b", "mes")):
                with store.writing():
                    reply = apply_batch(store, "dev", Role.FIELD, batch(rule_id, name))
            assert [c.record_id for c in reply.conflicts] == ["rule-a"]
        with transaction(engine) as session:
            store = SqlStore(session)
            with store.writing():
                reply = apply_batch(store, "dev", Role.FIELD, batch("rule-c", "mes"))
            assert [c.record_id for c in reply.conflicts] == ["rule-a"]
            assert store.get("results_rule", "rule-c").values[DELETED] is True  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_a_renumbered_project_comes_back_whole_not_as_created() -> None:
    """A project the server renumbered was not created as sent: its state travels back, and the
    laptop that created it holds the new number before any pull."""
    hub, (a, b) = hub_with(Role.CONSULTANT, Role.FIELD)
    project(a, "pa3", 3, "Bancs")
    a.sync(hub)
    project(b, "pb3", 3, "Jeux")
    project(b, "pb9", 9, "Vélos")
    reply = b.push(hub)
    assert [s.record_id for s in reply.records if s.table == "project"] == ["pb3"]
    assert len(reply.created) == 1  # pb9, as sent
    assert b.local[("project", "pb3")]["number"] == hub.records[("project", "pb3")].values["number"]
    assert b.local[("project", "pb3")]["number"] != 3
