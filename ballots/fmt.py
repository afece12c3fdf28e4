"""French formatting of money and dates for printed documents (no locale dependency)."""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"
NNBSP = "\u202f"

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def group_thousands(value: int) -> str:
    """1234567 -> '1 234 567' with no-break spaces, so a figure never splits across lines."""
    sign = "-" if value < 0 else ""
    digits = str(abs(value))
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return sign + NBSP.join(reversed(groups))


def money(cents: int) -> str:
    """French amount: '1 234 €' for whole euros, '1 234,50 €' otherwise."""
    euros, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    text = sign + group_thousands(euros)
    if rest:
        text += f",{rest:02d}"
    return f"{text}{NBSP}€"


def long_date(day: dt.date) -> str:
    """'mardi 3 mars 2026' (1er for the first of the month, as French writes it)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{_DAYS[day.weekday()]} {number} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """'3 mars 2026'."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


def time_of_day(moment: dt.time) -> str:
    """'14 h 30', '9 h'."""
    if moment.minute:
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment.hour}{NBSP}h"
