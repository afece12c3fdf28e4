"""Dates and times: stored timezone-aware (UTC), shown the French way in the campaign's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.i18n import _, language

DEFAULT_TZ = "Europe/Paris"

_DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def utc_now() -> datetime:
    return datetime.now(UTC)


def ensure_aware(value: datetime, tz: str = DEFAULT_TZ) -> datetime:
    """Attach the campaign's zone to a naive datetime (as typed by a person)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(tz))
    return value


def format_date(value: date, *, weekday: bool = True) -> str:
    """ "mardi 3 mars 2026" (or "Tuesday 3 March 2026" in English)."""
    if isinstance(value, datetime):
        value = value.date()
    if language() == "en":
        day = f"{_DAYS_EN[value.weekday()]} " if weekday else ""
        return f"{day}{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    day = f"{_DAYS_FR[value.weekday()]} " if weekday else ""
    number = "1er" if value.day == 1 else str(value.day)
    return f"{day}{number} {_MONTHS_FR[value.month - 1]} {value.year}"


def format_time(value: datetime) -> str:
    """ "14 h 30" in French, "14:30" in English."""
    if language() == "en":
        return f"{value.hour:02d}:{value.minute:02d}"
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def format_datetime(value: datetime, tz: str = DEFAULT_TZ) -> str:
    local = value.astimezone(ZoneInfo(tz)) if value.tzinfo else value
    return _("{date} à {time}").format(date=format_date(local), time=format_time(local))


def utc_offset(moment: datetime) -> str:
    """The zone of an aware moment as people can check it: "UTC+1", "UTC+5:30", "UTC"."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_moment(value: datetime, tz: str = DEFAULT_TZ) -> datetime:
    """An aware moment in the campaign's zone (a naive one is taken as UTC, as stored)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(tz))
