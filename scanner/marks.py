"""Measure the ink in and around each box of a registered page, and decide.

Each box is found again locally (the printed outline is matched within a small window), so a
registration error of a millimetre or a slightly stretched print costs nothing. The ink is
measured relative to the paper around the box and to the darkness of the printed outline, which
makes a pencil mark on a grey, low-contrast photo comparable with a felt tip on a clean scan.
The decision uses two measures: how much of the box is inked (`fill`) and how far the largest
stroke reaches (`span`, the diagonal of its bounding box in mm), so a tick or a cross counts while a dot or a speck does not; between
the two thresholds of each measure the box goes to a person.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.reasons import Reason
from scanner.template import Rect
from scanner.thresholds import DEFAULT_THRESHOLDS as DEFAULT_THRESHOLDS
from scanner.thresholds import Thresholds as Thresholds

#: Pixels per millimetre of the upright page the marks are measured on (about 203 dpi).
PX = 8.0
#: Printed outline width searched for, in mm (measured on rendered ballots).
OUTLINE_MM = 0.5
#: How far the outline is searched around its expected place, in mm.
SEARCH_MM = 1.5
#: Interior measured: inside the outline, less this guard, in mm.
GUARD_MM = 0.45
#: The ring around the box: from this far outside the outline to RING_OUT_MM, in mm.
RING_IN_MM = 0.7
RING_OUT_MM = 2.6
#: A pixel is ink when its darkness reaches this fraction of the printed outline's darkness.
INK_LEVEL = 0.30
#: Ink blobs smaller than this are specks (paper grain, noise, dust), in mm².
SPECK_MM2 = 0.15
#: The outline must be at least this dark (relative to paper) to trust the box position.
MIN_OUTLINE = 0.10
#: Angular sectors of the ring; a circle around the box inks most of them.
SECTORS = 16


@dataclass(frozen=True, slots=True)
class BoxMeasure:
    """Everything measured on one box; `span` is the largest stroke's reach in mm."""

    fill: float
    span: float
    intensity: float
    ring: float
    ring_sectors: int
    across: bool
    scatter: float
    blobs: int
    outline: float
    offset_mm: tuple[float, float]
    found: bool


def darkness(patch: NDArray[np.uint8]) -> NDArray[np.float32]:
    """0 for the paper around, 1 for black, from a local paper level (uneven light safe)."""
    f = patch.astype(np.float32)
    paper = max(float(np.percentile(f, 90)), 1.0)
    d = np.clip((paper - f) / paper, 0.0, 1.0)
    return np.asarray(cv2.GaussianBlur(d, (0, 0), 0.7), dtype=np.float32)


def _px(v: float) -> int:
    return int(round(v * PX))


def _frame(w: int, h: int, t: int) -> NDArray[np.float32]:
    f = np.ones((h, w), dtype=np.float32)
    f[t : h - t, t : w - t] = 0.0
    return f


def _search(d: NDArray[np.float32], bw: int, bh: int, s: int) -> tuple[int, int, float]:
    """Offset of the outline in the window (origin = expected place), and its darkness."""
    t = max(2, _px(OUTLINE_MM))
    frame = _frame(bw, bh, t)
    res = cv2.matchTemplate(d, frame, cv2.TM_CCORR) / float(frame.sum())
    yy, xx = np.mgrid[0 : res.shape[0], 0 : res.shape[1]]
    penalty = 0.004 * np.hypot(xx - s, yy - s)
    idx = int(np.argmax(res - penalty))
    oy, ox = divmod(idx, res.shape[1])
    return ox - s, oy - s, float(res[oy, ox])


def _components(mask: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float, int]:
    """Mask without specks, the diagonal (px) of the largest remaining stroke, blob count."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_area = SPECK_MM2 * PX * PX
    keep = np.zeros(n, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= min_area
    clean = keep[labels].astype(np.uint8)
    if not keep.any():
        return clean, 0.0, 0
    k = _px(0.6) | 1
    closed = cv2.morphologyEx(clean, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    n2, _, st2, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    if n2 <= 1:
        return clean, 0.0, 0
    diag = np.hypot(st2[1:, cv2.CC_STAT_WIDTH], st2[1:, cv2.CC_STAT_HEIGHT])
    return clean, float(diag.max()), n2 - 1


@functools.lru_cache(maxsize=2048)
def _ring_geometry(
    h: int, w: int, x0: int, y0: int, bw: int, bh: int
) -> tuple[NDArray[np.bool_], NDArray[np.intp], tuple[NDArray[np.bool_], ...]]:
    """The ring, each pixel's angular sector, and the four outer side bands, for one window.

    Only the window's size and the box's place in it matter; the same few combinations come
    back on every page of a layout, so they are computed once.
    """
    yy, xx = np.mgrid[0:h, 0:w]
    cx, cy = x0 + bw / 2, y0 + bh / 2
    dx = np.maximum(np.maximum(x0 - xx, xx - (x0 + bw - 1)), 0)
    dy = np.maximum(np.maximum(y0 - yy, yy - (y0 + bh - 1)), 0)
    dist = np.maximum(dx, dy)
    ring = (dist >= _px(RING_IN_MM)) & (dist <= _px(RING_OUT_MM))
    ang = np.arctan2((yy - cy) / bh, (xx - cx) / bw)
    sector = ((ang + math.pi) / (2 * math.pi) * SECTORS).astype(np.intp) % SECTORS
    outer = dist >= _px(RING_OUT_MM - 0.8)
    inside_y = (yy >= y0) & (yy < y0 + bh)
    inside_x = (xx >= x0) & (xx < x0 + bw)
    sides = (
        outer & inside_y & (xx < x0),
        outer & inside_y & (xx >= x0 + bw),
        outer & inside_x & (yy < y0),
        outer & inside_x & (yy >= y0 + bh),
    )
    for a in (ring, sector, *sides):
        a.setflags(write=False)
    return ring, sector, sides


def _ring_features(
    ink: NDArray[np.uint8], x0: int, y0: int, bw: int, bh: int
) -> tuple[float, int, bool]:
    """Ink fraction in the ring, inked sectors, and whether a line runs out on opposite sides."""
    h, w = ink.shape
    ring, sector, sides = _ring_geometry(h, w, x0, y0, bw, bh)
    inked_px = ink > 0
    inked = ring & inked_px
    frac = float(inked.sum()) / max(int(ring.sum()), 1)
    counts = np.bincount(sector[inked], minlength=SECTORS)
    sectors = int((counts >= 6).sum())
    left, right, top, bottom = ((side & inked_px).sum() >= 4 for side in sides)
    return frac, sectors, bool((left and right) or (top and bottom))


#: Paper measured around a box: its ring, the outline search and half a millimetre more.
WINDOW_MARGIN_MM = RING_OUT_MM + SEARCH_MM + 0.5


def box_window(box: Rect) -> tuple[int, int, int, int]:
    """The pixels of the upright page `measure_box` reads for `box`: x0, y0, x1, y1."""
    x0, y0 = _px(box.x - WINDOW_MARGIN_MM), _px(box.y - WINDOW_MARGIN_MM)
    return (
        x0,
        y0,
        x0 + _px(box.w) + 2 * _px(WINDOW_MARGIN_MM),
        y0 + _px(box.h) + 2 * _px(WINDOW_MARGIN_MM),
    )


def measure_box(canon: NDArray[np.uint8], box: Rect) -> BoxMeasure:
    """Measure one box on the upright page image (PX pixels per mm)."""
    margin = WINDOW_MARGIN_MM
    x0, y0, x1, y1 = box_window(box)
    bw, bh = _px(box.w), _px(box.h)
    H, W = canon.shape
    if x0 < 0 or y0 < 0 or x1 > W or y1 > H:
        return BoxMeasure(0, 0, 0, 0, 0, False, 0, 0, 0, (0.0, 0.0), False)
    d = darkness(canon[y0:y1, x0:x1])
    s = _px(SEARCH_MM)
    m = _px(margin)
    win = d[m - s : m + bh + s, m - s : m + bw + s]
    ox, oy, outline = _search(win, bw, bh, s)
    bx, by = m + ox, m + oy
    ref = max(outline, 0.2)
    ink = (d >= INK_LEVEL * ref).astype(np.uint8)
    g = _px(OUTLINE_MM + GUARD_MM)
    inner = ink[by + g : by + bh - g, bx + g : bx + bw - g]
    clean, diag, blobs = _components(inner)
    area = max(inner.size, 1)
    fill = float(clean.sum()) / area
    scatter = float(inner.sum()) / area - fill
    span = diag / PX
    vals = d[by + g : by + bh - g, bx + g : bx + bw - g][clean > 0]
    intensity = float(np.median(vals)) / ref if vals.size else 0.0
    ring, sectors, across = _ring_features(ink, bx, by, bw, bh)
    return BoxMeasure(
        fill=fill,
        span=span,
        intensity=min(intensity, 1.5),
        ring=ring,
        ring_sectors=sectors,
        across=across and fill > 0,
        scatter=scatter,
        blobs=blobs,
        outline=outline,
        offset_mm=(ox / PX, oy / PX),
        found=outline >= MIN_OUTLINE,
    )


def decide(m: BoxMeasure, t: Thresholds = DEFAULT_THRESHOLDS) -> tuple[str, tuple[Reason, ...]]:
    """`marked`, `unmarked` or `review`, with the reasons for a review."""
    at_edge = max(abs(m.offset_mm[0]), abs(m.offset_mm[1])) >= SEARCH_MM - 0.15
    if not m.found or at_edge:
        return "review", (Reason.BOX_NOT_FOUND,)
    strong = m.fill >= t.fill_marked or (m.span >= t.span_marked and m.fill >= t.fill_stroke_min)
    empty = (
        m.fill < t.fill_unmarked
        and m.span < t.span_unmarked
        and m.scatter < t.scatter
        and m.blobs < t.scatter_blobs
    )
    reasons: list[Reason] = []
    if m.across:
        reasons.append(Reason.LINE_ACROSS_BOX)
    if m.ring_sectors >= t.ring_circle_sectors and not strong:
        reasons.append(Reason.MARK_OUTSIDE_BOX)
    if not strong and not empty:
        reasons.append(Reason.UNCERTAIN_MARK)
    if reasons:
        return "review", tuple(reasons)
    return ("marked" if strong else "unmarked"), ()
