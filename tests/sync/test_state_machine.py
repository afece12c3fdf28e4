"""Three laptops editing, deleting, counting and syncing in random interleavings (in memory).

The model below says, independently of version numbers, what must happen: an edit clashes when
the laptop made it without having seen the value the server now holds for that field, and the
two values differ. Every clash must be exactly one conflict; after a final sync every laptop holds
the server's data; every sheet is there once; a serial seen on two sheets is never counted.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

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


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
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
        laptop.sync(self.hub, replay=replay)
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

    @rule(number=laptop_numbers, replay=st.booleans())
    def sync(self, number: int, replay: bool) -> None:
        self._sync(number, replay)

    @invariant()
    def every_clash_is_exactly_one_conflict(self) -> None:
        held = [key for key in self.hub.records if key[0] == CONFLICT_TABLE]
        assert len(held) == self.model.clashes

    @invariant()
    def server_holds_the_model(self) -> None:
        for (record, name), (value, _tag) in self.model.fields.items():
            assert self.hub.records[("residence", record)].values[name] == value

    def teardown(self) -> None:
        for _round in range(2):
            for number in range(len(ROLES)):
                self._sync(number)
        server = {key: state.values for key, state in self.hub.records.items()}
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


SyncMachine.TestCase.settings = settings(
    max_examples=1000,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestSync = SyncMachine.TestCase
