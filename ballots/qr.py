"""The QR symbol of a ballot, made with segno at a pinned version so its size never changes.

Version 5 at error correction H holds 64 alphanumeric characters: the 61 of a payload with a
serial, or the 48 of one without. Pinning the version keeps the module size (20 mm / 37) the same
on every ballot, which the scanner relies on.
"""

from __future__ import annotations

import segno

QR_VERSION = 5
QR_MODULES = 37  # 17 + 4 * version
QUIET_ZONE = 4  # modules of white around the symbol, required by the standard


def make_qr(text: str) -> segno.QRCode:
    """Alphanumeric, error correction H, version 5 (raises if the text does not fit)."""
    return segno.make_qr(
        text, error="h", mode="alphanumeric", version=QR_VERSION, boost_error=False
    )


def qr_matrix(text: str) -> list[list[bool]]:
    """The symbol's dark modules, quiet zone excluded, row by row from the top."""
    code = make_qr(text)
    return [[bool(v) for v in row] for row in code.matrix]


def dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length): fewer shapes to draw."""
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs
