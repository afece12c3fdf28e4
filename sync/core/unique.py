"""Unique keys that two laptops satisfy separately, and how the server merges them (pure).

A laptop's database refuses two live records under one unique key (one results rule per
campaign, one project number per residence, …). Two laptops working offline can each create
such a record alone; the server is where they meet, so the server decides, the same way for
every laptop, and never accepts a state that a laptop could not apply:

- `merge` (`results_rule`: one per campaign): one logical record. The record the server held
  first stays; the newcomer is written as a tombstone, and each of its fields that differs from
  the record kept becomes a conflict on the record kept (a consultant resolves it: keep mine /
  keep theirs / edit). The record kept is written again after the tombstone, so that every
  laptop applies the tombstone (which frees the key on the laptop) before it.
- `renumber` (`project`: one number per residence): the newcomer takes the next number free on
  the server and not wanted by another record of the same batch; the number it wanted is kept in
  a conflict on its `number`, so the renumbering is seen (never silent).
- `refuse` (`ballot_style` index, `print_batch` number): these numbers are printed in the
  ballots' QR codes and each laptop has its own block of them (docs/sync.md), so a clash means a
  copied data folder, never two honest laptops: the newcomer is refused (`unique_taken`), the
  first one stays. Their keys are never freed (a deleted batch's number was printed).
- `flag` (`count_sheet`: one image page per session): facts are never rewritten, so both sheets
  stay and one review flag (`duplicate_sheet`, like `duplicate_serial`) holds them out of the
  results until reviewed. The laptops' index covers only the sheets they scanned themselves.

An edit of an existing record that would take a key another live record holds (a project
renumbered, a tombstone lifted) is not written: each such field becomes a conflict, as for two
edits of one field. `count_audit`'s (session, seq) is the audit chain's place: a second entry
there is a fork, refused by `sync.core.audit`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.core.merge import Outcome, canonical, conflict_id, same
from sync.core.protocol import DELETED, FLAG_TABLE, Change, Conflict, RecordState


@dataclass(frozen=True)
class UniqueKey:
    fields: tuple[str, ...]
    rule: str  # merge | renumber | refuse | flag
    live_only: bool  # a tombstone frees its key (the laptops' index is partial too)


UNIQUE_KEYS: dict[str, UniqueKey] = {
    "results_rule": UniqueKey(("campaign_id",), "merge", live_only=True),
    "project": UniqueKey(("residence_id", "number"), "renumber", live_only=True),
    "ballot_style": UniqueKey(("campaign_id", "style_index"), "refuse", live_only=False),
    "print_batch": UniqueKey(("campaign_id", "batch_number"), "refuse", live_only=False),
    "count_sheet": UniqueKey(("session_id", "image_sha256", "page"), "flag", live_only=False),
}
"""Every unique constraint of a synced table (app/storage, migrations) but `count_audit`'s."""

DUPLICATE_SHEET = "duplicate_sheet"
UNIQUE_TAKEN = "unique_taken"


class UniqueIndex(Protocol):
    def get(self, table: str, record_id: str) -> RecordState | None: ...

    def put(
        self, table: str, record_id: str, values: dict[str, Any], versions: dict[str, int]
    ) -> RecordState: ...

    def unique_holder(self, table: str, key: str) -> str | None:
        """The record that holds this unique key on the server (the first one), if any."""
        ...


def key_of(table: str, values: dict[str, Any]) -> str | None:
    """The unique key a record's values hold (a short hash), None when it holds none."""
    spec = UNIQUE_KEYS.get(table)
    if spec is None or (spec.live_only and values.get(DELETED)):
        return None
    parts = [values.get(name) for name in spec.fields]
    if any(part is None for part in parts):
        return None
    return hashlib.sha256(canonical([table, *parts]).encode()).hexdigest()[:40]


def unique_keys(changes: list[Change]) -> list[tuple[str, str]]:
    """The unique keys a batch's changes name in full (to read their holders at once)."""
    pairs = []
    for change in changes:
        if change.table in UNIQUE_KEYS:
            key = key_of(change.table, change.fields)
            if key is not None:
                pairs.append((change.table, key))
    return pairs


@dataclass
class Settlement:
    """What settling a unique key adds: a refusal, or records to write again afterwards."""

    refusal: str | None = None
    rewrite: list[tuple[str, str]] = field(default_factory=list)


def settle(
    store: UniqueIndex,
    change: Change,
    current: RecordState | None,
    outcome: Outcome,
    device: str,
    batch: list[Change],
) -> Settlement:
    """Adjust `outcome` (the merge of an editable record) so that no two live records of the
    server hold one unique key; see the module's rules."""
    spec = UNIQUE_KEYS.get(change.table)
    if spec is None or spec.rule == "flag" or outcome.refusal or not outcome.changed:
        return Settlement()
    key = key_of(change.table, outcome.values)
    holder = store.unique_holder(change.table, key) if key else None
    if holder is None or holder == change.record_id:
        return Settlement()
    if current is not None:
        _keep_current_key(spec, change, current, outcome, device)
        return Settlement()
    if spec.rule == "refuse":
        return Settlement(refusal=UNIQUE_TAKEN)
    if spec.rule == "renumber":
        _renumber(store, spec, change, outcome, device, batch)
        return Settlement()
    winner = store.get(change.table, holder)
    assert winner is not None
    _merge_into(spec, change, winner, outcome, device)
    return Settlement(rewrite=[(change.table, holder)])


def _conflict(
    change: Change, device: str, name: str, record_id: str, kept: Any, kept_version: int
) -> Conflict:
    return Conflict(
        conflict_id=conflict_id(change, device, name),
        table=change.table,
        record_id=record_id,
        field=name,
        kept_value=kept,
        kept_version=kept_version,
        other_value=change.fields[name],
        other_device=device,
        other_base=change.base.get(name, 0),
    )


def _keep_current_key(
    spec: UniqueKey, change: Change, current: RecordState, outcome: Outcome, device: str
) -> None:
    """An existing record may not move onto a key held by another: its key fields (and its
    tombstone) keep the server's values, each wanted value kept in a conflict."""
    for name in (*spec.fields, DELETED):
        if name not in change.fields or same(outcome.values.get(name), current.values.get(name)):
            continue
        if name in current.values:
            outcome.values[name] = current.values[name]
            outcome.versions[name] = current.versions.get(name, 0)
        else:
            outcome.values.pop(name, None)
            outcome.versions.pop(name, None)
        kept = current.values.get(name)
        outcome.conflicts.append(
            _conflict(change, device, name, change.record_id, kept, current.versions.get(name, 0))
        )
    outcome.changed = not same(outcome.values, current.values)


def _renumber(
    store: UniqueIndex,
    spec: UniqueKey,
    change: Change,
    outcome: Outcome,
    device: str,
    batch: list[Change],
) -> None:
    """The next number free on the server and not wanted by another new record of the batch
    under the same other key fields (that laptop holds them, so it could not apply it)."""
    number_field, scope = spec.fields[-1], spec.fields[:-1]
    wanted = outcome.values[number_field]
    if not isinstance(wanted, int) or isinstance(wanted, bool):
        return  # not a number: the laptop's own checks refuse it, nothing to renumber
    reserved = {
        other.fields.get(number_field)
        for other in batch
        if other.table == change.table
        and other.record_id != change.record_id
        and all(same(other.fields.get(name), outcome.values.get(name)) for name in scope)
    }
    number = wanted
    while True:
        number += 1
        if number in reserved:
            continue
        candidate = {**outcome.values, number_field: number}
        held = store.unique_holder(change.table, key_of(change.table, candidate) or "")
        if held is None:
            break
    outcome.values[number_field] = number
    outcome.conflicts.append(_conflict(change, device, number_field, change.record_id, number, 1))


def _merge_into(
    spec: UniqueKey, change: Change, winner: RecordState, outcome: Outcome, device: str
) -> None:
    """The newcomer becomes a tombstone; its differing fields become conflicts on the winner."""
    for name, value in change.fields.items():
        if name in spec.fields or name in (DELETED, "created_at"):  # its own creation time
            continue
        held = winner.values.get(name)
        if same(held, value):
            continue
        outcome.conflicts.append(
            _conflict(change, device, name, winner.record_id, held, winner.versions.get(name, 0))
        )
    outcome.values[DELETED] = True
    outcome.versions[DELETED] = max(outcome.versions.get(DELETED, 0), 1)


def flag_same_sheet(store: UniqueIndex, table: str, record_id: str) -> RecordState | None:
    """One image page counted twice in a session (on two laptops): one review flag for all."""
    state = store.get(table, record_id)
    key = key_of(table, state.values) if state is not None else None
    if state is None or key is None:
        return None
    holder = store.unique_holder(table, key)
    if holder is None or holder == record_id:
        return None
    flag_id = hashlib.sha256(f"{DUPLICATE_SHEET}:{key}".encode()).hexdigest()[:32]
    current = store.get(FLAG_TABLE, flag_id)
    sheets = {holder, record_id}
    if current is not None:
        sheets.update(current.values.get("sheet_ids") or [])
    values = {
        "kind": DUPLICATE_SHEET,
        "serial_hash": None,
        "sheet_ids": sorted(sheets),
        "resolved": False,
    }
    versions = {name: 1 for name in values}
    if current is not None:
        versions = {name: current.versions.get(name, 0) + 1 for name in values}
    return store.put(FLAG_TABLE, flag_id, values, versions)
