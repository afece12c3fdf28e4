"""Vote materials in the ballots' visual identity: project sheets, poster, sign-in sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
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
    paragraph,
    table_row,
    write_document,
)
from ballots.i18n import _
from ballots.model import BallotSpec, Campaign, Project, Residence
from ballots.pictures import load_picture
from ballots.style import ACCENT, ACCENT_TINT, FONT_BOLD, INK, MUTED, RULE_GREY, Pen, fit


@dataclass(frozen=True)
class VoteSession:
    """A time and place where residents can vote (printed on the poster)."""

    place: str
    day: dt.date
    start: dt.time
    end: dt.time


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
    if picture is not None:
        pen.c.drawImage(
            picture,
            LEFT * MM,
            pen.y(y + 95),
            (RIGHT - LEFT) * MM,
            95 * MM,
            preserveAspectRatio=True,
            anchor="c",
        )
        y += 103
    pen.text(LEFT, y, _("Le projet"), 16, bold=True)
    paragraph(pen, LEFT, y + 9, RIGHT - LEFT, project.description or _("(pas de description)"), 14)


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
        pen.text(LEFT, y, when, 14, bold=True)
        pen.text(LEFT, y + 6.5, s.place, 13, color=MUTED)
        y += 15
    return y


def _poster_how(pen: Pen, spec: BallotSpec, y: float) -> float:
    pen.rect(LEFT, y, RIGHT - LEFT, 34, fill=ACCENT_TINT, radius=2)
    pen.text(LEFT + 6, y + 9, _("Comment voter"), 16, bold=True, color=ACCENT)
    steps = (
        _("1. Prenez un bulletin et signez la liste d'émargement."),
        spec.rule.headline().replace("Cochez", _("2. Cochez"), 1),
        _("3. Pliez le bulletin et glissez-le dans l'urne."),
    )
    pen.lines(LEFT + 6, y + 17, list(steps), 13)
    return y + 34


def _poster_projects(pen: Pen, spec: BallotSpec, y: float) -> None:
    pen.text(LEFT, y + 6, _("Les projets"), 16, bold=True, color=ACCENT)
    y += 13
    size = 13 if len(spec.projects) <= 12 else 11
    step = min(9.0, (BODY_BOTTOM - y) / max(1, len(spec.projects)))
    for p in spec.projects:
        title = fit(p.title, FONT_BOLD, RIGHT - LEFT - 45, 1, size, size - 2).lines[0]
        pen.text(LEFT, y, str(p.number), size, bold=True, color=ACCENT)
        pen.text(LEFT + 10, y, title, size, bold=True, color=INK)
        pen.text(RIGHT, y, money(p.cost_cents or 0), size, color=MUTED, align="right")
        y += step


def render_sign_in_sheet(
    campaign: Campaign, residence: Residence, out: Path, *, pages: int = 1, rows: int = 16
) -> None:
    """Sign-in sheet (name, building/flat, signature). Holds no ballot information at all."""

    def draw(pen: Pen) -> None:
        for page in range(1, pages + 1):
            header(pen, campaign.name, _("Liste d'émargement"), residence.name)
            pen.text(
                LEFT,
                56,
                _("Une ligne par votant. Aucune information sur le vote."),
                12,
                color=MUTED,
            )
            columns = (
                (LEFT, 11, _("N°")),
                (LEFT + 11, 70, _("Nom et prénom")),
                (LEFT + 81, 50, _("Bâtiment / logement")),
                (LEFT + 131, RIGHT - LEFT - 131, _("Signature")),
            )
            table_row(pen, 62, columns, 9, head=True)
            height = (BODY_BOTTOM - 71) / rows
            for row in range(rows):
                number = str((page - 1) * rows + row + 1)
                table_row(pen, 71 + row * height, ((LEFT, 11, number),), height)
            for x, _w, _t in columns[1:]:
                pen.line(x, 62, x, 71 + rows * height, color=RULE_GREY, width_mm=0.25)
            footer(pen, f"{campaign.name} · {residence.name}", page, pages)
            pen.c.showPage()

    write_document(out, _("Liste d'émargement – {r}").format(r=residence.name), draw)


__all__ = ["VoteSession", "render_poster", "render_project_sheets", "render_sign_in_sheet"]
