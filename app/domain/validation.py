"""Input checks shared by services: each failure is a French `UserError` naming its field."""

from __future__ import annotations

import unicodedata
from datetime import date

from app.errors import UserError
from app.i18n import _

MAX_NAME = 200
MAX_TITLE = 300


def required_text(value: str, field: str, label: str, max_len: int = MAX_NAME) -> str:
    """Strip and refuse empty or over-long text."""
    text = " ".join((value or "").split())
    if not text:
        raise UserError(_("{label} est obligatoire.").format(label=label), field=field)
    if len(text) > max_len:
        raise UserError(
            _("{label} : {n} caractères, c'est trop (maximum {max}).").format(
                label=label, n=len(text), max=max_len
            ),
            field=field,
        )
    return text


def optional_text(value: str | None, max_len: int = 10_000) -> str:
    text = (value or "").strip()
    return text[:max_len]


def non_negative_int(value: int, field: str, label: str, maximum: int = 1_000_000) -> int:
    if value < 0:
        raise UserError(
            _("{label} : une valeur négative ({value}) n'est pas possible.").format(
                label=label, value=value
            ),
            field=field,
        )
    if value > maximum:
        raise UserError(
            _("{label} : la valeur {value} paraît aberrante.").format(label=label, value=value),
            field=field,
        )
    return value


def fold(text: str) -> str:
    """Lower-case, accent-free form used for search and duplicate checks."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


def matches(query: str, *fields: str) -> bool:
    """True when every word of the query appears in one of the fields (accents ignored)."""
    words = fold(query).split()
    haystack = " ".join(fold(f) for f in fields)
    return all(w in haystack for w in words)


def check_period(start: date | None, end: date | None, field: str, label: str) -> None:
    if start and end and end < start:
        raise UserError(
            _("{label} : la date de fin est avant la date de début.").format(label=label),
            field=field,
        )


def check_in_campaign(
    day: date, first: date | None, last: date | None, field: str = "starts_at"
) -> None:
    """Refuse a date outside the campaign's key dates (when they are known)."""
    from app.domain.dates import format_date

    if first and day < first or last and day > last:
        raise UserError(
            _("La date {day} est en dehors de la campagne (du {first} au {last}).").format(
                day=format_date(day),
                first=format_date(first) if first else "…",
                last=format_date(last) if last else "…",
            ),
            field=field,
        )
