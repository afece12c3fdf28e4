"""The hot line's weekly sheet: every slot of the week, day by day, to pin on a wall or take to
the residence. The application formats every text (dates, labels); this module only draws.

Free slots show a line to write a name on by hand; the question and the follow-up have room
to be read. Names appear only when the application gives them (the resident consented).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    header_bottom,
    table_row,
    write_document,
)
from ballots.i18n import _
from ballots.style import ACCENT, FONT, MUTED, RULE_GREY, Pen, fit, line_height_mm

ROW_H = 11.5
DAY_H = 9.0
HEAD_H = 8.0


@dataclass(frozen=True)
class SheetSlot:
    time: str  # "9 h 30 – 10 h"
    consultant: str
    where: str  # "Téléphone", "Salle de la résidence · Les Tilleuls"
    who: str  # a name (with consent), "Anonyme", or "" for a free slot
    question: str
    follow_up: str


@dataclass(frozen=True)
class SheetDay:
    title: str  # "lundi 7 décembre 2026"
    slots: tuple[SheetSlot, ...]


def _columns() -> tuple[tuple[float, float, str], ...]:
    return (
        (LEFT, 27, _("Heure")),
        (LEFT + 27, 28, _("Consultant")),
        (LEFT + 55, 38, _("Où")),
        (LEFT + 93, 30, _("Personne")),
        (LEFT + 123, RIGHT - LEFT - 123, _("Question · suite")),
    )


def render_week_sheet(
    campaign: str, title: str, days: Sequence[SheetDay], out: Path, *, empty_note: str = ""
) -> int:
    """Write the sheet to `out` (atomically); returns the number of pages."""
    pages = _paginate(days, header_bottom(title) + 8)

    def draw(pen: Pen) -> None:
        for number, blocks in enumerate(pages, start=1):
            top = header(pen, campaign, title) + 8
            if not any(day.slots for day in days):
                pen.text(LEFT, top + 6, empty_note or _("Aucun créneau cette semaine."), 12)
            y = top
            for day, slots, first in blocks:
                y = _day(pen, y, day, slots, first)
            footer(pen, f"{campaign} · {title}", number, len(pages))
            pen.c.showPage()

    write_document(out, title, draw)
    return len(pages)


Block = tuple[SheetDay, tuple[SheetSlot, ...], bool]


def _paginate(days: Sequence[SheetDay], top: float) -> list[list[Block]]:
    """Days split into pages; a day that does not fit goes on with its heading repeated."""
    pages: list[list[Block]] = [[]]
    y = top
    for day in days:
        if not day.slots:
            continue
        rest, first = list(day.slots), True
        while rest:
            room = int((BODY_BOTTOM - y - DAY_H - HEAD_H) // ROW_H)
            if room <= 0:
                pages.append([])
                y = top
                continue
            take, rest = rest[:room], rest[room:]
            pages[-1].append((day, tuple(take), first))
            y += DAY_H + HEAD_H + ROW_H * len(take) + 4
            first = False
    return pages


def _day(pen: Pen, y: float, day: SheetDay, slots: tuple[SheetSlot, ...], first: bool) -> float:
    title = day.title if first else _("{day} (suite)").format(day=day.title)
    pen.text(LEFT, y + 6, title, 13, bold=True, color=ACCENT)
    y += DAY_H
    table_row(pen, y, _columns(), HEAD_H, head=True, size=10)
    y += HEAD_H
    for slot in slots:
        _slot(pen, y, slot)
        y += ROW_H
    for x, _w, _t in _columns()[1:]:
        pen.line(x, y - ROW_H * len(slots) - HEAD_H, x, y, color=RULE_GREY, width_mm=0.2)
    return y + 4


def _cell(pen: Pen, x: float, base: float, width: float, text: str, lines: int = 2) -> None:
    fitted = fit(text, FONT, width - 2, lines, 10, 8)
    pen.lines(x + 1, base, fitted.lines, fitted.size, step=line_height_mm(fitted.size) * 0.95)


def _slot(pen: Pen, y: float, slot: SheetSlot) -> None:
    cols = _columns()
    base = y + line_height_mm(10) * 0.9 + 0.8
    texts = (slot.time, slot.consultant, slot.where)
    for (x, width, _t), text, most in zip(cols[:3], texts, (1, 2, 2), strict=True):
        _cell(pen, x, base, width, text, most)
    x, width, _t = cols[3]
    if slot.who:
        _cell(pen, x, base, width, slot.who)
    else:
        pen.line(x + 1, y + ROW_H - 3, x + width - 2, y + ROW_H - 3, color=MUTED, width_mm=0.2)
    x, width, _t = cols[4]
    text = slot.question
    if slot.follow_up:
        text = _("{question} → {follow_up}").format(question=text, follow_up=slot.follow_up)
    if text:  # three short lines at most, the last one cut with an ellipsis if need be
        fitted = fit(text, FONT, width - 2, 3, 8.5, 7.5)
        pen.lines(x + 1, base - 1.0, fitted.lines, fitted.size, step=3.2)
    pen.line(LEFT, y + ROW_H, RIGHT, y + ROW_H, color=RULE_GREY, width_mm=0.2)
