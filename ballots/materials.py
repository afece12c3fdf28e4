"""Vote materials in the ballots' visual identity: the project sheets here; the poster
(`ballots.poster`) and the sign-in sheet (`ballots.signin`) are re-exported.

A project sheet fills its page: the project's picture large, its longer description in the
largest type that fits, and at the foot how to vote for it (its box on the ballot, the rule, the
dates), so that a sheet pinned in a hall says everything a resident needs.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm as MM

from ballots.ballot_page import short_date_range
from ballots.fmt import money, short_date
from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    write_document,
)
from ballots.i18n import _
from ballots.layout import Rect
from ballots.marks import MarkKind, draw_mark
from ballots.model import BallotSpec, Project
from ballots.pictures import load_picture
from ballots.poster import render_poster
from ballots.signin import render_sign_in_sheet
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    WHITE,
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
    """Facts band, picture, description in the largest type that fits, then how to vote for
    this project at the foot of the page: the page is used whatever the description's length."""
    bottom = header(
        pen,
        spec.campaign.name,
        project.title,
        _("Projet n° {n} · {r}").format(n=project.number, r=spec.residence.name),
    )
    y = max(48.0, bottom + 8)
    _facts(pen, spec, project, y)
    y += 30
    panel_top = BODY_BOTTOM - PANEL_H
    text = project.description or _("(pas de description)")
    picture_h, size, lines = _sheet_body(text, picture is not None, panel_top - 6 - y)
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
    pen.text(LEFT, y, _("Le projet"), 16, bold=True, color=ACCENT)
    pen.lines(LEFT, y + 4 + line_height_mm(size), lines, size)
    _on_the_ballot(pen, spec, project, panel_top)


def _facts(pen: Pen, spec: BallotSpec, project: Project, y: float) -> None:
    pen.rect(LEFT, y, RIGHT - LEFT, 22, fill=ACCENT_TINT, radius=2)
    pen.text(LEFT + 6, y + 9, _("Coût estimé"), 12, color=MUTED)
    pen.text(LEFT + 6, y + 17.5, money(project.cost_cents or 0), 22, bold=True, color=ACCENT)
    dates = short_date_range(spec)
    if dates:
        pen.text(RIGHT - 6, y + 9, _("Vote"), 12, color=MUTED, align="right")
        pen.text(RIGHT - 6, y + 17.5, dates, 15, bold=True, align="right")


PANEL_H = 36.0


def _on_the_ballot(pen: Pen, spec: BallotSpec, project: Project, top: float) -> None:
    """ "Pour soutenir ce projet, cochez la case n° 4 sur le bulletin", beside a marked box as
    printed on the ballot, with the rule and the dates of the vote."""
    pen.rect(LEFT, top, RIGHT - LEFT, PANEL_H, fill=ACCENT_TINT, radius=2)
    box = Rect(LEFT + 7, top + 9, 16.0, 12.0)
    pen.rect(box.x_mm, box.y_mm, box.w_mm, box.h_mm, fill=WHITE, stroke=INK, width_mm=0.45)
    draw_mark(pen, box, MarkKind.CROSS)
    pen.text(box.right + 4, top + 19, str(project.number), 26, bold=True, color=ACCENT)
    x = box.right + 22
    width = RIGHT - 5 - x
    lines = [
        (_("Pour soutenir ce projet, cochez la case n° {n} sur le bulletin.").format(
            n=project.number), FONT_BOLD, 13),
        (spec.rule.headline(), FONT, 12),
        (_dates_sentence(spec), FONT, 12),
    ]  # fmt: skip
    y = top + 9
    for text, font, size in lines:
        if not text:
            continue
        fitted = fit(text, font, width, 2, size, 9)
        y = pen.lines(x, y, fitted.lines, fitted.size, bold=font == FONT_BOLD) + 1


def _dates_sentence(spec: BallotSpec) -> str:
    start, end = spec.vote_start, spec.vote_end
    if start and end and start != end:
        return _("Vote du {start} au {end}.").format(start=short_date(start), end=short_date(end))
    day = start or end
    return _("Vote le {day}.").format(day=short_date(day)) if day else ""


BODY_SIZES = (20.0, 18.0, 16.0, 14.0, 13.0, 12.0, 11.0)
PICTURE_SIZES = (14.0, 13.0, 12.0, 11.0)  # beside a picture, the picture comes first
PICTURE_H, PICTURE_GOOD_H, PICTURE_MIN_H = 110.0, 80.0, 50.0


def _sheet_body(
    text: str, has_picture: bool, height: float
) -> tuple[float, float, tuple[str, ...]]:
    """(picture height, type size, lines). Without a picture, the largest type that fits (20 pt
    for a short description). With one, the picture keeps 80 mm or more while the type can
    shrink to 11 pt; only then does it give room down to 50 mm. Beyond, the text is cut "…"."""
    width = RIGHT - LEFT

    def room(size: float) -> tuple[float, list[str]]:
        lines = wrap(text, FONT, size, width)
        return height - 4 - (len(lines) + 1) * line_height_mm(size), lines

    if not has_picture:
        for size in BODY_SIZES:
            left, lines = room(size)
            if left >= 0:
                return 0.0, size, tuple(lines)
    else:
        for least in (PICTURE_GOOD_H, PICTURE_MIN_H):
            for size in PICTURE_SIZES:
                left, lines = room(size)
                if left - 8 >= least:
                    return min(PICTURE_H, left - 8), size, tuple(lines)
    picture_h = PICTURE_MIN_H if has_picture else 0.0
    available = height - 4 - (picture_h + 8 if has_picture else 0)
    most = max(1, int(available // line_height_mm(11.0)) - 1)
    return picture_h, 11.0, fit(text, FONT, width, most, 11.0, 11.0).lines


__all__ = ["VoteSession", "render_poster", "render_project_sheets", "render_sign_in_sheet"]
