"""The sign-in sheet (liste d'émargement): one line per voter, with the date and place of the
vote, the signatures of each page added up at its foot, carried over to the next page, and the
total of all pages on the last one. It holds no ballot information at all (no QR, no serial).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    table_row,
    write_document,
)
from ballots.i18n import _
from ballots.model import Campaign, Residence
from ballots.style import (
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE_GREY,
    Pen,
    fit,
    text_width_mm,
)
from ballots.vote_session import VoteSession

ROWS = 22  # lines a page: 8 mm each, enough to sign
HEAD_Y = 66.0  # top of the table's heading row
TOTALS_H = 19.0  # the page totals under the table


def render_sign_in_sheet(
    campaign: Campaign,
    residence: Residence,
    out: Path,
    *,
    pages: int = 1,
    rows: int = ROWS,
    sessions: Sequence[VoteSession] = (),
) -> None:
    """`pages` pages of `rows` numbered lines; the date and place are printed when the residence
    votes at a single session, else left to fill in by hand."""
    only = sessions[0] if len(sessions) == 1 else None

    def draw(pen: Pen) -> None:
        for page in range(1, pages + 1):
            header(pen, campaign.name, _("Liste d'émargement"), residence.name)
            _when_and_where(pen, only)
            _table(pen, page, rows)
            _totals(pen, page, pages)
            footer(pen, f"{campaign.name} · {residence.name}", page, pages)
            pen.c.showPage()

    write_document(out, _("Liste d'émargement – {r}").format(r=residence.name), draw)


def _when_and_where(pen: Pen, session: VoteSession | None) -> None:
    """ "Date : …   Lieu : …", printed or with a line to write on."""
    y = 53.0
    date_label, place_label = _("Date :"), _("Lieu :")
    middle = LEFT + 100
    pen.text(LEFT, y, date_label, 12, bold=True)
    pen.text(middle, y, place_label, 12, bold=True)
    date_x = LEFT + _width(date_label) + 2
    place_x = middle + _width(place_label) + 2
    if session is not None:
        when = fit(session.when(), FONT, middle - date_x - 3, 1, 12, 9)
        pen.text(date_x, y, when.lines[0], when.size)
        place = fit(session.place, FONT, RIGHT - place_x, 1, 12, 9)
        pen.text(place_x, y, place.lines[0], place.size)
    else:
        pen.line(date_x, y + 1, middle - 4, y + 1, color=MUTED, width_mm=0.25)
        pen.line(place_x, y + 1, RIGHT, y + 1, color=MUTED, width_mm=0.25)
    note = _("Une ligne par votant. Aucune information sur le vote.")
    pen.text(LEFT, y + 7, note, 10, color=MUTED)


def _width(text: str) -> float:
    return text_width_mm(text, FONT_BOLD, 12)


def _table(pen: Pen, page: int, rows: int) -> None:
    columns = (
        (LEFT, 12, _("N°")),
        (LEFT + 12, 70, _("Nom et prénom")),
        (LEFT + 82, 48, _("Bâtiment / logement")),
        (LEFT + 130, RIGHT - LEFT - 130, _("Signature")),
    )
    table_row(pen, HEAD_Y, columns, 9, head=True)
    top = HEAD_Y + 9
    height = (BODY_BOTTOM - TOTALS_H - 3 - top) / rows
    for row in range(rows):
        number = str((page - 1) * rows + row + 1)
        table_row(pen, top + row * height, ((LEFT, 12, number),), height)
    for x, _w, _t in columns[1:]:
        pen.line(x, HEAD_Y, x, top + rows * height, color=RULE_GREY, width_mm=0.25)


def _totals(pen: Pen, page: int, pages: int) -> None:
    """Boxes to fill in at the foot of each page: this page, carried over, total so far (on the
    last page: the total of all pages), then who closed the list."""
    top = BODY_BOTTOM - TOTALS_H
    pen.rect(LEFT, top, RIGHT - LEFT, TOTALS_H, fill=ACCENT_TINT, radius=1.5)
    last = page == pages
    cells = (
        _("Signatures sur cette page"),
        _("Report des pages précédentes"),
        _("Total des votants (toutes les pages)") if last else _("Total à reporter"),
    )
    width = (RIGHT - LEFT) / 3
    for i, label in enumerate(cells):
        x = LEFT + i * width + 3
        bold = last and i == 2
        text = fit(label, FONT_BOLD if bold else FONT, width - 25, 2, 9.5, 8)
        pen.lines(x, top + 5.5, text.lines, text.size, bold=bold, step=3.8)
        pen.rect(x + width - 24, top + 2, 18, 10, stroke=INK, width_mm=0.35)
    if last:
        closing = _("Liste close le ____ à ____ h ____ par ______________________ (signature)")
    else:
        closing = _(
            "Reportez ce total dans la case « Report des pages précédentes » de la page suivante."
        )
    line = fit(closing, FONT, RIGHT - LEFT - 6, 1, 9.5, 8)
    pen.text(LEFT + 3, top + TOTALS_H - 3, line.lines[0], line.size, color=INK if last else MUTED)
