"""The paging base of the documents that flow section after section down A4 pages (the
procès-verbal `ballots.report`, the slips `ballots.slip`): header, footer "page n / N", a new
page when the next block does not fit, section headings, QR codes, and the diagonal "ESSAI —
SANS VALEUR" band on every page of a test document.

A document subclasses `PagedLayout` (its title, subtitle, footer and sections) and is written
with `render_paged`, which counts the pages in a first pass on a scratch canvas so that every
footer can say "n / N".
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    draw_test_band,
    footer,
    header,
    write_document,
)
from ballots.qr import dark_runs
from ballots.style import ACCENT, INK, RULE_GREY, WHITE, Pen

BODY_GAP = 10.0  # mm from the subtitle's baseline to the first section heading's baseline
MIN_TOP = 56.0  # the body never starts higher, so that short titles keep the usual rhythm


class PagedLayout:
    """Flows a document's sections down the pages, starting a new page when one is full."""

    def __init__(self, pen: Pen, pages: int) -> None:
        self.pen, self.pages = pen, pages
        self.page = 0
        self.y = 0.0
        self.top = MIN_TOP

    # --- what a document says about itself -------------------------------------------------

    def campaign(self) -> str:
        raise NotImplementedError

    def titles(self) -> tuple[str, str]:
        """(title, subtitle) printed at the top of every page."""
        raise NotImplementedError

    def footer_text(self) -> str:
        raise NotImplementedError

    def sections(self) -> Sequence[Callable[[], None]]:
        raise NotImplementedError

    def is_test(self) -> bool:
        """True for a test count: every page carries the "ESSAI — SANS VALEUR" band."""
        return False

    # --- pages -------------------------------------------------------------------------------

    def run(self) -> int:
        """Draw every section; returns the number of pages."""
        self.new_page()
        for section in self.sections():
            section()
        self.end_page()
        return self.page

    def new_page(self) -> None:
        if self.page:
            self.end_page()
        self.page += 1
        title, subtitle = self.titles()
        bottom = header(self.pen, self.campaign(), title, subtitle)
        self.top = max(MIN_TOP, bottom + BODY_GAP)
        self.y = self.top

    def end_page(self) -> None:
        footer(self.pen, self.footer_text(), self.page, self.pages or self.page)
        if self.is_test():
            draw_test_band(self.pen)
        self.pen.c.showPage()

    def room(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.y + height > BODY_BOTTOM:
            self.new_page()

    def heading(self, text: str, keep: float = 20, gap: float = 4) -> None:
        """A section heading, kept with at least `keep` mm of what follows."""
        self.room(14 + keep)
        self.y += gap if self.y > self.top else 0
        self.pen.text(LEFT, self.y, text, 13, bold=True, color=ACCENT)
        self.pen.line(LEFT, self.y + 2, RIGHT, self.y + 2, color=RULE_GREY, width_mm=0.3)
        self.y += 8


def render_paged(title: str, layout: Callable[[Pen, int], PagedLayout], out: Path) -> None:
    """Write the document atomically; its pages are counted first for "page n / N"."""
    pages = layout(Pen(Canvas(io.BytesIO(), pagesize=A4)), 0).run()

    def draw(pen: Pen) -> None:
        layout(pen, pages).run()

    write_document(out, title, draw)


def draw_qr(
    pen: Pen, text: str, x: float, y: float, size: float, *, alphanumeric: bool = False
) -> None:
    """A QR code of `text` (error correction M) filling a `size` mm square, quiet zone included.

    `alphanumeric` encodes a slip code (upper-case letters, digits, `:`) in the denser mode.
    """
    mode = "alphanumeric" if alphanumeric else None
    code = segno.make_qr(text, error="m", mode=mode, boost_error=False)
    matrix = [[bool(v) for v in row] for row in code.matrix]
    module = size / (len(matrix) + 8)
    pen.rect(x, y, size, size, fill=WHITE)
    for row, col, length in dark_runs(matrix):
        pen.rect(x + (col + 4) * module, y + (row + 4) * module, length * module, module, fill=INK)
