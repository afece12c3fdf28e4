"""Text read back from PDFs with its position (pdfium), to prove nothing overlaps or is cut."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pypdfium2 as pdfium

PT = 25.4 / 72


@dataclass(frozen=True)
class TextBox:
    """A run of text on one line and its tight glyph box, in mm from the page's top-left."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: TextBox) -> float:
        """Area shared with another box (mm²)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(w, 0.0) * max(h, 0.0)


def text_boxes(pdf: Path, index: int = 0) -> list[TextBox]:
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        height = page.get_height()
        textpage = page.get_textpage()
        boxes = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            boxes.append(
                TextBox(text, left * PT, (height - top) * PT, right * PT, (height - bottom) * PT)
            )
        return boxes
    finally:
        doc.close()


def page_text(pdf: Path, index: int = 0) -> str:
    """The page's text with white space (line breaks, no-break spaces) made single spaces."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return " ".join(doc[index].get_textpage().get_text_range().split())
    finally:
        doc.close()


def overlapping(boxes: list[TextBox], tolerance: float = 0.05) -> list[tuple[str, str]]:
    """Pairs of text runs whose glyph boxes overlap by more than `tolerance` mm²."""
    return [(a.text, b.text) for a, b in combinations(boxes, 2) if a.overlap(b) > tolerance]
