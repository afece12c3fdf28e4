"""Column types that SQLite lacks: timezone-aware datetimes stored as UTC ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as 'YYYY-MM-DDTHH:MM:SS.ffffff+00:00'; refuse naive ones.

    Text in UTC sorts chronologically and reads the same on every platform and on PostgreSQL.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: dates are timezone-aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)


class IsoDate(TypeDecorator[date]):
    """Calendar days (a phase of the campaign) as 'YYYY-MM-DD' text."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(value)
