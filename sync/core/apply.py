"""Applying a pushed batch to the server's state, against any store (memory, SQLite, PostgreSQL).

The store is a small protocol so that the in-memory hub of the tests and the real server run the
very same rules. The caller commits the store's transaction before sending the reply.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from app.i18n import _
from sync.core.audit import AUDIT_TABLE, check_audit_entry
from sync.core.errors import SyncRefused
from sync.core.merge import conflict_record, merge_edit, merge_fact
from sync.core.protocol import (
    FLAG_TABLE,
    Change,
    Conflict,
    Created,
    PushReply,
    PushRequest,
    RecordState,
    Refusal,
    check_protocol,
)
from sync.core.tables import Role, kind_of, may_push
from sync.core.unique import DUPLICATE_SHEET, flag_same_sheet, settle, unique_keys


class Store(Protocol):
    def get(self, table: str, record_id: str) -> RecordState | None: ...

    def put(
        self, table: str, record_id: str, values: dict[str, Any], versions: dict[str, int]
    ) -> RecordState: ...

    def sheets_with_serial(self, serial_hash: str) -> list[str]: ...

    def audit_at(self, session_id: str, seq: int) -> tuple[str, str] | None: ...

    def audit_chain(self, session_id: str, before: int) -> list[str]: ...

    def get_batch(self, device_id: str, batch_id: str) -> PushReply | None: ...

    def save_batch(self, device_id: str, batch_id: str, reply: PushReply) -> None: ...

    def unique_holder(self, table: str, key: str) -> str | None: ...


def check_roles(role: Role, changes: list[Change]) -> None:
    """Refuse the whole batch when the device's role may not push one of its changes."""
    for change in changes:
        if not may_push(role, change.table):
            raise SyncRefused(
                _(
                    "Ce poste (rôle « {role} ») n'a pas le droit d'envoyer « {table} » : rien n'a "
                    "été enregistré."
                ).format(role=role.value, table=change.table)
            )


def apply_batch(store: Store, device_id: str, role: Role, request: PushRequest) -> PushReply:
    check_protocol(request.protocol)
    replay = store.get_batch(device_id, request.batch_id)
    if replay is not None:
        return replay
    check_roles(role, request.changes)
    warm = getattr(store, "prefetch_unique", None)  # the SQL store reads unique keys in bulk
    if warm is not None:
        warm(unique_keys(request.changes))
    touched: dict[tuple[str, str], RecordState] = {}
    created: dict[tuple[str, str], tuple[str, RecordState]] = {}
    conflicts: list[Conflict] = []
    refused: list[Refusal] = []
    accepted = 0
    for change in request.changes:
        key = (change.table, change.record_id)
        new = key not in touched and store.get(change.table, change.record_id) is None
        refusal = _apply_one(store, device_id, change, touched, conflicts, request.changes)
        if refusal:
            refused.append(Refusal(change_id=change.change_id, reason=refusal))
            continue
        accepted += 1
        if new and key in touched and _as_sent(touched[key], change):
            created[key] = (change.change_id, touched[key])
    # a record created exactly as sent, and not touched again by the batch, is named with its
    # seq: the laptop builds its state from what it sent (a batch of new records: no state back)
    kept = {key for key, (_id, state) in created.items() if touched[key] is state}
    reply = PushReply(
        batch_id=request.batch_id,
        accepted=accepted,
        conflicts=conflicts,
        refused=refused,
        records=[state for key, state in touched.items() if key not in kept],
        created=[
            Created.model_construct(change_id=change_id, seq=state.seq)  # from a valid batch
            for key, (change_id, state) in created.items()
            if key in kept
        ],
    )
    store.save_batch(device_id, request.batch_id, reply)
    return reply


def _as_sent(state: RecordState, change: Change) -> bool:
    """Whether `state` is `change`'s fields as sent, each at version 1 (`created_state`). Its
    values are the change's own objects unless the unique keys changed one (a renumbered
    project): comparing the dicts (in C) is enough."""
    fields = change.fields
    return state.values == fields and state.versions == dict.fromkeys(fields, 1)


def _apply_one(
    store: Store,
    device_id: str,
    change: Change,
    touched: dict[tuple[str, str], RecordState],
    conflicts: list[Conflict],
    batch: list[Change],
) -> str | None:
    kind = kind_of(change.table)
    if kind != change.kind:
        return "wrong_kind"
    current = store.get(change.table, change.record_id)
    if kind == "fact":
        if change.table == AUDIT_TABLE and current is None:
            refusal = check_audit_entry(store, change.record_id, change.fields)
            if refusal:
                return refusal
        outcome = merge_fact(current, change)
        rewrite: list[tuple[str, str]] = []
    else:
        outcome = merge_edit(current, change, device_id)
        settled = settle(store, change, current, outcome, device_id, batch)  # unique keys
        outcome.refusal = outcome.refusal or settled.refusal
        rewrite = settled.rewrite
    if outcome.refusal:
        return outcome.refusal
    state = current
    if outcome.changed:
        state = store.put(change.table, change.record_id, outcome.values, outcome.versions)
    if state is not None:
        touched[(change.table, change.record_id)] = state
    for table, record_id in rewrite:  # after the tombstone that frees its key on the laptops
        kept = store.get(table, record_id)
        assert kept is not None
        touched[(table, record_id)] = store.put(table, record_id, kept.values, kept.versions)
    for conflict in outcome.conflicts:
        table, record_id, values = conflict_record(conflict)
        held = store.get(table, record_id)
        if held is None:
            held = store.put(table, record_id, values, {name: 1 for name in values})
            conflicts.append(conflict)
        touched[(table, record_id)] = held
    if change.table == "count_sheet" and outcome.changed:
        flag = _flag_duplicate_serial(store, change)
        if flag is not None:
            touched[(flag.table, flag.record_id)] = flag
        flag = flag_same_sheet(store, change.table, change.record_id)
        if flag is not None:
            touched[(flag.table, flag.record_id)] = flag
    return None


def _flag_duplicate_serial(store: Store, change: Change) -> RecordState | None:
    """The same ballot serial on two sheets sends every such sheet to review, in one flag."""
    serial = change.fields.get("serial_hash")
    if not serial:
        return None
    sheets = sorted(store.sheets_with_serial(serial))
    if len(sheets) < 2:
        return None
    flag_id = hashlib.sha256(f"duplicate_serial:{serial}".encode()).hexdigest()[:32]
    current = store.get(FLAG_TABLE, flag_id)
    values = {
        "kind": "duplicate_serial",
        "serial_hash": serial,
        "sheet_ids": sheets,
        "resolved": False,
    }
    versions = {name: 1 for name in values}
    if current is not None:
        versions = {name: current.versions.get(name, 0) + 1 for name in values}
    return store.put(FLAG_TABLE, flag_id, values, versions)


def countable_sheets(
    sheets: dict[str, dict[str, Any]], flags: list[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The sheets that may enter the campaign-wide results: none under an unresolved flag."""
    held = {
        sheet_id
        for flag in flags
        if flag.get("kind") in ("duplicate_serial", DUPLICATE_SHEET) and not flag.get("resolved")
        for sheet_id in flag.get("sheet_ids", [])
    }
    return {sheet_id: values for sheet_id, values in sheets.items() if sheet_id not in held}
