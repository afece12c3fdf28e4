"""An in-memory server and laptop running the real merge rules: the reference model of sync.

The tests drive these to explore many interleavings fast; the real server (`sync.server`) and
client (`sync.client`) run the same `apply_batch`, `diff` and `rebase` on their databases.
"""

from __future__ import annotations

import itertools
from typing import Any

from sync.core.apply import apply_batch
from sync.core.merge import diff, fact, rebase
from sync.core.protocol import (
    PROTOCOL_VERSION,
    Change,
    PullReply,
    PullRequest,
    PushReply,
    PushRequest,
    RecordState,
    check_protocol,
    held_ranges,
    skipped,
)
from sync.core.tables import Role, kind_of, may_push
from sync.core.unique import key_of

Key = tuple[str, str]


class MemoryHub:
    """The server's state in dicts; `seq` counts commits, as the pull cursor does."""

    def __init__(self) -> None:
        self.records: dict[Key, RecordState] = {}
        self.seq = 0
        self.batches: dict[tuple[str, str], PushReply] = {}
        self.devices: dict[str, Role] = {}

    def get(self, table: str, record_id: str) -> RecordState | None:
        return self.records.get((table, record_id))

    def put(
        self, table: str, record_id: str, values: dict[str, Any], versions: dict[str, int]
    ) -> RecordState:
        self.seq += 1
        state = RecordState(
            table=table, record_id=record_id, values=values, versions=versions, seq=self.seq
        )
        self.records[(table, record_id)] = state
        return state

    def sheets_with_serial(self, serial_hash: str) -> list[str]:
        return [
            state.record_id
            for (table, _id), state in self.records.items()
            if table == "count_sheet" and state.values.get("serial_hash") == serial_hash
        ]

    def audit_at(self, session_id: str, seq: int) -> tuple[str, str] | None:
        for (table, record_id), state in self.records.items():
            values = state.values
            if table == "count_audit" and (values.get("session_id"), values.get("seq")) == (
                session_id,
                seq,
            ):
                return record_id, str(values.get("hash"))
        return None

    def audit_chain(self, session_id: str, before: int) -> list[str]:
        held = sorted(
            (state.values["seq"], str(state.values["entry"]))
            for (table, _id), state in self.records.items()
            if table == "count_audit"
            and state.values.get("session_id") == session_id
            and state.values.get("seq", before) < before
        )
        return [text for _seq, text in held]

    def unique_holder(self, table: str, key: str) -> str | None:
        holders = [
            (state.seq, record_id)
            for (held_table, record_id), state in self.records.items()
            if held_table == table and key_of(table, state.values) == key
        ]
        return min(holders)[1] if holders else None

    def get_batch(self, device_id: str, batch_id: str) -> PushReply | None:
        return self.batches.get((device_id, batch_id))

    def save_batch(self, device_id: str, batch_id: str, reply: PushReply) -> None:
        self.batches[(device_id, batch_id)] = reply

    def push(self, device_id: str, request: PushRequest) -> PushReply:
        return apply_batch(self, device_id, self.devices[device_id], request)

    def pull(self, request: PullRequest) -> PullReply:
        check_protocol(request.protocol)
        newer = sorted(
            (state for state in self.records.values() if state.seq > request.cursor),
            key=lambda state: state.seq,
        )
        wanted = [state for state in newer if not skipped(state.seq, request.skip)]
        page = wanted[: request.limit]
        more = len(wanted) > len(page)
        if more:
            cursor = page[-1].seq
        else:  # past the skipped states too
            cursor = max([request.cursor, *(state.seq for state in newer)])
        return PullReply(records=page, cursor=cursor, more=more)


class MemoryLaptop:
    """A laptop's records, its shadow of the server's state and its pull cursor."""

    def __init__(self, device_id: str, role: Role) -> None:
        self.device_id = device_id
        self.role = role
        self.local: dict[Key, dict[str, Any]] = {}
        self.shadow: dict[Key, RecordState] = {}
        self.cursor = 0
        self.held: list[int] = []
        """The `seq`s whose states its push replies gave it (its pulls skip them)."""
        self._ids = itertools.count(1)

    def write(self, table: str, record_id: str, **values: Any) -> None:
        self.local.setdefault((table, record_id), {}).update(values)

    def outbox(self) -> list[Change]:
        changes = []
        for (table, record_id), values in self.local.items():
            if not may_push(self.role, table):
                continue
            change_id = f"{self.device_id}:{next(self._ids)}"
            shadow = self.shadow.get((table, record_id))
            if kind_of(table) == "fact":
                if shadow is None:
                    changes.append(fact(table, record_id, values, change_id))
                continue
            change = diff(table, record_id, values, shadow, change_id)
            if change is not None:
                changes.append(change)
        return changes

    def push(self, hub: MemoryHub, *, replay: bool = False) -> PushReply:
        changes = self.outbox()
        request = PushRequest(
            protocol=PROTOCOL_VERSION,
            batch_id=f"{self.device_id}:b{next(self._ids)}",
            changes=changes,
        )
        reply = hub.push(self.device_id, request)
        if replay:
            again = hub.push(self.device_id, request)
            assert again == reply, "a batch sent twice must get the same reply"
        pushed = {(change.table, change.record_id): change.fields for change in changes}
        for state in reply.states(request):
            self.take(state, pushed.get((state.table, state.record_id)))
            self.held.append(state.seq)
        return reply

    def pull(self, hub: MemoryHub, limit: int = 7) -> None:
        while True:
            page = hub.pull(
                PullRequest(
                    protocol=PROTOCOL_VERSION,
                    cursor=self.cursor,
                    limit=limit,
                    skip=held_ranges([seq for seq in self.held if seq > self.cursor]),
                )
            )
            for state in page.records:
                self.take(state, None)
            self.cursor = page.cursor
            self.held = [seq for seq in self.held if seq > self.cursor]
            if not page.more:
                return

    def take(self, state: RecordState, pushed: dict[str, Any] | None) -> None:
        key = (state.table, state.record_id)
        known = self.shadow.get(key)
        if known is not None and known.seq > state.seq:
            return  # an older state than the one already held (a push reply raced a pull)
        self.local[key] = rebase(self.local.get(key), pushed, known, state)
        self.shadow[key] = state

    def sync(self, hub: MemoryHub, *, replay: bool = False) -> PushReply:
        reply = self.push(hub, replay=replay)
        self.pull(hub)
        return reply
