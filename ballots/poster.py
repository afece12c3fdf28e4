"""The call-to-vote poster: what a resident must read from 2 m away, in large type (the budget,
the days, hours and places of the vote, whom to ask), then what is read up close (how to vote,
the list of projects).

Text read from 2 m is at least 24 pt bold (capitals and digits about 6 mm high); a poster
with many voting sessions or projects shrinks the list of projects first, never those facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ballots.fmt import money
from ballots.furniture import BODY_BOTTOM, LEFT, RIGHT, footer, header_band, write_document
from ballots.i18n import _, ngettext
from ballots.model import BallotSpec, Project
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    WHITE,
    Fitted,
    Pen,
    fit,
    line_height_mm,
    text_width_mm,
)
from ballots.vote_session import VoteSession

WIDTH = RIGHT - LEFT
FAR = 24.0  # pt: the smallest type meant to be read from 2 m
POSTER_GAP = 8.0


def render_poster(
    spec: BallotSpec,
    sessions: Sequence[VoteSession],
    out: Path,
    *,
    budget_cents: int | None = None,
    contact: str = "",
) -> None:
    """One A4 page: headline, budget, voting sessions, how to vote, projects, contact."""

    def draw(pen: Pen) -> None:
        header_band(pen, spec.campaign.name)
        y = _headline(pen, spec.residence.name)
        if budget_cents:
            y = _budget(pen, budget_cents, y + 4)
        y = _sessions(pen, sessions, y + 9)
        line = _contact_lines(contact) if contact else None
        bottom = BODY_BOTTOM - (_contact_height(line) + 4 if line else 0)
        y = _how(pen, spec, y + 3)
        _projects(pen, spec, y + 4, bottom)
        if line:
            _contact(pen, line)
        footer(pen, _("Le vote est anonyme. Les bulletins sont comptés en public."), 1, 1)
        pen.c.showPage()

    write_document(out, _("Affiche – {r}").format(r=spec.residence.name), draw)


def _headline(pen: Pen, residence: str) -> float:
    big = fit(_("Votez pour les projets de votre résidence !"), FONT_BOLD, WIDTH, 2, 32, 22)
    y = pen.lines(LEFT, 31, big.lines, big.size, bold=True) - line_height_mm(big.size)
    name = fit(residence, FONT_BOLD, WIDTH, 1, FAR, 16)
    y += line_height_mm(name.size) + 2
    pen.text(LEFT, y, name.lines[0], name.size, bold=True, color=ACCENT)
    return y + 2


def _budget(pen: Pen, cents: int, top: float) -> float:
    """A coloured panel: "30 000 €" very large, and what it is for."""
    height = 27.0
    pen.rect(LEFT, top, WIDTH, height, fill=ACCENT, radius=2.5)
    amount = money(cents)
    size = fit(amount, FONT_BOLD, WIDTH / 2, 1, 44, 30).size
    pen.text(LEFT + 6, top + 17, amount, size, bold=True, color=WHITE)
    x = LEFT + 6 + text_width_mm(amount, FONT_BOLD, size) + 5
    words = fit(
        _("pour les projets choisis par les habitants"), FONT_BOLD, RIGHT - 4 - x, 2, 16, 11
    )
    first = top + (17 if len(words.lines) == 1 else 12.5)
    pen.lines(x, first, words.lines, words.size, bold=True, color=WHITE)
    return top + height


def _sessions(pen: Pen, sessions: Sequence[VoteSession], y: float) -> float:
    """Each session in two large lines: the day and hours, then the place."""
    pen.text(LEFT, y, _("Où et quand voter"), 18, bold=True, color=ACCENT)
    y += 3
    shown = list(sessions) if len(sessions) <= 4 else list(sessions[:3])  # else 3 and "… et N"
    when_size, place_size = (FAR + 2, FAR) if len(shown) <= 2 else (FAR, FAR)
    for s in shown:
        when = fit(s.when()[:1].upper() + s.when()[1:], FONT_BOLD, WIDTH, 1, when_size, 16)
        y += line_height_mm(when.size) + 0.5
        pen.text(LEFT, y, when.lines[0], when.size, bold=True)
        place = fit(s.place, FONT_BOLD, WIDTH, 1, place_size, 16)
        y += line_height_mm(place.size) - 0.5
        pen.text(LEFT, y, place.lines[0], place.size, bold=True, color=MUTED)
        y += 2.5
    if len(sessions) > len(shown):
        rest = len(sessions) - len(shown)
        y += 6
        more = ngettext(
            "… et {n} autre permanence : demandez à l'équipe.",
            "… et {n} autres permanences : demandez à l'équipe.",
            rest,
        ).format(n=rest)
        pen.text(LEFT, y, more, 14, color=MUTED)
    return y


def _how(pen: Pen, spec: BallotSpec, y: float) -> float:
    steps = (
        _("1. Prenez un bulletin et signez la liste d'émargement."),
        _("2. {headline}").format(headline=spec.rule.headline()),
        _("3. Pliez le bulletin et glissez-le dans l'urne."),
    )
    height = 9 + len(steps) * line_height_mm(12) + 2
    pen.rect(LEFT, y, WIDTH, height, fill=ACCENT_TINT, radius=2)
    pen.text(LEFT + 5, y + 7, _("Comment voter"), 14, bold=True, color=ACCENT)
    lines = [fit(step, FONT, WIDTH - 10, 1, 12, 9).lines[0] for step in steps]
    pen.lines(LEFT + 5, y + 13, lines, 12)
    return y + height


def _projects(pen: Pen, spec: BallotSpec, y: float, bottom: float) -> None:
    """The list of projects: one column, or two when it is long; never overlapping lines; the
    rest named by a count when even two columns of small type cannot hold them."""
    projects = list(spec.projects)
    if bottom - (y + 11) < 2 * line_height_mm(10) * 1.15:  # not even two rows: point to sheets
        if y + 6 <= bottom:
            more = ngettext(
                "{n} projet : voir sa fiche projet.",
                "{n} projets : voir les fiches projets.",
                len(projects),
            ).format(n=len(projects))
            pen.text(LEFT, y + 5, more, 12, bold=True, color=ACCENT)
        return
    pen.text(LEFT, y + 5, _("Les projets"), 14, bold=True, color=ACCENT)
    top = y + 11
    columns, size, shown = _grid(len(projects), bottom - top)
    rows = -(-shown // columns) if shown else 0
    step = min(8.0, (bottom - top) / max(rows + (shown < len(projects)), 1))
    width = (WIDTH - (columns - 1) * POSTER_GAP) / columns
    for index, project in enumerate(projects[:shown]):
        column, row = divmod(index, rows)
        x = LEFT + column * (width + POSTER_GAP)
        _row(pen, project, x, width, top + row * step, size)
    if shown < len(projects):
        rest = len(projects) - shown
        more = ngettext(
            "… et {n} autre projet : voir les fiches projets.",
            "… et {n} autres projets : voir les fiches projets.",
            rest,
        ).format(n=rest)
        pen.text(LEFT, top + rows * step, more, size, color=MUTED)


def _grid(count: int, height: float) -> tuple[int, int, int]:
    """(columns, type size, projects shown): the largest type whose lines do not overlap."""
    for columns, sizes in ((1, (13, 12, 11)), (2, (12, 11, 10))):
        for size in sizes:
            rows = -(-count // columns)
            if rows * line_height_mm(size) * 1.15 <= height:
                return columns, size, count
    fit_rows = int(height // (line_height_mm(10) * 1.15)) - 1  # keep a line for "… et N autres"
    return 2, 10, max(0, 2 * fit_rows)


def _row(pen: Pen, project: Project, x: float, width: float, y: float, size: float) -> None:
    cost = money(project.cost_cents or 0)
    number_w = 10.0 if width > 120 else 8.0
    cost_w = text_width_mm(cost, FONT, size) + 3
    title = fit(project.title, FONT_BOLD, width - number_w - cost_w, 1, size, size)  # one size
    pen.text(x, y, str(project.number), size, bold=True, color=ACCENT)
    pen.text(x + number_w, y, title.lines[0], title.size, bold=True, color=INK)
    pen.text(x + width, y, cost, size, color=MUTED, align="right")


def _contact_lines(contact: str) -> Fitted:
    """The contact in large type, on two lines rather than cut (a phone number must be whole)."""
    return fit(contact, FONT_BOLD, WIDTH - 10, 2, FAR, 18)


def _contact_height(line: Fitted) -> float:
    return 10.0 + len(line.lines) * line_height_mm(line.size)


def _contact(pen: Pen, line: Fitted) -> None:
    """ "Une question ?" then the contact in large type, at the foot of the poster."""
    height = _contact_height(line)
    top = BODY_BOTTOM - height
    pen.rect(LEFT, top, WIDTH, height, fill=ACCENT_TINT, radius=2)
    pen.text(LEFT + 5, top + 6.5, _("Une question ?"), 13, bold=True, color=MUTED)
    first = top + 6.5 + line_height_mm(line.size)
    pen.lines(LEFT + 5, first, line.lines, line.size, bold=True, color=ACCENT)
