"""A laptop's synced rows as protocol fields, and back.

Local bookkeeping (`id`, `updated_at`, `device_id`) does not travel; `deleted_at` travels as the
tombstone field `_deleted`; the campaign's ballot MAC key (`secret_key`) never travels with its
record: it goes sealed to each device of a key role (`/v1/keys`, docs/sync.md). Dates and
datetimes travel as ISO-8601 text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Table
from sqlalchemy.orm import Session

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


def _as_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _as_json(value: Any) -> Any:
    return None if value is None else json.loads(value)


def _as_instant(text: Any) -> Any:
    """Stored datetime text as it travels: the canonical form as is (it is what `_encode`
    writes, `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`), any other form through `_encode`."""
    if text is None or (len(text) == 32 and text.endswith("+00:00")):
        return text
    return _encode(datetime.fromisoformat(text))


def _as_day(text: Any) -> Any:
    if text is None or len(text) == 10:
        return text
    return date.fromisoformat(text).isoformat()


@cache
def _reader(table: Table) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """The SELECT of a table's travelling columns (and `deleted_at`, last), and per column how
    its stored value becomes a field (None: as stored)."""
    names, _dated = _travelling(table)
    convert: list[tuple[str, Any]] = []
    for name in names:
        kind = table.c[name].type
        if isinstance(kind, UtcDateTime):
            convert.append((name, _as_instant))
        elif isinstance(kind, IsoDate):
            convert.append((name, _as_day))
        elif isinstance(kind, Boolean):
            convert.append((name, _as_bool))
        elif isinstance(kind, JSON):
            convert.append((name, _as_json))
        elif isinstance(kind, String | Integer):  # Text is a String
            convert.append((name, None))
        else:
            raise TypeError(f"{table.name}.{name}: no reader for {kind!r}")
    columns = ", ".join(f'"{name}"' for name in (*names, "deleted_at"))
    return f'SELECT "id", {columns} FROM "{table.name}" WHERE "id" IN ', tuple(convert)


def raw_rows(session: Session, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The rows of a query as the SQLite driver gives them (plain tuples), on the session's own
    connection, inside its transaction: SQLAlchemy's result rows cost more than SQLite's reading
    for the thousands of rows of a sync batch."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return driver.execute(sql, parameters).fetchall()  # type: ignore[no-any-return]


def read_fields(session: Session, table: Table, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """`to_fields` of the rows of `ids` (at most 400), read straight from the SQLite driver: the
    stored text of a date is already what travels, so it is not turned into a datetime and back
    (a third of the time of reading a batch of 1,000 for a push). Equal to `to_fields` on every
    table (tests/sync/test_local_apply.py)."""
    if not ids:
        return {}
    select_sql, convert = _reader(table)
    marks = ", ".join("?" * len(ids))
    rows = raw_rows(session, f"{select_sql}({marks})", tuple(ids))
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        fields = {
            name: value if to is None else to(value)
            for (name, to), value in zip(convert, row[1:-1], strict=True)
        }
        fields[DELETED] = row[-1] is not None
        found[row[0]] = fields
    return found


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
