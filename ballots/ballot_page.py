"""The static part of a ballot (everything but the QR): drawn once per batch as a PDF form.

Labels are fitted here: titles wrap, then shrink to 12.5 pt, then are cut with a warning; the
description takes the lines left. Nothing is drawn inside the 3 mm ring around a box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import cv2
from reportlab.lib.units import mm as MM
from reportlab.lib.utils import ImageReader

from ballots.fmt import NBSP, long_date, short_date
from ballots.geometry import BOX_RING, PAGE_W
from ballots.i18n import _
from ballots.labels import LabelPlan
from ballots.layout import BallotLayout, Rect
from ballots.marks import MarkKind, draw_mark
from ballots.model import BallotSpec
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    BAND_GREY,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    WATERMARK,
    WHITE,
    Pen,
    fit,
    text_width_mm,
    wrap,
    wrap_balanced,
)

BOX_LINE = 0.45  # mm, dark so that it survives 1-bit scans
HEADER_LEFT = 26.0  # right of the top-left marker
DATES_WIDTH = 120.0  # up to x = 146 mm: clear of the campaign code and style printed under the QR


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
    draw_markers(pen, layout)
    _header(pen, spec, layout, test)
    _instructions(pen, spec)
    for plan in plans:
        _box(pen, plan, pictures.get(plan.box.project_id))
    _footer(pen, test)


def draw_markers(pen: Pen, layout: BallotLayout) -> None:
    """The four ArUco corner markers of the layout (ballots and survey forms alike)."""
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
    left, width = HEADER_LEFT, 124.0
    name = fit(spec.campaign.name, FONT_BOLD, width, 1, 18, 13)
    pen.text(left, 16.0, name.lines[0], name.size, bold=True)
    residence = fit(spec.residence.name, FONT_BOLD, width, 1, 14, 12)
    pen.text(left, 23.5, residence.lines[0], residence.size, bold=True, color=ACCENT)
    lines, size = dates_lines(spec, DATES_WIDTH)
    pen.lines(left, 30.0, lines, size, color=MUTED)
    qr = layout.qr
    centre = qr.x_mm + qr.w_mm / 2
    code = fit(spec.campaign.short_code, FONT_BOLD, 40, 1, 12, 9)
    pen.text(centre, qr.bottom + 5.0, code.lines[0], code.size, bold=True, align="center")
    style = fit(spec.style.name, FONT, 44, 1, 12, 9)
    pen.text(centre, qr.bottom + 10.0, style.lines[0], style.size, color=MUTED, align="center")


def dates_lines(spec: BallotSpec, width: float) -> tuple[tuple[str, ...], float]:
    """The vote period in one or two lines, and its size: shrunk a little if need be, never cut.

    Each date is kept whole (no-break spaces), so two lines break between the dates. Long
    dates at 12 pt first, then down to 10.5 pt, then short dates (no weekday), then smaller.
    """
    for fmt, sizes in ((long_date, (12.0, 11.0, 10.5)), (short_date, (12.0, 10.5, 9.0, 8.0))):
        text = _dates_text(spec, fmt)
        for size in sizes:
            lines = wrap_balanced(text, FONT, size, width)
            if lines is not None:
                return tuple(lines), size
    return tuple(wrap(text, FONT, 8.0, width)), 8.0  # a translation far too long: wrap anyway


def _dates_text(spec: BallotSpec, fmt: Callable[[dt.date], str]) -> str:
    start, end = spec.vote_start, spec.vote_end
    if start and end and start != end:
        return _("Vote du {start} au {end}").format(start=_whole(fmt(start)), end=_whole(fmt(end)))
    day = start or end
    return _("Vote le {day}").format(day=_whole(fmt(day))) if day else ""


def _whole(text: str) -> str:
    return text.replace(" ", NBSP)


def _instructions(pen: Pen, spec: BallotSpec) -> None:
    top, left, right = 42.0, 14.0, PAGE_W - 14.0
    pen.rect(left, top, right - left, 28.0, fill=ACCENT_TINT, radius=2.0)
    pen.rect(left, top, 1.6, 28.0, fill=ACCENT)
    headline = fit(spec.rule.headline(), FONT_BOLD, right - left - 10, 1, 15, 12)
    pen.text(left + 5, top + 7.0, headline.lines[0], headline.size, bold=True)
    detail = fit(spec.rule.detail(), FONT, right - left - 10, 1, 12, 12)
    pen.text(left + 5, top + 13.0, detail.lines[0], 12, color=MUTED)
    draw_examples(pen, left + 5, top + 17.0)


def draw_examples(pen: Pen, x: float, y: float) -> None:
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
    first = plan.title_baseline
    number_x = label.x_mm + plan.number_right
    pen.text(
        number_x,
        first,
        str(plan.box.number),
        plan.number_size,
        bold=True,
        color=ACCENT,
        align="right",
    )
    text_x = label.x_mm + plan.number_w
    pen.lines(text_x, first, plan.title.lines, plan.title.size, bold=True, step=plan.title_step)
    if plan.cost_inline:
        right = plan.picture.x_mm - 3 if plan.picture else label.right
        pen.text(right, first, plan.cost, plan.cost_size, bold=True, color=ACCENT, align="right")
    else:
        pen.text(text_x, plan.cost_baseline, plan.cost, plan.cost_size, bold=True, color=ACCENT)
    pen.lines(text_x, plan.description_baseline, plan.description, plan.body_size, color=MUTED)
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
    if test:  # below the usual footer, between the bottom markers: clear of the last row
        warning = fit(
            _("BULLETIN D'ESSAI : IL NE COMPTE PAS DANS LE VOTE"), FONT_BOLD, 150, 1, 12, 9
        )
        pen.text(PAGE_W / 2, 281.0, warning.lines[0], warning.size, bold=True, align="center")


def _watermark(pen: Pen, layout: BallotLayout) -> None:
    """A diagonal "ESSAI — SANS VALEUR" band in pale grey across the middle of the page, then
    the rings around the boxes cleared back to white paper.

    Pale enough for the reader (far lighter than any mark), short enough to stay clear of the
    corner markers and the QR code; the footer says it again in words.
    """
    c = pen.c
    c.saveState()
    c.translate(105 * MM, pen.y(165))
    c.rotate(55)
    c.setFillColor(BAND_GREY)
    c.rect(-105 * MM, -15 * MM, 210 * MM, 30 * MM, stroke=0, fill=1)
    label = _("ESSAI — SANS VALEUR")
    size = fit(label, FONT_BOLD, 196, 1, 50, 24).size
    c.setFillColor(WATERMARK)
    c.setFont(FONT_BOLD, size)
    c.drawCentredString(0, -size * 0.35, label)
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
