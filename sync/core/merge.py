"""The merge rules, pure: what a laptop sends, how the server merges it, how the laptop takes it back.

- `diff`: what a laptop sends for a record: the fields whose local value differs from the last
  server state it saw (its shadow), each with the version it saw.
- `merge_edit`: field by field. A field whose base version is the server's current one is written
  (its version goes up by one). A field changed on the server since the base is a **conflict** when
  the two values differ (the server keeps its value, the other one is kept in the conflict) and
  nothing at all when they agree. Never a silent overwrite.
- `merge_fact`: insert-only; the same fact twice is one fact; a different fact under the same id is
  refused.
- `rebase`: a laptop takes the server's state of a record, except the fields it changed since and
  has not pushed yet (its own unacknowledged changes win locally until pushed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sync.core.protocol import CONFLICT_TABLE, Change, Conflict, RecordState, change_of

_MISSING = object()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


_EXACT = (str, int, bool, type(None))
"""Types whose canonical JSON is equal exactly when the values are equal and of one type."""


def same(a: Any, b: Any) -> bool:
    """Whether two values have the same canonical JSON (`1` and `1.0`, or `True` and `1`, differ;
    dicts in any key order agree). Plain values and containers of them are compared directly,
    without encoding (this runs for every field of every record synced); the rest is encoded."""
    if a is _MISSING or b is _MISSING:
        return False
    kind = type(a)
    if kind is not type(b):
        return canonical(a) == canonical(b)  # a str subclass, an enum…: as JSON
    if kind in _EXACT:
        return bool(a == b)
    if kind is dict:
        if len(a) != len(b) or not all(type(key) is str for key in (*a, *b)):
            return canonical(a) == canonical(b)
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if kind is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return canonical(a) == canonical(b)


@dataclass
class Outcome:
    """The result of merging one change into the server's state of a record."""

    values: dict[str, Any]
    versions: dict[str, int]
    changed: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    refusal: str | None = None


def diff(
    table: str, record_id: str, local: dict[str, Any], shadow: RecordState | None, change_id: str
) -> Change | None:
    """The edit a laptop sends for one record, or None when it holds nothing new."""
    if shadow is None:  # never seen by the server: every field, each at version 0 (a field
        if not local:  # left out of `base` is at 0: a new record sends no base at all)
            return None
        fields, base = dict(local), {}
    else:
        seen = shadow.values
        fields = {
            name: value
            for name, value in local.items()
            if not same(value, seen.get(name, _MISSING))
        }
        if not fields:
            return None
        versions = shadow.versions
        base = {name: versions.get(name, 0) for name in fields}
    return change_of(change_id, table, record_id, "edit", fields, base)


def fact(table: str, record_id: str, values: dict[str, Any], change_id: str) -> Change:
    """A laptop's insert-only fact, as it sends it (`change_of`: not validated here)."""
    return change_of(change_id, table, record_id, "fact", values, {})


def conflict_id(change: Change, device: str, name: str) -> str:
    """Deterministic, so that the same clash sent twice (a lost reply) is one conflict."""
    key = canonical(
        [
            change.table,
            change.record_id,
            name,
            change.base.get(name, 0),
            device,
            change.fields[name],
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def merge_edit(current: RecordState | None, change: Change, device: str) -> Outcome:
    fields, bases = change.fields, change.base
    if current is None:  # a new record: every field at version 1 (a base above 0 is unknown)
        if bases and max(bases.values()) > 0 and any(bases.get(n, 0) > 0 for n in fields):
            return Outcome({}, {}, refusal="base_unknown")
        return Outcome(dict(fields), dict.fromkeys(fields, 1), changed=bool(fields))
    values = dict(current.values) if current else {}
    versions = dict(current.versions) if current else {}
    outcome = Outcome(values, versions)
    for name, value in change.fields.items():
        base = change.base.get(name, 0)
        version = versions.get(name, 0)
        held = values.get(name, _MISSING)
        if base > version:
            return Outcome({}, {}, refusal="base_unknown")
        if same(held, value):
            continue
        if base == version:
            values[name] = value
            versions[name] = version + 1
            outcome.changed = True
            continue
        outcome.conflicts.append(
            Conflict(
                conflict_id=conflict_id(change, device, name),
                table=change.table,
                record_id=change.record_id,
                field=name,
                kept_value=held,
                kept_version=version,
                other_value=value,
                other_device=device,
                other_base=base,
            )
        )
    return outcome


def merge_fact(current: RecordState | None, change: Change) -> Outcome:
    if current is None:
        return Outcome(dict(change.fields), {name: 1 for name in change.fields}, changed=True)
    if same(current.values, change.fields):
        return Outcome(dict(current.values), dict(current.versions))
    return Outcome(dict(current.values), dict(current.versions), refusal="fact_rewritten")


def conflict_values(conflict: Conflict) -> dict[str, Any]:
    """A conflict as the record of `sync_conflict` that every laptop pulls."""
    values = conflict.model_dump(exclude={"conflict_id"})
    values["resolved"] = False
    return values


def conflict_record(conflict: Conflict) -> tuple[str, str, dict[str, Any]]:
    return CONFLICT_TABLE, conflict.conflict_id, conflict_values(conflict)


def rebase(
    local: dict[str, Any] | None,
    pushed: dict[str, Any] | None,
    shadow: RecordState | None,
    new: RecordState,
) -> dict[str, Any]:
    """The laptop's copy of a record after it receives the server's state `new`.

    A field keeps its local value only when it was changed locally (differs from the shadow) and
    that change was not acknowledged by this push (not pushed, or changed again since).
    """
    result = dict(new.values)
    if local is None:
        return result
    seen = shadow.values if shadow else {}
    for name, value in local.items():
        pending = not same(value, seen.get(name, _MISSING))
        acknowledged = pushed is not None and same(pushed.get(name, _MISSING), value)
        if pending and not acknowledged:
            result[name] = value
    return result
