"""Measured pagination for flowing documents (the commission minutes).

A document is a sequence of blocks; a block is a sequence of pieces whose heights are measured
with the same font metrics that draw them (reportlab's string widths, through `style.wrap`),
so a page break is decided on what will really be printed, never on an estimate. Text is cut
into one piece per line, so a long paragraph can go on over the page; pieces marked
`keep_with_next` stay on the page of the piece after them (a heading never ends a page), and a
block that continues over a page can repeat a short heading first ("… (suite)").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ballots.style import Pen

Draw = Callable[[Pen, float], None]


@dataclass(frozen=True)
class Piece:
    """Something `height` mm tall drawn by `draw(pen, top)`; a `draw` of None is white space,
    dropped at the top of a page."""

    height: float
    draw: Draw | None = None
    keep_with_next: bool = False


@dataclass(frozen=True)
class Block:
    """Pieces kept on one page when they fit; else `continued` heads the rest on the next."""

    pieces: tuple[Piece, ...]
    continued: Piece | None = None


Page = list[tuple[float, Piece]]


def paginate(
    blocks: Sequence[Block], top: float, bottom: float, keep_whole: float = 80.0
) -> list[Page]:
    """Place every piece: (top, piece) per page; no piece reaches below `bottom` (unless one
    chain of kept pieces is taller than a page). A block up to `keep_whole` mm tall moves whole
    to the next page rather than split; a taller one starts where it is and goes on over."""
    pages: list[Page] = [[]]
    y = top

    def new_page() -> None:
        nonlocal y
        pages.append([])
        y = top

    for block in blocks:
        total = sum(p.height for p in block.pieces)
        if pages[-1] and y + total > bottom and total <= min(keep_whole, bottom - top):
            new_page()  # a short block is not split
        for index, piece in enumerate(block.pieces):
            if piece.draw is None and not pages[-1]:
                continue
            if pages[-1] and y + _run(block.pieces, index) > bottom:
                new_page()
                if piece.draw is None:
                    continue
                if block.continued is not None and index > 0:
                    pages[-1].append((y, block.continued))
                    y += block.continued.height
            pages[-1].append((y, piece))
            y += piece.height
    return [page for page in pages if page] or [[]]


def _run(pieces: Sequence[Piece], index: int) -> float:
    """Height of a piece with the pieces it must stay with (a chain of `keep_with_next`)."""
    height = pieces[index].height
    while pieces[index].keep_with_next and index + 1 < len(pieces):
        index += 1
        height += pieces[index].height
    return height


def draw_page(pen: Pen, page: Page) -> None:
    for top, piece in page:
        if piece.draw is not None:
            piece.draw(pen, top)
