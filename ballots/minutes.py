"""Compte rendu de la commission d'examen: the commission's decisions, in the shared style.

Built on `ballots.furniture` so that the later procès-verbal de dépouillement looks the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ballots.fmt import long_date, money
from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    paragraph,
    table_row,
    write_document,
)
from ballots.i18n import _
from ballots.style import ACCENT, FONT, INK, MUTED, Pen, fit, line_height_mm, wrap

TOP = 64.0


@dataclass(frozen=True)
class CommissionMember:
    name: str
    role: str = ""


@dataclass(frozen=True)
class CommissionDecision:
    """One project's decision. `criteria` pairs a criterion's name with its result in words."""

    number: int
    title: str
    residence: str
    admissible: bool
    public_reason: str
    requested_cost_cents: int | None = None
    validated_cost_cents: int | None = None
    criteria: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class CommissionMinutes:
    campaign: str
    meeting_date: dt.date
    place: str
    members_present: tuple[CommissionMember, ...]
    decisions: tuple[CommissionDecision, ...]
    criteria: tuple[str, ...] = field(default=())


def render_commission_minutes(minutes: CommissionMinutes, out: Path) -> None:
    """Write the minutes: members, a summary, each project with its decision and reason."""

    def draw(pen: Pen) -> None:
        pages = _paginate(minutes)
        for page, chunk in enumerate(pages, 1):
            header(
                pen,
                minutes.campaign,
                _("Compte rendu de la commission d'examen"),
                _("Réunion du {date} · {place}").format(
                    date=long_date(minutes.meeting_date), place=minutes.place
                ),
            )
            y = TOP
            if page == 1:
                y = _intro(pen, minutes, y)
            for decision in chunk:
                y = _decision(pen, decision, y)
            footer(
                pen,
                _("Compte rendu de la commission d'examen · {c}").format(c=minutes.campaign),
                page,
                len(pages),
            )
            pen.c.showPage()

    write_document(out, _("Compte rendu de la commission d'examen"), draw)


def _intro(pen: Pen, minutes: CommissionMinutes, y: float) -> float:
    pen.text(LEFT, y, _("Membres présents"), 14, bold=True, color=ACCENT)
    names = ", ".join(f"{m.name} ({m.role})" if m.role else m.name for m in minutes.members_present)
    y = paragraph(pen, LEFT, y + 7, RIGHT - LEFT, names or "—", 12) + 3
    kept = sum(1 for d in minutes.decisions if d.admissible)
    total = sum(d.validated_cost_cents or 0 for d in minutes.decisions if d.admissible)
    summary = _(
        "Projets examinés : {n} · recevables : {kept} · non recevables : {out}. "
        "Coût total des projets recevables : {total}."
    ).format(
        n=len(minutes.decisions), kept=kept, out=len(minutes.decisions) - kept, total=money(total)
    )
    y = paragraph(pen, LEFT, y, RIGHT - LEFT, summary, 12, bold=True) + 2
    if minutes.criteria:
        y = (
            paragraph(
                pen,
                LEFT,
                y,
                RIGHT - LEFT,
                _("Critères examinés : {c}.").format(c=", ".join(minutes.criteria)),
                12,
                color=MUTED,
            )
            + 2
        )
    return y + 4


def _height(decision: CommissionDecision) -> float:
    reason = wrap(decision.public_reason, FONT, 12, RIGHT - LEFT - 4)
    return 22 + len(reason) * line_height_mm(12) + (7 if decision.criteria else 0)


def _intro_height(minutes: CommissionMinutes) -> float:
    """Same arithmetic as `_intro`, without drawing (to paginate before drawing)."""
    names = ", ".join(m.name for m in minutes.members_present) + " (" * len(minutes.members_present)
    lines = len(wrap(names, FONT, 12, RIGHT - LEFT)) + 2 + (2 if minutes.criteria else 0)
    return 7 + lines * line_height_mm(12) + 11


def _paginate(minutes: CommissionMinutes) -> list[list[CommissionDecision]]:
    pages: list[list[CommissionDecision]] = [[]]
    y = TOP + _intro_height(minutes)  # the first page also holds the introduction
    for decision in minutes.decisions:
        if y + _height(decision) > BODY_BOTTOM and pages[-1]:
            pages.append([])
            y = TOP
        pages[-1].append(decision)
        y += _height(decision)
    return pages


def _decision(pen: Pen, d: CommissionDecision, y: float) -> float:
    verdict = _("Recevable") if d.admissible else _("Non recevable")
    table_row(
        pen,
        y,
        (
            (LEFT, 12, str(d.number)),
            (LEFT + 12, 112, d.title),
            (LEFT + 124, RIGHT - LEFT - 124, verdict),
        ),
        9,
        head=True,
        size=12,
    )
    y += 15
    costs = d.residence
    if d.requested_cost_cents is not None:
        costs += " · " + _("coût demandé : {c}").format(c=money(d.requested_cost_cents))
    if d.admissible and d.validated_cost_cents is not None:
        costs += " · " + _("coût validé : {c}").format(c=money(d.validated_cost_cents))
    pen.text(LEFT + 2, y, fit(costs, FONT, RIGHT - LEFT - 4, 1, 12, 10).lines[0], 12, color=MUTED)
    y = paragraph(pen, LEFT + 2, y + 6, RIGHT - LEFT - 4, d.public_reason, 12, color=INK)
    if d.criteria:
        grid = " · ".join(f"{name} : {result}" for name, result in d.criteria)
        y = paragraph(pen, LEFT + 2, y, RIGHT - LEFT - 4, grid, 11, color=MUTED)
    return y + 3
