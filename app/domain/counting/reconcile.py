"""The reconciliation's differences: printed, handed out, found in the box, spoiled, counted.

Every figure that does not agree with another is a difference, shown with its numbers: the
field test saw "Aucun écart" with 0 ballots handed out and 10 in the box. A difference is not an
error (a voter may leave with a ballot); the officer explains it in the procès-verbal's note.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _, ngettext

# The kinds of difference, in the order they are shown.
BOX_VS_SIGNIN = "box_vs_signin"  # ballots in the box against the sign-in sheet
BOX_VS_COUNTED = "box_vs_counted"  # ballots in the box against the sheets read
OVER_PRINTED = "over_printed"  # more handed out and spoiled than printed


@dataclass(frozen=True)
class Figures:
    """What the officer typed, and the sheets counted as ballots on screen."""

    printed: int
    handed_out: int
    returned: int
    spoiled: int
    counted: int


@dataclass(frozen=True)
class Difference:
    kind: str
    delta: int  # signed: the first figure named minus the second
    message: str  # French (or the current language), with the numbers


def differences(f: Figures) -> tuple[Difference, ...]:
    """Each disagreement between the figures, with its numbers; empty when all agree."""
    out: list[Difference] = []
    if f.returned != f.handed_out:
        d = f.returned - f.handed_out
        text = ngettext(
            "Écart urne / émargement : {d:+d} bulletin (urne : {r}, remis : {h}).",
            "Écart urne / émargement : {d:+d} bulletins (urne : {r}, remis : {h}).",
            abs(d),
        )
        out.append(Difference(BOX_VS_SIGNIN, d, text.format(d=d, r=f.returned, h=f.handed_out)))
    if f.returned != f.counted:
        d = f.returned - f.counted
        text = _("Écart urne / lecture : {d:+d} (urne : {r}, lus à l'écran : {c}).")
        out.append(Difference(BOX_VS_COUNTED, d, text.format(d=d, r=f.returned, c=f.counted)))
    used = f.handed_out + f.spoiled
    if used > f.printed:
        text = _("Plus de bulletins remis et abîmés ({n}) que d'imprimés ({p}).")
        out.append(Difference(OVER_PRINTED, used - f.printed, text.format(n=used, p=f.printed)))
    return tuple(out)
