"""Page furniture shared by every document other than the ballot: header band, footer, tables.

The procès-verbal and the slips reuse these functions (through `ballots.paged`) to keep the same
visual identity; `test_band` marks every page of a test document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as MM
from reportlab.pdfgen.canvas import Canvas

from ballots.atomic import write_with
from ballots.i18n import _
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE_GREY,
    TEST_RED,
    WHITE,
    Fitted,
    Pen,
    fit,
    line_height_mm,
    wrap,
)

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT = 18.0, 192.0
BODY_TOP = 52.0
BODY_BOTTOM = 272.0


def write_document(out: Path, title: str, draw: Callable[[Pen], None]) -> None:
    """Create a PDF atomically; `draw` fills the pages (and calls showPage between them)."""

    def writer(tmp: Path) -> None:
        canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1, invariant=1)
        canvas.setTitle(title)
        canvas.setAuthor("BP Terrain")
        draw(Pen(canvas))
        canvas.save()

    write_with(out, writer)


def header_band(pen: Pen, campaign: str) -> None:
    """The accent band across the top of the page, with the campaign's name."""
    pen.rect(0, 0, PAGE_W, 14, fill=ACCENT)
    band = fit(campaign, FONT_BOLD, RIGHT - LEFT, 1, 12, 9)
    pen.text(LEFT, 9.3, band.lines[0], band.size, bold=True, color=WHITE)


def header(pen: Pen, campaign: str, title: str, subtitle: str = "") -> float:
    """An accent band with the campaign name, then the document title in large type (one line
    down to 20 pt, else two lines) and the subtitle under it; returns the baseline of its last
    line, so that the body starts below a title that took two lines."""
    header_band(pen, campaign)
    big = _title(title)
    pen.lines(LEFT, 30, big.lines, big.size, bold=True)
    last = 30 + (len(big.lines) - 1) * line_height_mm(big.size)
    if not subtitle:
        return last
    sub = fit(subtitle, FONT_BOLD, RIGHT - LEFT, 1, 14, 11)
    baseline = last + line_height_mm(sub.size) + 2.5
    pen.text(LEFT, baseline, sub.lines[0], sub.size, color=ACCENT, bold=True)
    return baseline


def header_bottom(title: str, subtitle: str = "") -> float:
    """Where `header` ends (the baseline it returns), measured without drawing."""
    last = 30 + (len(_title(title).lines) - 1) * line_height_mm(_title(title).size)
    if not subtitle:
        return last
    return last + line_height_mm(fit(subtitle, FONT_BOLD, RIGHT - LEFT, 1, 14, 11).size) + 2.5


def _title(title: str) -> Fitted:
    big = fit(title, FONT_BOLD, RIGHT - LEFT, 1, 24, 20)  # one line if it holds at 20 pt
    return fit(title, FONT_BOLD, RIGHT - LEFT, 2, 24, 16) if big.truncated else big


def draw_test_band(pen: Pen, text: str | None = None) -> None:
    """A diagonal red band across the page, "ESSAI — SANS VALEUR": a test document (test
    count, test deck) can never be taken for a real one, whatever page is looked at. Drawn last,
    translucent, so that what lies under it stays readable."""
    label = text or _("ESSAI — SANS VALEUR")
    c = pen.c
    c.saveState()
    c.translate(PAGE_W / 2 * MM, pen.y(PAGE_H / 2))
    c.rotate(54.7)  # the page's diagonal
    c.setFillColor(TEST_RED)
    c.setFillAlpha(0.10)
    c.rect(-150 * MM, -14 * MM, 300 * MM, 28 * MM, stroke=0, fill=1)
    c.setFillAlpha(0.45)
    size = fit(label, FONT_BOLD, 250, 1, 46, 24).size
    c.setFont(FONT_BOLD, size)
    c.drawCentredString(0, -size * 0.35, label)
    c.restoreState()


def footer(pen: Pen, left_text: str, page: int, pages: int) -> None:
    pen.line(LEFT, 279, RIGHT, 279, color=RULE_GREY, width_mm=0.3)
    pen.text(LEFT, 285, fit(left_text, FONT, 140, 1, 10, 8).lines[0], 10, color=MUTED)
    pen.text(RIGHT, 285, f"{page} / {pages}", 10, color=MUTED, align="right")


def paragraph(
    pen: Pen,
    x: float,
    y: float,
    width: float,
    text: str,
    size: float = 12,
    bold: bool = False,
    color: object = INK,
) -> float:
    """Wrapped text; returns the next baseline."""
    lines = wrap(text, FONT_BOLD if bold else FONT, size, width)
    return pen.lines(x, y, lines, size, bold=bold, color=color)


def table_row(
    pen: Pen,
    y: float,
    cells: Sequence[tuple[float, float, str]],
    height: float,
    *,
    head: bool = False,
    size: float = 11,
) -> None:
    """One row of a ruled table: cells are (x, width, text); header rows are tinted and bold."""
    if head:
        pen.rect(LEFT, y, RIGHT - LEFT, height, fill=ACCENT_TINT)
    pen.line(LEFT, y + height, RIGHT, y + height, color=RULE_GREY, width_mm=0.25)
    for x, width, text in cells:
        lines = fit(
            text, FONT_BOLD if head else FONT, width - 2, max(1, int(height // 5)), size, size - 2
        ).lines
        top = y + line_height_mm(size) * 0.9 + 0.8
        pen.lines(x + 1, top, lines, size, bold=head, color=INK)
