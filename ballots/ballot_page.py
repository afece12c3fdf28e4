"""The static part of a ballot (everything but the QR): drawn once per batch as a PDF form.

Labels are fitted here: titles wrap, then shrink to 12.5 pt, then are cut with a warning; the
description takes the lines left. Nothing is drawn inside the 3 mm ring around a box.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
from reportlab.lib.units import mm as MM
from reportlab.lib.utils import ImageReader

from ballots.fmt import long_date, money, short_date
from ballots.geometry import BOX_RING, PAGE_W
from ballots.i18n import _
from ballots.layout import BallotLayout, BoxLayout, Rect
from ballots.marks import MarkKind, draw_mark
from ballots.model import BallotSpec, Project
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    WATERMARK,
    WHITE,
    Fitted,
    Pen,
    fit,
    line_height_mm,
    text_width_mm,
)

TITLE_SIZE = 14.0
TITLE_MIN = 12.5
BODY_SIZE = 12.0
NUMBER_SIZE = 16.0
COST_SIZE = 13.0
BOX_LINE = 0.45  # mm, dark so that it survives 1-bit scans
MIN_PICTURE_LABEL_H = 16.0


@dataclass(frozen=True)
class RenderWarning:
    """Something the preview shows: a title cut or shrunk, a description or picture left out."""

    project_id: str | None
    code: str
    message: str


@dataclass(frozen=True)
class LabelPlan:
    """Where each piece of a project's label goes. `cost_inline`: cost on the title's line."""

    box: BoxLayout
    title: Fitted
    description: tuple[str, ...]
    cost: str
    cost_inline: bool
    picture: Rect | None
    number_w: float
    number_size: float = NUMBER_SIZE
    cost_size: float = COST_SIZE


WIDE_LABEL = 110.0  # mm: wide enough to put the cost on the title's line


def plan_label(
    project: Project, box: BoxLayout, has_picture: bool
) -> tuple[LabelPlan, list[RenderWarning]]:
    """Fit number, title, cost, description and picture inside the label rectangle."""
    warnings: list[RenderWarning] = []
    label = box.label
    picture = None
    if has_picture and label.h_mm >= MIN_PICTURE_LABEL_H:
        side = min(label.h_mm, 22.0)
        picture = Rect(label.right - side, label.y_mm, side, side)
    elif has_picture:
        warnings.append(
            _warn(
                project,
                "picture_omitted",
                _("Projet n° {number} : pas assez de place pour l'image."),
            )
        )
    capacity = max(1, int((label.h_mm - 0.5) // line_height_mm(BODY_SIZE)))
    dense = capacity == 1  # one line per project: smaller number and cost leave room to titles
    number_size, cost_size = (13.0, BODY_SIZE) if dense else (NUMBER_SIZE, COST_SIZE)
    number_w = text_width_mm(str(box.number), FONT_BOLD, number_size) + (1.8 if dense else 2.5)
    cost = money(box.cost_cents)
    cost_w = text_width_mm(cost, FONT_BOLD, cost_size) + (2 if dense else 3)
    right = picture.x_mm - 3 if picture else label.right
    width = right - (label.x_mm + number_w)
    inline = capacity == 1 or width >= WIDE_LABEL
    title_lines = 1 if capacity <= 2 else 2
    title = fit(
        project.title,
        FONT_BOLD,
        width - (cost_w if inline else 0),
        title_lines,
        TITLE_SIZE,
        TITLE_MIN,
    )
    if title.truncated:
        warnings.append(
            _warn(
                project,
                "title_cut",
                _("Projet n° {number} : titre trop long, coupé sur le bulletin."),
            )
        )
    elif title.shrunk:
        warnings.append(
            _warn(
                project, "title_shrunk", _("Projet n° {number} : titre long, imprimé plus petit.")
            )
        )
    used = len(title.lines) * line_height_mm(title.size) + (
        0 if inline else line_height_mm(COST_SIZE)
    )
    room = int((label.h_mm - 1.0 - used) // line_height_mm(BODY_SIZE))
    description: tuple[str, ...] = ()
    if project.description.strip():
        body = fit(project.description, FONT, width, max(room, 1), BODY_SIZE, BODY_SIZE)
        description = body.lines if room > 0 else ()
        if room <= 0 or body.truncated:
            warnings.append(
                _warn(
                    project,
                    "description_cut",
                    _("Projet n° {number} : description trop longue pour le bulletin, abrégée."),
                )
            )
    plan = LabelPlan(
        box, title, description, cost, inline, picture, number_w, number_size, cost_size
    )
    return plan, warnings


def _warn(project: Project, code: str, template: str) -> RenderWarning:
    return RenderWarning(project.project_id, code, template.format(number=project.number))


def draw_static(
    pen: Pen,
    spec: BallotSpec,
    layout: BallotLayout,
    plans: tuple[LabelPlan, ...],
    pictures: dict[str, ImageReader],
    test: bool,
) -> None:
    """Everything printed identically on every ballot of a batch."""
    if test:
        _watermark(pen, layout)
    _markers(pen, layout)
    _header(pen, spec, layout, test)
    _instructions(pen, spec)
    for plan in plans:
        _box(pen, plan, pictures.get(plan.box.project_id))
    _footer(pen, test)


def _markers(pen: Pen, layout: BallotLayout) -> None:
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    pen.c.setFillColor(INK)
    for marker in layout.markers:
        bits = cv2.aruco.generateImageMarker(dictionary, marker.id, 6)
        cell = marker.rect.w_mm / 6
        for r in range(6):
            for col in range(6):
                if bits[r, col] == 0:
                    x = marker.rect.x_mm + col * cell
                    y = marker.rect.y_mm + (r + 1) * cell
                    pen.c.rect(
                        x * MM, pen.y(y), cell * MM + 0.05, cell * MM + 0.05, stroke=0, fill=1
                    )


def _header(pen: Pen, spec: BallotSpec, layout: BallotLayout, test: bool) -> None:
    left, width = 26.0, 124.0
    name = fit(spec.campaign.name, FONT_BOLD, width, 1, 18, 13)
    pen.text(left, 16.0, name.lines[0], name.size, bold=True)
    residence = fit(spec.residence.name, FONT_BOLD, width, 1, 14, 12)
    pen.text(left, 23.5, residence.lines[0], residence.size, bold=True, color=ACCENT)
    dates = _dates_line(spec)
    if dates:
        pen.text(left, 30.0, fit(dates, FONT, width, 1, 12, 12).lines[0], 12, color=MUTED)
    qr = layout.qr
    centre = qr.x_mm + qr.w_mm / 2
    code = fit(spec.campaign.short_code, FONT_BOLD, 40, 1, 12, 9)
    pen.text(centre, qr.bottom + 5.0, code.lines[0], code.size, bold=True, align="center")
    style = fit(spec.style.name, FONT, 44, 1, 12, 9)
    pen.text(centre, qr.bottom + 10.0, style.lines[0], style.size, color=MUTED, align="center")


def _dates_line(spec: BallotSpec) -> str:
    start, end = spec.vote_start, spec.vote_end
    if start and end and start != end:
        return _("Vote du {start} au {end}").format(start=long_date(start), end=long_date(end))
    if start or end:
        return _("Vote le {day}").format(day=long_date(start or end))  # type: ignore[arg-type]
    return ""


def _instructions(pen: Pen, spec: BallotSpec) -> None:
    top, left, right = 42.0, 14.0, PAGE_W - 14.0
    pen.rect(left, top, right - left, 28.0, fill=ACCENT_TINT, radius=2.0)
    pen.rect(left, top, 1.6, 28.0, fill=ACCENT)
    headline = fit(spec.rule.headline(), FONT_BOLD, right - left - 10, 1, 15, 12)
    pen.text(left + 5, top + 7.0, headline.lines[0], headline.size, bold=True)
    detail = fit(spec.rule.detail(), FONT, right - left - 10, 1, 12, 12)
    pen.text(left + 5, top + 13.0, detail.lines[0], 12, color=MUTED)
    _examples(pen, left + 5, top + 17.0)


def _examples(pen: Pen, x: float, y: float) -> None:
    """A good mark (three ways) and marks that do not count, drawn on real-looking boxes."""
    pen.text(x, y + 5.0, _("Compte :"), 12, bold=True)
    x += text_width_mm(_("Compte :"), FONT_BOLD, 12) + 3
    for kind in (MarkKind.FILL, MarkKind.CROSS, MarkKind.TICK):
        _example_box(pen, x, y, kind)
        x += 13
    x += 8
    label = _("Ne compte pas :")
    pen.text(x, y + 5.0, label, 12, bold=True)
    x += text_width_mm(label, FONT_BOLD, 12) + 3
    _example_box(pen, x, y, MarkKind.DOT)
    x += 13
    _example_box(pen, x, y, MarkKind.BESIDE)


def _example_box(pen: Pen, x: float, y: float, kind: MarkKind) -> None:
    rect = Rect(x, y, 8.0, 6.0)
    pen.rect(rect.x_mm, rect.y_mm, rect.w_mm, rect.h_mm, fill=WHITE, stroke=INK, width_mm=0.35)
    draw_mark(pen, rect, kind)


def _box(pen: Pen, plan: LabelPlan, picture: ImageReader | None) -> None:
    box, label = plan.box.rect, plan.box.label
    pen.rect(box.x_mm, box.y_mm, box.w_mm, box.h_mm, fill=WHITE, stroke=INK, width_mm=BOX_LINE)
    centre = box.y_mm + box.h_mm / 2
    first = centre + plan.title.size * 0.36 * 25.4 / 72
    pen.text(label.x_mm, first, str(plan.box.number), plan.number_size, bold=True, color=ACCENT)
    text_x = label.x_mm + plan.number_w
    after = pen.lines(text_x, first, plan.title.lines, plan.title.size, bold=True)
    base = after - line_height_mm(plan.title.size) + line_height_mm(BODY_SIZE) + 0.3
    if plan.cost_inline:
        right = plan.picture.x_mm - 3 if plan.picture else label.right
        pen.text(right, first, plan.cost, plan.cost_size, bold=True, color=ACCENT, align="right")
    else:
        pen.text(text_x, base, plan.cost, plan.cost_size, bold=True, color=ACCENT)
        base += line_height_mm(plan.cost_size)
    pen.lines(text_x, base, plan.description, BODY_SIZE, color=MUTED)
    if plan.picture and picture is not None:
        p = plan.picture
        pen.c.drawImage(
            picture,
            p.x_mm * MM,
            pen.y(p.bottom),
            p.w_mm * MM,
            p.h_mm * MM,
            preserveAspectRatio=True,
            anchor="c",
        )


def _footer(pen: Pen, test: bool) -> None:
    text = _("Pliez le bulletin et glissez-le dans l'urne. N'écrivez pas votre nom.")
    pen.text(PAGE_W / 2, 272.0, text, 12, color=MUTED, align="center")
    if test:
        pen.text(
            PAGE_W / 2,
            266.5,
            _("BULLETIN D'ESSAI : IL NE COMPTE PAS DANS LE VOTE"),
            12,
            bold=True,
            align="center",
        )


def _watermark(pen: Pen, layout: BallotLayout) -> None:
    """A large diagonal ESSAI, then the rings around the boxes cleared back to white paper."""
    c = pen.c
    c.saveState()
    c.setFillColor(WATERMARK)
    c.setFont(FONT_BOLD, 150)
    c.translate(105 * MM, pen.y(165))
    c.rotate(55)
    c.drawCentredString(0, -50, _("ESSAI"))
    c.restoreState()
    for box in layout.boxes:
        ring = box.rect.inflate(BOX_RING)
        pen.rect(ring.x_mm, ring.y_mm, ring.w_mm, ring.h_mm, fill=WHITE)


def short_date_range(spec: BallotSpec) -> str:
    """'3 mars 2026' or '3 mars 2026 – 7 mars 2026', for the other materials."""
    if spec.vote_start and spec.vote_end and spec.vote_start != spec.vote_end:
        return f"{short_date(spec.vote_start)} – {short_date(spec.vote_end)}"
    day = spec.vote_start or spec.vote_end
    return short_date(day) if day else ""
