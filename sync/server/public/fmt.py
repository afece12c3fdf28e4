"""Per-request language: the translation functions and the French or English formats of dates,
times and money (the app's formatters follow a process-wide language; the server answers
requests in both languages at once)."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from app.i18n import DOMAIN, locale_dir

LANGS = ("fr", "en")
_DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == "fr":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, locale_dir(), languages=[lang], fallback=True)


def _french_plural(singular: str, plural: str, n: int) -> str:
    return singular if -1 <= n <= 1 else plural


@dataclass(frozen=True)
class Lang:
    code: str
    tz: str = "Europe/Paris"

    def gettext(self, message: str) -> str:
        return _catalog(self.code).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.code == "fr":
            return _french_plural(singular, plural, n)
        return _catalog(self.code).ngettext(singular, plural, n)

    def date(self, value: date | None, weekday: bool = True) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = self.local(value).date()
        day = f"{_DAYS[self.code][value.weekday()]} " if weekday else ""
        number = "1er" if value.day == 1 and self.code == "fr" else str(value.day)
        return f"{day}{number} {_MONTHS[self.code][value.month - 1]} {value.year}"

    def local(self, value: datetime) -> datetime:
        return value.astimezone(ZoneInfo(self.tz)) if value.tzinfo else value

    def time(self, value: datetime) -> str:
        local = self.local(value)
        if self.code == "en":
            return f"{local.hour:02d}:{local.minute:02d}"
        return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"

    def euros(self, cents: Any) -> str:
        if cents is None:
            return ""
        whole, rest = divmod(int(cents), 100)
        if self.code == "en":
            text = f"€{whole:,}"
            return text + (f".{rest:02d}" if rest else "")
        text = f"{whole:,}".replace(",", "\u202f")
        return text + (f",{rest:02d}" if rest else "") + "\u00a0€"

    def number(self, value: int) -> str:
        return f"{value:,}".replace(",", "\u202f" if self.code == "fr" else ",")

    def percent(self, part: int, whole: int) -> str:
        if not whole:
            return ""
        value = round(100 * part / whole)
        return f"{value}\u00a0%" if self.code == "fr" else f"{value}%"
