"""Vote materials in the ballots' visual identity: project sheets, poster, sign-in sheet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm as MM

from ballots.ballot_page import short_date_range
from ballots.fmt import long_date, money, time_of_day
from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    write_document,
)
from ballots.i18n import _, ngettext
from ballots.model import BallotSpec, Project
from ballots.pictures import load_picture
from ballots.signin import render_sign_in_sheet
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    Pen,
    fit,
    line_height_mm,
    text_width_mm,
    wrap,
)
from ballots.vote_session import VoteSession


def render_project_sheets(spec: BallotSpec, out: Path) -> None:
    """One page per project: number, title, cost, picture, description, residence, vote dates."""
    pictures = {
        p.project_id: load_picture(p.picture, p.number)
        for p in spec.projects
        if p.picture is not None
    }
    total = len(spec.projects)

    def draw(pen: Pen) -> None:
        for page, project in enumerate(spec.projects, 1):
            _project_page(pen, spec, project, pictures.get(project.project_id))
            footer(pen, f"{spec.campaign.name} · {spec.residence.name}", page, total)
            pen.c.showPage()

    write_document(out, _("Fiches projets – {r}").format(r=spec.residence.name), draw)


def _project_page(pen: Pen, spec: BallotSpec, project: Project, picture: object) -> None:
    header(
        pen,
        spec.campaign.name,
        project.title,
        _("Projet n° {n} · {r}").format(n=project.number, r=spec.residence.name),
    )
    y = 62.0
    pen.rect(LEFT, y, RIGHT - LEFT, 20, fill=ACCENT_TINT, radius=2)
    pen.text(LEFT + 6, y + 9, _("Coût estimé"), 12, color=MUTED)
    pen.text(LEFT + 6, y + 16.5, money(project.cost_cents or 0), 20, bold=True, color=ACCENT)
    dates = short_date_range(spec)
    if dates:
        pen.text(RIGHT - 6, y + 9, _("Vote"), 12, color=MUTED, align="right")
        pen.text(RIGHT - 6, y + 16.5, dates, 14, bold=True, align="right")
    y += 30
    text = project.description or _("(pas de description)")
    picture_h, size, lines = _sheet_body(text, picture is not None, BODY_BOTTOM - y)
    if picture is not None:
        pen.c.drawImage(
            picture,
            LEFT * MM,
            pen.y(y + picture_h),
            (RIGHT - LEFT) * MM,
            picture_h * MM,
            preserveAspectRatio=True,
            anchor="c",
        )
        y += picture_h + 8
    pen.text(LEFT, y, _("Le projet"), 16, bold=True)
    pen.lines(LEFT, y + 9, lines, size)


PICTURE_H, PICTURE_MIN_H = 95.0, 50.0


def _sheet_body(
    text: str, has_picture: bool, height: float
) -> tuple[float, float, tuple[str, ...]]:
    """(picture height, type size, lines): a long description first takes room from the
    picture (down to 50 mm), then gets smaller type (down to 11 pt), then is cut with "…"."""
    width = RIGHT - LEFT
    for size in (14.0, 13.0, 12.0, 11.0):
        lines = wrap(text, FONT, size, width)
        room = height - 9 - len(lines) * line_height_mm(size)
        if not has_picture and room >= 0:
            return 0.0, size, tuple(lines)
        if has_picture and room - 8 >= PICTURE_MIN_H:
            return min(PICTURE_H, room - 8), size, tuple(lines)
    picture_h = PICTURE_MIN_H if has_picture else 0.0
    available = height - 9 - (picture_h + 8 if has_picture else 0)
    most = max(1, int(available // line_height_mm(11.0)))
    return picture_h, 11.0, fit(text, FONT, width, most, 11.0, 11.0).lines


def render_poster(spec: BallotSpec, sessions: Sequence[VoteSession], out: Path) -> None:
    """Call to vote: dates and places, how to vote, the list of projects."""

    def draw(pen: Pen) -> None:
        header(
            pen,
            spec.campaign.name,
            _("Votez pour les projets de votre résidence !"),
            spec.residence.name,
        )
        y = _poster_sessions(pen, sessions, 68.0)
        y = _poster_how(pen, spec, y + 4)
        _poster_projects(pen, spec, y + 4)
        footer(pen, _("Le vote est anonyme. Les bulletins sont comptés en public."), 1, 1)
        pen.c.showPage()

    write_document(out, _("Affiche – {r}").format(r=spec.residence.name), draw)


def _poster_sessions(pen: Pen, sessions: Sequence[VoteSession], y: float) -> float:
    pen.text(LEFT, y, _("Où et quand voter"), 16, bold=True, color=ACCENT)
    y += 9
    for s in sessions:
        when = _("{day}, de {start} à {end}").format(
            day=long_date(s.day).capitalize(), start=time_of_day(s.start), end=time_of_day(s.end)
        )
        when_fit = fit(when, FONT_BOLD, RIGHT - LEFT, 1, 14, 11)
        pen.text(LEFT, y, when_fit.lines[0], when_fit.size, bold=True)
        place = fit(s.place, FONT, RIGHT - LEFT, 1, 13, 10)
        pen.text(LEFT, y + 6.5, place.lines[0], place.size, color=MUTED)
        y += 15
    return y


def _poster_how(pen: Pen, spec: BallotSpec, y: float) -> float:
    pen.rect(LEFT, y, RIGHT - LEFT, 34, fill=ACCENT_TINT, radius=2)
    pen.text(LEFT + 6, y + 9, _("Comment voter"), 16, bold=True, color=ACCENT)
    steps = (
        _("1. Prenez un bulletin et signez la liste d'émargement."),
        _("2. {headline}").format(headline=spec.rule.headline()),
        _("3. Pliez le bulletin et glissez-le dans l'urne."),
    )
    pen.lines(LEFT + 6, y + 17, list(steps), 13)
    return y + 34


def _poster_projects(pen: Pen, spec: BallotSpec, y: float) -> None:
    """The list of projects: one column, or two when it is long; never overlapping lines."""
    pen.text(LEFT, y + 6, _("Les projets"), 16, bold=True, color=ACCENT)
    top = y + 13
    projects = list(spec.projects)
    columns, size, shown = _poster_grid(len(projects), BODY_BOTTOM - top)
    rows = -(-shown // columns)
    step = min(9.0, (BODY_BOTTOM - top) / max(rows, 1))
    width = (RIGHT - LEFT - (columns - 1) * POSTER_GAP) / columns
    for index, project in enumerate(projects[:shown]):
        column, row = divmod(index, rows)
        x = LEFT + column * (width + POSTER_GAP)
        _poster_row(pen, project, x, width, top + row * step, size)
    if shown < len(projects):
        rest = len(projects) - shown
        more = ngettext(
            "… et {n} autre projet : voir les fiches projets.",
            "… et {n} autres projets : voir les fiches projets.",
            rest,
        ).format(n=rest)
        pen.text(LEFT, top + rows * step, more, size, color=MUTED)


POSTER_GAP = 8.0


def _poster_grid(count: int, height: float) -> tuple[int, int, int]:
    """(columns, type size, projects shown): the largest type whose lines do not overlap."""
    for columns, sizes in ((1, (13, 12, 11)), (2, (12, 11, 10))):
        for size in sizes:
            rows = -(-count // columns)
            if rows * line_height_mm(size) * 1.15 <= height:
                return columns, size, count
    fit_rows = int(height // (line_height_mm(10) * 1.15)) - 1  # keep a line for "… et N autres"
    return 2, 10, max(0, 2 * fit_rows)


def _poster_row(pen: Pen, project: Project, x: float, width: float, y: float, size: float) -> None:
    cost = money(project.cost_cents or 0)
    number_w = 10.0 if width > 120 else 8.0
    cost_w = text_width_mm(cost, FONT, size) + 3
    title = fit(project.title, FONT_BOLD, width - number_w - cost_w, 1, size, size)  # one size
    pen.text(x, y, str(project.number), size, bold=True, color=ACCENT)
    pen.text(x + number_w, y, title.lines[0], title.size, bold=True, color=INK)
    pen.text(x + width, y, cost, size, color=MUTED, align="right")


__all__ = ["VoteSession", "render_poster", "render_project_sheets", "render_sign_in_sheet"]
