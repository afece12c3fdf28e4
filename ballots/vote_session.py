"""A time and place where residents vote ("permanence de vote"), printed on the poster and the
sign-in sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ballots.fmt import long_date, time_of_day
from ballots.i18n import _


@dataclass(frozen=True)
class VoteSession:
    place: str
    day: dt.date
    start: dt.time
    end: dt.time

    def when(self) -> str:
        """ "mardi 3 mars 2026, de 17 h à 19 h 30"."""
        return _("{day}, de {start} à {end}").format(
            day=long_date(self.day), start=time_of_day(self.start), end=time_of_day(self.end)
        )
