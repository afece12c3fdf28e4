"""Vote materials in the ballots' visual identity: project sheets, poster, sign-in sheet."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm as MM

from ballots.ballot_page import short_date_range
from ballots.fmt import money
from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    write_document,
)
from ballots.i18n import _
from ballots.model import BallotSpec, Project
from ballots.pictures import load_picture
from ballots.poster import render_poster
from ballots.signin import render_sign_in_sheet
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    MUTED,
    Pen,
    fit,
    line_height_mm,
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


__all__ = ["VoteSession", "render_poster", "render_project_sheets", "render_sign_in_sheet"]
