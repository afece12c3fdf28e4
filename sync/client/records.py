"""A laptop's synced rows as protocol fields, and back.

Local bookkeeping (`id`, `updated_at`, `device_id`) does not travel; `deleted_at` travels as the
tombstone field `_deleted`; the campaign's ballot MAC key (`secret_key`) never travels with its
record: it goes sealed to each device of a key role (`/v1/keys`, docs/sync.md). Dates and
datetimes travel as ISO-8601 text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, DateTime, Table

import app.storage  # noqa: F401  (registers every table, the count's included)
from app.storage.tables import Base
from app.storage.types import IsoDate, UtcDateTime
from sync.core.protocol import DELETED
from sync.core.tables import EDITABLE_TABLES, FACT_TABLES

LOCAL_ONLY_COLUMNS = frozenset({"id", "updated_at", "device_id", "deleted_at", "secret_key"})
SERVER_DEVICE = "server"


@cache
def synced_tables() -> dict[str, Table]:
    """The laptop's tables that travel, by name (computed once: every table is registered on
    import; the dict is shared, do not modify it)."""
    names = (EDITABLE_TABLES | FACT_TABLES) & set(Base.metadata.tables)
    return {name: Base.metadata.tables[name] for name in sorted(names)}


@cache
def coarse_tables() -> frozenset[str]:
    """Tables whose record times keep the hour only (how a ballot was counted: app.storage.uow)."""
    return frozenset(
        mapper.class_.__tablename__
        for mapper in Base.registry.mappers
        if getattr(mapper.class_, "coarse_times", False)
    )


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _travelling(table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns of `table` that travel: (all of them, those holding dates or datetimes)."""
    names = tuple(c.name for c in table.columns if c.name not in LOCAL_ONLY_COLUMNS)
    dated = tuple(
        c.name
        for c in table.columns
        if c.name in names and isinstance(c.type, UtcDateTime | IsoDate | DateTime | Date)
    )
    return names, dated


def to_fields(table: Table, row: Mapping[Any, Any]) -> dict[str, Any]:
    names, dated = _travelling(table)
    fields = {name: row[name] for name in names}
    for name in dated:  # the rest are plain values already (text, numbers, booleans, None)
        fields[name] = _encode(fields[name])
    fields[DELETED] = row["deleted_at"] is not None
    return fields


def _decode(column_type: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, UtcDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, IsoDate):
        return date.fromisoformat(value)
    return value


@cache
def _decoders(table: Table) -> tuple[tuple[str, Any], ...]:
    """(column, its type when the value needs decoding, else None) of each travelling column."""
    return tuple(
        (c.name, c.type if isinstance(c.type, UtcDateTime | IsoDate) else None)
        for c in table.columns
        if c.name not in LOCAL_ONLY_COLUMNS
    )


def to_columns(table: Table, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Column values for the fields this laptop knows (unknown fields are ignored)."""
    return {
        name: fields[name] if kind is None else _decode(kind, fields[name])
        for name, kind in _decoders(table)
        if name in fields
    }
