"""Three laptops editing, deleting, printing, counting, declaring the results rule, creating
projects and syncing in random interleavings (in memory, at least 1,000 of them).

The model below says, independently of version numbers, what must happen: an edit clashes when
the laptop made it without having seen the value the server now holds for that field, and the
two values differ. Every clash must be exactly one conflict; after a final sync every laptop holds
the server's data; every sheet is there once; a serial seen on two sheets is never counted.
Unique keys (`sync.core.unique`): at every step no laptop and not the server holds two live
results rules of the campaign or two live projects under one number (what the laptops' SQLite
indexes would refuse); every project the server renumbered carries a conflict saying so; every
print batch (each laptop in its own block of numbers) is there once, and nothing is refused.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from sync.core.apply import countable_sheets
from sync.core.memory import MemoryHub, MemoryLaptop
from sync.core.protocol import CONFLICT_TABLE, DELETED, FLAG_TABLE
from sync.core.tables import Role

ROLES = (Role.OFFICER, Role.OFFICER, Role.FIELD)
RECORDS = ("r1", "r2", "r3")
FIELDS = ("name", "dwellings", DELETED)
laptop_numbers = st.integers(0, len(ROLES) - 1)


class Model:
    """The expected server state: per field, its value and the tag of the write that set it."""

    def __init__(self) -> None:
        self.fields: dict[tuple[str, str], tuple[Any, int]] = {}
        self.clashes = 0
        self.tags = itertools.count(1)


def live(records: dict[tuple[str, str], dict[str, Any]], table: str) -> dict[str, dict[str, Any]]:
    return {
        rid: values
        for (held, rid), values in records.items()
        if held == table and not values.get(DELETED)
    }


class SyncMachine(RuleBasedStateMachine):
    runs = 0  # interleavings run to their end (teardown), counted by the test below

    def __init__(self) -> None:
        super().__init__()
        self.ids = itertools.count(1)
        self.wanted_numbers: dict[str, int] = {}  # project id -> the number its laptop gave it
        self.batches: set[str] = set()
        self.hub = MemoryHub()
        self.model = Model()
        self.laptops = []
        for number, role in enumerate(ROLES):
            laptop = MemoryLaptop(f"dev{number}", role)
            self.hub.devices[laptop.device_id] = role
            self.laptops.append(laptop)
        # what each laptop saw of the server at its last sync: (value, tag) per field
        self.seen: list[dict[tuple[str, str], tuple[Any, int]]] = [{} for _ in ROLES]
        self.sheets: dict[str, str] = {}  # sheet id -> serial
        self.sheet_ids = itertools.count(1)
        seed = self.laptops[0]
        for record in RECORDS:
            seed.write("residence", record, name="", dwellings=0, **{DELETED: False})
        self._sync(0)
        for number in range(1, len(ROLES)):
            self._sync(number)

    def _sync(self, number: int, replay: bool = False) -> None:
        laptop = self.laptops[number]
        for change in laptop.outbox():
            if change.table != "residence":
                continue
            for name, value in change.fields.items():
                key = (change.record_id, name)
                held = self.model.fields.get(key)
                if held is None or held[0] == value:
                    if held is None:
                        self.model.fields[key] = (value, next(self.model.tags))
                    continue
                if self.seen[number].get(key, (None, None))[1] == held[1]:
                    self.model.fields[key] = (value, next(self.model.tags))
                else:
                    self.model.clashes += 1
        reply = laptop.sync(self.hub, replay=replay)
        assert reply.refused == [], reply.refused
        self.seen[number] = dict(self.model.fields)

    @rule(number=laptop_numbers, record=st.sampled_from(RECORDS), value=st.integers(0, 2))
    def edit_dwellings(self, number: int, record: str, value: int) -> None:
        self.laptops[number].write("residence", record, dwellings=value)

    @rule(number=laptop_numbers, record=st.sampled_from(RECORDS), value=st.sampled_from("ab"))
    def edit_name(self, number: int, record: str, value: str) -> None:
        self.laptops[number].write("residence", record, name=value)

    @rule(number=laptop_numbers, record=st.sampled_from(RECORDS))
    def delete(self, number: int, record: str) -> None:
        self.laptops[number].write("residence", record, **{DELETED: True})

    @rule(number=st.sampled_from([0, 1]), serial=st.sampled_from(["s1", "s2", "s3", "s4"]))
    def count_a_sheet(self, number: int, serial: str) -> None:
        sheet_id = f"sheet{next(self.sheet_ids)}"
        self.sheets[sheet_id] = serial
        self.laptops[number].write("count_sheet", sheet_id, serial_hash=serial, status="valid")

    @rule(number=laptop_numbers, value=st.sampled_from(["greedy", "mes"]))
    def declare_rule(self, number: int, value: str) -> None:
        """Like the app: edit the campaign's live rule, or create one when there is none."""
        laptop = self.laptops[number]
        held = live(laptop.local, "results_rule")
        if held:
            laptop.write("results_rule", next(iter(held)), rule=value)
        else:
            rule_id = f"rule-{number}-{next(self.ids)}"
            laptop.write("results_rule", rule_id, campaign_id="c1", rule=value, **{DELETED: False})

    @rule(number=laptop_numbers, title=st.sampled_from("xy"))
    def create_project(self, number: int, title: str) -> None:
        """Like the app: the next number after every project this laptop holds."""
        laptop = self.laptops[number]
        numbers = [v["number"] for (t, _id), v in laptop.local.items() if t == "project"]
        project_id = f"project-{number}-{next(self.ids)}"
        self.wanted_numbers[project_id] = max(numbers, default=0) + 1
        laptop.write(
            "project",
            project_id,
            residence_id="r1",
            number=self.wanted_numbers[project_id],
            title=title,
            **{DELETED: False},
        )

    @rule(number=laptop_numbers, pick=st.integers(0, 7))
    def delete_project(self, number: int, pick: int) -> None:
        laptop = self.laptops[number]
        held = sorted(live(laptop.local, "project"))
        if held:
            laptop.write("project", held[pick % len(held)], **{DELETED: True})

    @rule(number=laptop_numbers)
    def print_batch(self, number: int) -> None:
        """Each laptop prints in its own block of batch numbers (its enrolment number)."""
        laptop = self.laptops[number]
        mine = [v for (t, _id), v in laptop.local.items() if t == "print_batch"]
        batch_number = (
            (number + 1) * 10_000
            + len([v for v in mine if v["batch_number"] // 10_000 == number + 1])
            + 1
        )
        batch_id = f"batch-{number}-{next(self.ids)}"
        self.batches.add(batch_id)
        laptop.write(
            "print_batch", batch_id, campaign_id="c1", batch_number=batch_number, count=10,
            **{DELETED: False},
        )  # fmt: skip

    @rule(number=laptop_numbers, replay=st.booleans())
    def sync(self, number: int, replay: bool) -> None:
        self._sync(number, replay)

    @invariant()
    def every_clash_is_exactly_one_conflict(self) -> None:
        held = [
            key
            for key, state in self.hub.records.items()
            if key[0] == CONFLICT_TABLE and state.values["table"] == "residence"
        ]
        assert len(held) == self.model.clashes

    @invariant()
    def no_two_live_records_under_one_unique_key(self) -> None:
        server = {key: state.values for key, state in self.hub.records.items()}
        for holder in [server, *(laptop.local for laptop in self.laptops)]:
            assert len(live(holder, "results_rule")) <= 1
            numbers = [values["number"] for values in live(holder, "project").values()]
            assert len(numbers) == len(set(numbers)), numbers

    @invariant()
    def server_holds_the_model(self) -> None:
        for (record, name), (value, _tag) in self.model.fields.items():
            assert self.hub.records[("residence", record)].values[name] == value

    def teardown(self) -> None:
        SyncMachine.runs += 1
        for _round in range(2):
            for number in range(len(ROLES)):
                self._sync(number)
        server = {key: state.values for key, state in self.hub.records.items()}
        conflicts = [values for (table, _), values in server.items() if table == CONFLICT_TABLE]
        for project_id, values in server.items():
            if (
                project_id[0] == "project"
                and values["number"] != self.wanted_numbers[project_id[1]]
            ):
                renumbered = (project_id[1], "number", self.wanted_numbers[project_id[1]])
                assert renumbered in {
                    (c["record_id"], c["field"], c["other_value"]) for c in conflicts
                }, renumbered
        rules = [rid for (table, rid) in server if table == "results_rule"]
        assert len(live(server, "results_rule")) == (1 if rules else 0)
        batches = {rid: v for (table, rid), v in server.items() if table == "print_batch"}
        assert set(batches) == self.batches
        assert len({v["batch_number"] for v in batches.values()}) == len(batches)
        for laptop in self.laptops:
            assert laptop.outbox() == []
            assert laptop.local == server, laptop.device_id
        sheets = {rid: values for (table, rid), values in server.items() if table == "count_sheet"}
        assert {rid: values["serial_hash"] for rid, values in sheets.items()} == self.sheets
        flags = [values for (table, _), values in server.items() if table == FLAG_TABLE]
        counted = countable_sheets(sheets, flags)
        serials = [values["serial_hash"] for values in counted.values()]
        assert len(serials) == len(set(serials)), "a ballot serial counted twice"
        by_serial: dict[str, list[str]] = {}
        for sheet_id, serial in self.sheets.items():
            by_serial.setdefault(serial, []).append(sheet_id)
        expected_flags = {s: sorted(ids) for s, ids in by_serial.items() if len(ids) > 1}
        assert {flag["serial_hash"]: flag["sheet_ids"] for flag in flags} == expected_flags
        assert len(counted) + sum(map(len, expected_flags.values())) == len(self.sheets)


INTERLEAVINGS = 1000
SETTINGS = settings(
    max_examples=INTERLEAVINGS,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_1000_random_interleavings(record_property: pytest.RecordProperty) -> None:
    """The machine, run as a test; the interleavings really run are counted and recorded."""
    before = SyncMachine.runs
    run_state_machine_as_test(SyncMachine, settings=SETTINGS)
    runs = SyncMachine.runs - before
    record_property("interleavings", runs)
    print(f"{runs} interleavings")  # noqa: T201 (shown with -s)
    assert runs >= INTERLEAVINGS
