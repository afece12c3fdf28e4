"""Formatting of money and dates for printed documents (no locale dependency).

French by default; day and month names and the date pattern go through the installed
translation (`ballots.i18n`), so a ballot printed in English reads "Tuesday 3 March 2026".
"""

from __future__ import annotations

import datetime as dt

from ballots.i18n import N_, _

NBSP = "\u00a0"
NNBSP = "\u202f"

_MONTHS = (
    N_("janvier"),
    N_("février"),
    N_("mars"),
    N_("avril"),
    N_("mai"),
    N_("juin"),
    N_("juillet"),
    N_("août"),
    N_("septembre"),
    N_("octobre"),
    N_("novembre"),
    N_("décembre"),
)
_DAYS = (
    N_("lundi"),
    N_("mardi"),
    N_("mercredi"),
    N_("jeudi"),
    N_("vendredi"),
    N_("samedi"),
    N_("dimanche"),
)


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


def _day_number(day: dt.date) -> str:
    """ "1er" for the first of the month, as French writes it ("1" in English)."""
    return _("1er") if day.day == 1 else str(day.day)


def long_date(day: dt.date) -> str:
    """'mardi 3 mars 2026'."""
    return _("{weekday} {day} {month} {year}").format(
        weekday=_(_DAYS[day.weekday()]),
        day=_day_number(day),
        month=_(_MONTHS[day.month - 1]),
        year=day.year,
    )


def short_date(day: dt.date) -> str:
    """'3 mars 2026'."""
    return _("{day} {month} {year}").format(
        day=_day_number(day), month=_(_MONTHS[day.month - 1]), year=day.year
    )


def time_of_day(moment: dt.time) -> str:
    """'14 h 30', '9 h'."""
    if moment.minute:
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment.hour}{NBSP}h"
