"""Money is integer cents; parsing and formatting follow French usage (1 234,50 €)."""

from __future__ import annotations

import re

from app.errors import UserError
from app.i18n import _

NNBSP = "\u202f"  # narrow no-break space: the French thousands separator
MAX_CENTS = 100_000_000_00  # 100 million euros: anything above is a typing error


def format_euros(cents: int, *, with_cents: bool | None = None) -> str:
    """Format cents as "1 234,50 €"; whole euros drop the decimals unless asked."""
    return f"{amount_text(cents, with_cents=with_cents)}\u00a0€"


def format_number(number: int) -> str:
    """A whole number with its thousands grouped the French way, "12 345" (narrow no-break
    spaces). With `amount_text`, the one number formatter of the application; the `ballots`
    library has its own (`ballots.fmt`), as it cannot import `app`."""
    return f"{number:,}".replace(",", NNBSP)


def amount_text(cents: int, *, with_cents: bool | None = None) -> str:
    """The amount alone, "1 234,50" (narrow no-break spaces between thousands), for a field or
    a column that says its currency elsewhere."""
    negative = cents < 0
    euros, rest = divmod(abs(cents), 100)
    grouped = format_number(euros)
    show_cents = rest != 0 if with_cents is None else with_cents
    text = f"{grouped},{rest:02d}" if show_cents else grouped
    return f"{'-' if negative else ''}{text}"


_AMOUNT = re.compile(r"^(\d+)(?:[.,](\d{1,2}))?$")


def parse_euros(text: str, *, field: str | None = None) -> int:
    """Parse "1 234,50", "1234.5" or "1 234 €" into cents; raise a French UserError otherwise."""
    cleaned = text.strip().replace("€", "").replace("EUR", "")
    for space in (" ", "\u00a0", NNBSP, "'"):
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        raise UserError(_("Indiquez un montant."), field=field)
    if cleaned.startswith("-"):
        raise UserError(_("Un montant ne peut pas être négatif."), field=field)
    match = _AMOUNT.match(cleaned)
    if not match:
        raise UserError(
            _("« {text} » n'est pas un montant (exemple : 12 500,50).").format(text=text.strip()),
            field=field,
        )
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    check_cents(cents, field=field)
    return cents


def check_cents(cents: int, *, field: str | None = None, allow_zero: bool = True) -> int:
    """Refuse negative and absurd amounts with a French message."""
    if cents < 0:
        raise UserError(_("Un montant ne peut pas être négatif."), field=field)
    if not allow_zero and cents == 0:
        raise UserError(_("Le montant doit être supérieur à zéro."), field=field)
    if cents > MAX_CENTS:
        raise UserError(
            _("Le montant {amount} paraît aberrant (maximum : {maximum}).").format(
                amount=format_euros(cents), maximum=format_euros(MAX_CENTS)
            ),
            field=field,
        )
    return cents
