"""How far the printed ink of a line of text reaches above and below its baseline.

The layout file promises that a project's label rectangle holds everything printed for it, so
the label planner needs the real extent of the glyphs it draws: an accented capital (É, À, Ô)
rises about a quarter of an em above the cap height, a bold 16 pt number above a 14 pt title.
The extents come from the embedded font's own glyph boxes (TrueType `glyf` headers), so they
match what any PDF renderer draws, whatever the language of the ballot.
"""

from __future__ import annotations

import struct
from functools import cache

from reportlab.pdfbase.ttfonts import TTFontFile

from ballots.style import FONT, FONT_BOLD, PT_TO_MM, fonts_dir

_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}


@cache
def _glyph_boxes(font: str) -> tuple[dict[int, tuple[float, float]], tuple[float, float]]:
    """Per character: (top, bottom) of its glyph box in em (y up); and the font's own box,
    used for a character the font does not have (it prints the font's fallback glyph)."""
    face = TTFontFile(str(fonts_dir() / _FILES[font]))
    data: bytes = face._ttf_data
    glyf = face.table["glyf"]["offset"]
    unit = float(face.unitsPerEm)
    tops: dict[int, tuple[float, float]] = {}
    for char, glyph in face.charToGlyph.items():
        start, end = face.glyphPos[glyph], face.glyphPos[glyph + 1]
        if end <= start:  # an empty glyph: a space
            tops[char] = (0.0, 0.0)
            continue
        _x0, y_min, _x1, y_max = struct.unpack(">hhhh", data[glyf + start + 2 : glyf + start + 10])
        tops[char] = (y_max / unit, y_min / unit)
    y_min, y_max = face.bbox[1], face.bbox[3]  # already in thousandths of an em
    return tops, (y_max / 1000.0, y_min / 1000.0)


def ink_extent_mm(text: str, font: str, size: float) -> tuple[float, float]:
    """(above, below): how far the glyphs of `text` reach above and below the baseline, in mm
    (both >= 0; an empty or blank text has no ink)."""
    boxes, fallback = _glyph_boxes(font)
    top = bottom = 0.0
    for char in text:
        high, low = boxes.get(ord(char), fallback)
        top, bottom = max(top, high), min(bottom, low)
    em = size * PT_TO_MM
    return top * em, -bottom * em
