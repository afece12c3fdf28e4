"""The visual identity shared by every printed document: fonts, colours, text fitting.

One accent colour, dark ink, generous white space. Coordinates given to `Pen` are millimetres
from the top-left corner (as in the layout file); it converts to reportlab's bottom-left points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm as MM
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "BPSans"
FONT_BOLD = "BPSans-Bold"
ACCENT = HexColor("#1B5E8C")
ACCENT_TINT = HexColor("#EAF2F8")
INK = HexColor("#1A1A1A")
MUTED = HexColor("#4D4D4D")
RULE_GREY = HexColor("#B8B8B8")
WATERMARK = HexColor("#D9D9D9")  # the text of a test ballot's band: far lighter than a mark
BAND_GREY = HexColor("#F1F1F1")  # the band itself
TEST_RED = HexColor("#C62828")  # the "ESSAI — SANS VALEUR" band of test documents
WHITE = HexColor("#FFFFFF")
LINE_SPACING = 1.22
PT_TO_MM = 25.4 / 72
# Lines break at ordinary spaces only: a no-break space (1 500 €, 14 h 30, a date kept whole)
# stays inside its line. `str.split()` would also break at U+00A0 and U+202F.
_BREAKS = re.compile(r"[ \t\r\n]+")


def fonts_dir() -> Path:
    return Path(str(resources.files("resources") / "fonts"))


@cache
def register_fonts() -> None:
    """Embed DejaVu Sans (full French coverage, free licence) under our own names."""
    pdfmetrics.registerFont(TTFont(FONT, str(fonts_dir() / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts_dir() / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def text_width_mm(text: str, font: str, size: float) -> float:
    register_fonts()
    return float(pdfmetrics.stringWidth(text, font, size)) * PT_TO_MM


def line_height_mm(size: float) -> float:
    return size * LINE_SPACING * PT_TO_MM


def wrap(text: str, font: str, size: float, width_mm: float) -> list[str]:
    """Greedy word wrap; a word longer than the width is cut at character level."""
    lines: list[str] = []
    current = ""
    for word in words(text):
        candidate = f"{current} {word}" if current else word
        if text_width_mm(candidate, font, size) <= width_mm:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width_mm(current, font, size) > width_mm and len(current) > 1:
            cut = _longest_prefix(current, font, size, width_mm)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def words(text: str) -> list[str]:
    """The words of `text`, split at ordinary white space (never at a no-break space)."""
    return [w for w in _BREAKS.split(text) if w]


def wrap_balanced(text: str, font: str, size: float, width_mm: float) -> list[str] | None:
    """Two lines of similar length (a header line, a date range), or None if two do not fit.

    Greedy wrapping would leave one word alone on the second line ("... au dimanche 10 /
    janvier 2027"); choosing the break that makes the longer line shortest reads better.
    """
    parts = words(text)
    if text_width_mm(" ".join(parts), font, size) <= width_mm:
        return [" ".join(parts)]
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(parts)):
        pair = [" ".join(parts[:cut]), " ".join(parts[cut:])]
        widest = max(text_width_mm(line, font, size) for line in pair)
        if widest <= width_mm and (best is None or widest < best[0]):
            best = (widest, pair)
    return best[1] if best else None


def _longest_prefix(word: str, font: str, size: float, width_mm: float) -> int:
    cut = len(word) - 1
    while cut > 1 and text_width_mm(word[:cut], font, size) > width_mm:
        cut -= 1
    return cut


@dataclass(frozen=True)
class Fitted:
    """Text fitted into a width and a number of lines."""

    size: float
    lines: tuple[str, ...]
    shrunk: bool
    truncated: bool


def fit(
    text: str, font: str, width_mm: float, max_lines: int, size: float, min_size: float
) -> Fitted:
    """Shrink from `size` down to `min_size` until the text fits; else cut it with an ellipsis."""
    current = size
    while True:
        lines = wrap(text, font, current, width_mm)
        if len(lines) <= max_lines:
            return Fitted(current, tuple(lines), current < size, False)
        if current - 0.5 < min_size:
            break
        current -= 0.5
    kept = lines[:max_lines]
    last = " ".join(lines[max_lines - 1 :]) if kept else ""  # fill the last line, then cut
    while last and text_width_mm(last + "…", font, current) > width_mm:
        last = last[:-1]
    kept[-1:] = [last.rstrip() + "…"]
    return Fitted(current, tuple(kept), current < size, True)


class Pen:
    """Draws on a reportlab canvas with top-left millimetre coordinates."""

    def __init__(self, canvas: Canvas, page_h_mm: float = 297.0) -> None:
        register_fonts()
        self.c = canvas
        self.page_h = page_h_mm

    def y(self, y_mm: float) -> float:
        return float((self.page_h - y_mm) * MM)

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: Color = INK,
        align: str = "left",
    ) -> None:
        self.c.setFillColor(color)
        self.c.setFont(FONT_BOLD if bold else FONT, size)
        if align == "right":
            self.c.drawRightString(x * MM, self.y(baseline), text)
        elif align == "center":
            self.c.drawCentredString(x * MM, self.y(baseline), text)
        else:
            self.c.drawString(x * MM, self.y(baseline), text)

    def lines(
        self,
        x: float,
        baseline: float,
        lines: tuple[str, ...] | list[str],
        size: float,
        *,
        step: float | None = None,
        **kwargs: object,
    ) -> float:
        """Draw lines downwards, `step` mm apart (normal spacing by default); return the
        baseline after the last one."""
        for line in lines:
            self.text(x, baseline, line, size, **kwargs)  # type: ignore[arg-type]
            baseline += line_height_mm(size) if step is None else step
        return baseline

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: Color | None = None,
        stroke: Color | None = None,
        width_mm: float = 0.3,
        radius: float = 0.0,
    ) -> None:
        """A rectangle whose outer edge is (x, y, w, h): the stroke is drawn inside it."""
        inset = width_mm / 2 if stroke is not None else 0.0
        self.c.setLineWidth(width_mm * MM)
        if fill is not None:
            self.c.setFillColor(fill)
        if stroke is not None:
            self.c.setStrokeColor(stroke)
        args = ((x + inset) * MM, self.y(y + h - inset), (w - 2 * inset) * MM, (h - 2 * inset) * MM)
        if radius:
            self.c.roundRect(
                *args, radius * MM, stroke=int(stroke is not None), fill=int(fill is not None)
            )
        else:
            self.c.rect(*args, stroke=int(stroke is not None), fill=int(fill is not None))

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        color: Color = INK,
        width_mm: float = 0.3,
    ) -> None:
        self.c.setStrokeColor(color)
        self.c.setLineWidth(width_mm * MM)
        self.c.line(x1 * MM, self.y(y1), x2 * MM, self.y(y2))
