"""Drawn pen marks: the examples printed on every ballot and the marks of the test deck."""

from __future__ import annotations

from enum import StrEnum

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm as MM

from ballots.layout import Rect
from ballots.style import Pen

PEN_INK = HexColor("#1E2A5C")  # ballpoint blue-black


class MarkKind(StrEnum):
    FILL = "fill"
    CROSS = "cross"
    TICK = "tick"
    DOT = "dot"
    BESIDE = "beside"  # a cross next to the box, not in it: does not count


COUNTING = (MarkKind.FILL, MarkKind.CROSS, MarkKind.TICK)


def draw_mark(pen: Pen, box: Rect, kind: MarkKind) -> None:
    """Draw a hand-like mark of `kind` for the box `box` (millimetres, top-left origin)."""
    c = pen.c
    c.saveState()
    c.setStrokeColor(PEN_INK)
    c.setFillColor(PEN_INK)
    c.setLineCap(1)
    c.setLineJoin(1)
    x, y, w, h = box.x_mm, box.y_mm, box.w_mm, box.h_mm
    if kind is MarkKind.FILL:
        pen.rect(x + 0.9, y + 0.9, w - 1.8, h - 1.8, fill=PEN_INK)
    elif kind is MarkKind.CROSS:
        _strokes(
            pen,
            [
                ((x + 1.5, y + 1.2), (x + w - 1.5, y + h - 1.2)),
                ((x + w - 1.5, y + 1.2), (x + 1.5, y + h - 1.2)),
            ],
            0.7,
        )
    elif kind is MarkKind.TICK:
        _polyline(
            pen,
            [(x + 1.6, y + h * 0.55), (x + w * 0.42, y + h - 1.3), (x + w - 1.2, y + 1.2)],
            0.75,
        )
    elif kind is MarkKind.DOT:
        cx, cy = box.center
        c.circle(cx * MM, pen.y(cy), 0.45 * MM, stroke=0, fill=1)
    elif kind is MarkKind.BESIDE:
        gx = x + w + 3.5
        _strokes(
            pen,
            [((gx, y + 1), (gx + w * 0.6, y + h - 1)), ((gx + w * 0.6, y + 1), (gx, y + h - 1))],
            0.7,
        )
    c.restoreState()


def _strokes(
    pen: Pen, segments: list[tuple[tuple[float, float], tuple[float, float]]], width: float
) -> None:
    pen.c.setLineWidth(width * MM)
    for (x1, y1), (x2, y2) in segments:
        pen.c.line(x1 * MM, pen.y(y1), x2 * MM, pen.y(y2))


def _polyline(pen: Pen, points: list[tuple[float, float]], width: float) -> None:
    pen.c.setLineWidth(width * MM)
    path = pen.c.beginPath()
    path.moveTo(points[0][0] * MM, pen.y(points[0][1]))
    for px, py in points[1:]:
        path.lineTo(px * MM, pen.y(py))
    pen.c.drawPath(path, stroke=1, fill=0)
