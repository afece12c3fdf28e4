"""Page-level image work: blank back sides, the upright page, and ink near the titles."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.marks import PX, SPECK_MM2
from scanner.template import BoxSpec, Template

#: A page is blank when fewer than this fraction of its pixels are clearly darker than paper.
BLANK_INK_FRACTION = 0.0015
#: Darkness (relative to the local paper) that counts as ink on a back side; show-through of
#: the printed front stays below it.
BLANK_DARKNESS = 0.35
#: Largest resolution the page is reduced to before warping (keeps thin strokes, kills grain).
MAX_SOURCE_PX = 12.0
#: Hand strokes covering this much height (mm) in the gap between a box and its label are
#: taken for a circle around the title (a stray blob of a felt tip stays below 2.8 mm).
TITLE_STROKE_MM = 3.0
#: A stroke this tall that runs on into the label is the end of a circle around the title.
TITLE_ARC_MM = 1.6
#: Where that gap starts, from the box's right edge (mm).
GAP_FROM_BOX_MM = 0.7


def is_blank(grey: NDArray[np.uint8]) -> bool:
    """A duplex back side: hardly any ink once uneven light and scanner borders are removed."""
    h, w = grey.shape
    f = max(1, max(h, w) // 800)
    small = cv2.resize(grey, (w // f, h // f), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    my, mx = sh // 25, sw // 25
    core = small[my : sh - my, mx : sw - mx].astype(np.float32)
    paper = cv2.medianBlur(cv2.resize(core, (sw // 8 or 1, sh // 8 or 1)).astype(np.uint8), 5)
    paper = cv2.resize(paper, (core.shape[1], core.shape[0])).astype(np.float32)
    dark = (paper - core) / np.maximum(paper, 1.0)
    return float((dark >= BLANK_DARKNESS).mean()) < BLANK_INK_FRACTION


Window = tuple[int, int, int, int]
"""Pixels of the upright page: x0, y0, x1, y1 (end excluded)."""


def upright(
    grey: NDArray[np.uint8],
    hom: NDArray[np.float64],
    template: Template,
    px_per_mm: float,
    windows: list[Window] | None = None,
) -> NDArray[np.uint8]:
    """The page warped to the layout's frame at PX pixels per millimetre.

    With `windows`, only those parts of the upright page are computed (the rest of the array
    is left at 0 and must not be read): each pixel is computed from the same source pixels
    and weights as in the whole page's warp, so the windows hold the same values, at a
    fraction of the cost (the boxes and their titles are about a sixth of an A4 page).
    """
    src = grey
    h = hom
    if px_per_mm > MAX_SOURCE_PX:
        f = MAX_SOURCE_PX / px_per_mm
        src = np.asarray(
            cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
        h = np.diag([f, f, 1.0]) @ hom
    to_canon = np.diag([1.0 / PX, 1.0 / PX, 1.0])
    size = (int(round(template.width_mm * PX)), int(round(template.height_mm * PX)))
    m = h @ to_canon
    if windows is None:
        return _warp(src, m, size)
    out = np.zeros((size[1], size[0]), dtype=np.uint8)
    for x0, y0, x1, y1 in _merge(windows, size):
        shift = np.array([[1.0, 0.0, x0], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
        out[y0:y1, x0:x1] = _warp(src, m @ shift, (x1 - x0, y1 - y0))
    return out


def _warp(
    src: NDArray[np.uint8], m: NDArray[np.float64], size: tuple[int, int]
) -> NDArray[np.uint8]:
    out = cv2.warpPerspective(
        src,
        m,
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(out, dtype=np.uint8)


def _merge(windows: list[Window], size: tuple[int, int]) -> list[Window]:
    """The windows clipped to the page, overlapping ones joined into their bounding box."""
    width, height = size
    out: list[Window] = []
    for x0, y0, x1, y1 in sorted(windows):
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
        if x1 <= x0 or y1 <= y0:
            continue
        for i, (a0, b0, a1, b1) in enumerate(out):
            if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                out[i] = (min(a0, x0), min(b0, y0), max(a1, x1), max(b1, y1))
                break
        else:
            out.append((x0, y0, x1, y1))
    return out


def _band(b: BoxSpec) -> tuple[float, float, float, float] | None:
    """The blank gap between a box and its label, in mm (x, y, w, h); None without a label."""
    lab = b.label
    if lab is None:
        return None
    x0, x1 = b.rect.x + b.rect.w + GAP_FROM_BOX_MM, lab.x - 0.3
    y0 = min(b.rect.y, lab.y) - 1.0
    y1 = max(b.rect.y + b.rect.h, lab.y + lab.h) + 1.0
    return x0, y0, x1 - x0, y1 - y0


def _band_pixels(x: float, y: float, w: float, h: float) -> tuple[int, int, int, int, int]:
    x0, y0 = int(round(x * PX)), int(round(y * PX))
    x1, y1 = int(round((x + w) * PX)), int(round((y + h) * PX))
    return x0, y0, x1, y1, int(round(2 * PX))


def title_windows(template: Template) -> list[Window]:
    """The pixels of the upright page `marks_near_titles` reads."""
    out = []
    for b in template.boxes:
        band = _band(b)
        if band is not None:
            x0, y0, x1, y1, pad = _band_pixels(*band)
            out.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    return out


def _band_has_stroke(
    canon: NDArray[np.uint8], x: float, y: float, w: float, h: float, ref: float
) -> bool:
    x0, y0, x1, y1, pad = _band_pixels(x, y, w, h)
    H, W = canon.shape
    if x0 - pad < 0 or y0 - pad < 0 or x1 + pad > W or y1 + pad > H or x1 <= x0 or y1 <= y0:
        return False
    area = canon[y0 - pad : y1 + pad, x0 - pad : x1 + pad].astype(np.float32)
    paper = max(float(np.percentile(area, 90)), 1.0)
    dark = (paper - area[pad:-pad, pad:-pad]) / paper
    ink = (cv2.GaussianBlur(dark, (0, 0), 0.7) >= 0.3 * ref).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    rows = np.zeros(ink.shape[0], dtype=bool)
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < SPECK_MM2 * PX * PX:
            continue
        top, height = stats[i, cv2.CC_STAT_TOP], stats[i, cv2.CC_STAT_HEIGHT]
        rows[top : top + height] = True
        reaches_label = stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH] >= ink.shape[1]
        if reaches_label and height / PX >= TITLE_ARC_MM:
            return True
    return bool(rows.sum() / PX >= TITLE_STROKE_MM)


def marks_near_titles(canon: NDArray[np.uint8], template: Template, ref: float) -> set[int]:
    """Indexes of boxes with a hand stroke in the blank gap between the box and its label.

    Nothing is printed between a box's ring and its label (docs/ballot-format.md), so a long
    stroke there is the side of a circle drawn around the project's number and title.
    """
    hits: set[int] = set()
    for i, b in enumerate(template.boxes):
        band = _band(b)
        if band is not None and _band_has_stroke(canon, *band, ref):
            hits.add(i)
    return hits


#: A column darker than both its neighbourhoods by this many grey levels is a scanner streak.
STREAK_LEVELS = 10.0


def remove_streaks(grey: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Undo vertical scanner streaks (dust on the glass): a flat-field correction per column.

    Down almost every column of a ballot most pixels are paper, so a column whose median is
    clearly darker than the columns a few pixels away on both sides is a streak, not content.
    """
    med = np.median(grey[::4], axis=0).astype(np.float32)
    n = med.size
    if n < 40:
        return grey
    pad = np.pad(med, 12, mode="edge")
    left = np.stack([pad[i : i + n] for i in range(0, 8)]).max(axis=0)
    right = np.stack([pad[i : i + n] for i in range(17, 25)]).max(axis=0)
    paper = np.minimum(left, right)
    lift = paper - med
    cols = np.nonzero(lift >= STREAK_LEVELS)[0]
    if cols.size == 0 or cols.size > n // 20:
        return grey
    out = grey.astype(np.int16)
    out[:, cols] += lift[cols].astype(np.int16)
    return np.clip(out, 0, 255).astype(np.uint8)
