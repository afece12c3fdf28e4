"""Register a page that shows fewer than three corner markers, on the layout's own print.

A sheet skewed by 3-5 degrees in a scan window of its own size loses one or two corner markers
over the window's edge; a photo framed short loses one. The boxes and the QR code are still
there, and they are printed at known places: every box outline and the three finder patterns of
the QR code are landmarks. Starting from what the markers seen (or the QR code alone) say, each
landmark is looked for near its predicted place, nearest first, and the fit is redone as they
are found, so the prediction stays within a fraction of a millimetre as it moves across the page.

The result is accepted on the same terms as a four-marker registration: every point used (marker
corners, box centres, finder centres) within MAX_REPROJ_MM of the fit, the same scale and
marker-size checks, and every box and the QR code inside the image. Otherwise the page is
rejected, and the fit found says which corners are missing and whether they fell outside the
image, so the person can be told what to do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner import qr
from scanner.context import ReadContext
from scanner.identity import check_identity
from scanner.marks import RING_OUT_MM
from scanner.reasons import Reason
from scanner.registration import (
    MAX_REPROJ_MM,
    Detected,
    Matrix,
    Registration,
    RegistrationFailure,
    check_fit,
    local_scale,
    page_of,
)
from scanner.template import MarkerSpec, Rect, Template

#: Modules of the ballot's QR code: version 5, pinned by the printer (docs/ballot-format.md).
QR_MODULES = 37
#: Resolution of the patches the landmarks are matched on (px per mm).
PX = 8.0
#: How far from its predicted place a landmark is looked for, in mm.
SEARCH_MM = 3.0
#: The search widens with the distance to the nearest point already found (the fit is
#: extrapolated there), up to SEARCH_MAX_MM: boxes are at least 10 mm apart.
SEARCH_GROWTH = 0.05
SEARCH_MAX_MM = 5.0
#: Paper kept around a landmark's template, in mm.
TEMPLATE_MARGIN_MM = 1.0
#: Printed box outline width, in mm (as marks.OUTLINE_MM).
OUTLINE_MM = 0.5
#: Lowest normalised correlation that counts as the landmark found.
MIN_SCORE = 0.55
#: A landmark is refused when another place in its window matches almost as well.
MIN_CONTRAST = 0.08
#: Fewest landmarks found for a fit to be judged at all; with two markers or more (eight exact
#: corners across the page) three landmarks are enough to check the fit.
MIN_LANDMARKS = 5
MIN_LANDMARKS_WITH_MARKERS = 3
#: At most this share of the landmarks found may be dropped as outliers (a filled box).
MAX_DROPPED = 0.25
#: Paper that must be in the image around each box: the ring measured for a circle around the
#: box (marks.RING_OUT_MM) and a little more, in mm.
CONTENT_MARGIN_MM = RING_OUT_MM + 0.4


@dataclass(frozen=True, slots=True)
class Landmark:
    kind: str  # "box" or "finder"
    centre: tuple[float, float]
    size: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Rescue:
    """What the landmark registration made of a page: a registration, or why not."""

    registration: Registration | None
    homography: Matrix | None  # the best fit found, even when refused
    why: str


def landmarks(tpl: Template) -> list[Landmark]:
    """The QR code's three finder patterns and every box outline, in layout millimetres."""
    q = tpl.qr
    c = 3.5 * q.w / QR_MODULES
    side = 7.0 * q.w / QR_MODULES
    out = [
        Landmark("finder", (q.x + c, q.y + c), (side, side)),
        Landmark("finder", (q.x + q.w - c, q.y + c), (side, side)),
        Landmark("finder", (q.x + c, q.y + q.h - c), (side, side)),
    ]
    for b in tpl.boxes:
        r = b.rect
        out.append(Landmark("box", (r.x + r.w / 2, r.y + r.h / 2), (r.w, r.h)))
    return out


_TEMPLATES: dict[tuple[str, float, float], NDArray[np.float32]] = {}


def _template(lm: Landmark) -> NDArray[np.float32]:
    """Darkness (1 = ink) of the landmark with paper around it, at PX px/mm."""
    key = (lm.kind, round(lm.size[0], 3), round(lm.size[1], 3))
    if key in _TEMPLATES:
        return _TEMPLATES[key]
    up = 8  # drawn finer, then averaged down, for sub-pixel exact edges
    k = PX * up
    w, h = lm.size
    m = TEMPLATE_MARGIN_MM
    big = np.zeros((int(round((h + 2 * m) * k)), int(round((w + 2 * m) * k))), dtype=np.float32)

    def fill(x0: float, y0: float, x1: float, y1: float, v: float) -> None:
        big[int(round((y0 + m) * k)) : int(round((y1 + m) * k)),
            int(round((x0 + m) * k)) : int(round((x1 + m) * k))] = v  # fmt: skip

    if lm.kind == "finder":
        mod = w / 7
        fill(0, 0, w, h, 1.0)
        fill(mod, mod, w - mod, h - mod, 0.0)
        fill(2 * mod, 2 * mod, w - 2 * mod, h - 2 * mod, 1.0)
    else:
        fill(0, 0, w, h, 1.0)
        fill(OUTLINE_MM, OUTLINE_MM, w - OUTLINE_MM, h - OUTLINE_MM, 0.0)
    size = (int(round((w + 2 * m) * PX)), int(round((h + 2 * m) * PX)))
    small = np.asarray(cv2.resize(big, size, interpolation=cv2.INTER_AREA), dtype=np.float32)
    small.setflags(write=False)  # shared by every later read in the process: nobody may edit it
    _TEMPLATES[key] = small
    return small


def _darkness(patch: NDArray[np.uint8]) -> NDArray[np.float32]:
    f = patch.astype(np.float32)
    paper = max(float(np.percentile(f, 90)), 1.0)
    out: NDArray[np.float32] = np.clip((paper - f) / paper, 0.0, 1.0).astype(np.float32, copy=False)
    return out


def _peak(res: NDArray[np.float32], x: int, y: int) -> tuple[float, float]:
    """Sub-pixel peak by a parabola through the neighbours on each axis."""

    def off(a: float, b: float, c: float) -> float:
        den = a - 2 * b + c
        return 0.0 if abs(den) < 1e-9 else float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))

    h, w = res.shape
    dx = off(res[y, x - 1], res[y, x], res[y, x + 1]) if 0 < x < w - 1 else 0.0
    dy = off(res[y - 1, x], res[y, x], res[y + 1, x]) if 0 < y < h - 1 else 0.0
    return x + dx, y + dy


def locate(
    grey: NDArray[np.uint8], hom: Matrix, lm: Landmark, search_mm: float = SEARCH_MM
) -> tuple[tuple[float, float], float] | None:
    """Where the landmark is in the image (pixels) and its match score, or None if not found."""
    tpl = _template(lm)
    th, tw = tpl.shape
    s = int(round(search_mm * PX))
    w, h = tw + 2 * s, th + 2 * s
    # Patch origin in mm: top-left of the template's window when the landmark is where predicted.
    ox = lm.centre[0] - tw / PX / 2 - s / PX
    oy = lm.centre[1] - th / PX / 2 - s / PX
    to_img = hom @ np.array([[1 / PX, 0, ox], [0, 1 / PX, oy], [0, 0, 1]], dtype=np.float64)
    quad = cv2.perspectiveTransform(
        np.array([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]], dtype=np.float64), to_img
    ).reshape(-1, 2)
    gh, gw = grey.shape
    if quad.min() < 0 or (quad[:, 0] > gw - 1).any() or (quad[:, 1] > gh - 1).any():
        return None
    patch = cv2.warpPerspective(grey, to_img, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    d = _darkness(np.asarray(patch, dtype=np.uint8))
    res = cv2.matchTemplate(d, tpl, cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(res)
    if best < MIN_SCORE or bx in (0, res.shape[1] - 1) or by in (0, res.shape[0] - 1):
        return None
    # A second place almost as good (a filled box, a smudge): the landmark is ambiguous.
    r = max(2, int(round(1.5 * PX)))
    masked = res.copy()
    masked[max(0, by - r) : by + r + 1, max(0, bx - r) : bx + r + 1] = -1.0
    if masked.size and float(masked.max()) > best - MIN_CONTRAST:
        return None
    px, py = _peak(np.asarray(res, dtype=np.float32), bx, by)
    cx, cy = px + tw / 2, py + th / 2  # centre in patch pixels
    pt = cv2.perspectiveTransform(np.array([[[cx, cy]]], dtype=np.float64), to_img).reshape(2)
    return (float(pt[0]), float(pt[1])), float(best)


def _fit_affine(src: NDArray[np.float64], dst: NDArray[np.float64]) -> Matrix:
    a = np.hstack([src, np.ones((len(src), 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    hom = np.eye(3)
    hom[:2, :] = sol.T
    return hom


def _fit(src: NDArray[np.float64], dst: NDArray[np.float64], perspective: bool) -> Matrix | None:
    if len(src) < 3 or _collinear(src):
        return None
    if perspective and len(src) >= 8:
        found, _ = cv2.findHomography(src, dst, 0)
        if found is not None:
            return np.asarray(found, dtype=np.float64)
    return _fit_affine(src, dst)


def _collinear(src: NDArray[np.float64]) -> bool:
    c = src - src.mean(axis=0)
    sv = np.linalg.svd(c, compute_uv=False)
    return bool(sv[-1] < 2.0 * math.sqrt(len(src)))  # spread under ~2 mm across the line


def _residuals_mm(
    hom: Matrix, src: NDArray[np.float64], dst: NDArray[np.float64]
) -> NDArray[np.float64]:
    proj = cv2.perspectiveTransform(src.reshape(-1, 1, 2), hom).reshape(-1, 2)
    scale = abs(local_scale(hom, float(src[:, 0].mean()), float(src[:, 1].mean())))
    return np.asarray(np.linalg.norm(proj - dst, axis=1) / max(scale, 1e-9))


def rescue(
    grey: NDArray[np.uint8],
    pairs: Sequence[tuple[Detected, MarkerSpec]],
    tpl: Template,
    prior: Matrix,
    perspective: bool,
) -> Rescue:
    """Fit the page on the markers seen plus the layout's landmarks, from a rough prior."""
    msrc = [c for _, spec in pairs for c in spec.rect.corners()]
    mdst = [c for det, _ in pairs for c in det.corners]
    anchors = [(s.rect.x + s.rect.w / 2, s.rect.y + s.rect.h / 2) for _, s in pairs]
    if not anchors:
        anchors = [(tpl.qr.x + tpl.qr.w / 2, tpl.qr.y + tpl.qr.h / 2)]
    todo = landmarks(tpl)
    hom = prior
    found: list[tuple[Landmark, tuple[float, float]]] = []
    while todo:
        # Grow from what is known: the landmark nearest to a marker or a landmark found.
        dist = [min(math.dist(lm.centre, a) for a in anchors) for lm in todo]
        i = int(np.argmin(dist))
        lm = todo.pop(i)
        reach = min(SEARCH_MM + SEARCH_GROWTH * dist[i], SEARCH_MAX_MM)
        hit = locate(grey, hom, lm, reach)
        if hit is None:
            continue
        found.append((lm, hit[0]))
        anchors.append(lm.centre)
        src, dst = _points(msrc, mdst, found)
        again = _fit(src, dst, perspective)
        if again is not None:
            hom = again
    if len(found) < (MIN_LANDMARKS_WITH_MARKERS if len(pairs) >= 2 else MIN_LANDMARKS):
        return Rescue(None, hom, f"{len(found)} landmarks")
    return _final(grey, pairs, found, hom, tpl, perspective)


def _points(
    msrc: list[tuple[float, float]],
    mdst: list[tuple[float, float]],
    found: list[tuple[Landmark, tuple[float, float]]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    src = np.array(msrc + [lm.centre for lm, _ in found], dtype=np.float64).reshape(-1, 2)
    dst = np.array(mdst + [p for _, p in found], dtype=np.float64).reshape(-1, 2)
    return src, dst


def _final(
    grey: NDArray[np.uint8],
    pairs: Sequence[tuple[Detected, MarkerSpec]],
    found: list[tuple[Landmark, tuple[float, float]]],
    hom: Matrix,
    tpl: Template,
    perspective: bool,
) -> Rescue:
    msrc = [c for _, spec in pairs for c in spec.rect.corners()]
    mdst = [c for det, _ in pairs for c in det.corners]
    n0 = len(found)
    fitted: Matrix | None = hom
    while True:
        src, dst = _points(msrc, mdst, found)
        fitted = _fit(src, dst, perspective)
        if fitted is None:
            return Rescue(None, hom, "degenerate landmarks")
        res = _residuals_mm(fitted, src, dst)
        worst = int(np.argmax(res))
        if res[worst] <= MAX_REPROJ_MM:
            break
        least = MIN_LANDMARKS_WITH_MARKERS if len(pairs) >= 2 else MIN_LANDMARKS
        if worst < len(msrc) or len(found) - 1 < max(least, (1 - MAX_DROPPED) * n0):
            return Rescue(None, fitted, f"residual {res[worst]:.2f} mm")
        del found[worst - len(msrc)]
    hom = fitted
    finders = sum(1 for lm, _ in found if lm.kind == "finder")
    if not msrc and finders < 2:
        return Rescue(None, hom, "QR finder patterns not found")
    if not _content_inside(grey, hom, tpl):
        return Rescue(None, hom, "content outside the image")
    scale = local_scale(hom, tpl.width_mm / 2, tpl.height_mm / 2)
    err = float(_residuals_mm(hom, src, dst).max())
    size = (tpl.width_mm, tpl.height_mm)
    checked = check_fit(list(pairs), hom, err, scale, tpl.page_number, size, ())
    if not isinstance(checked, Registration):
        return Rescue(None, hom, f"{checked.reason}: {checked.detail}")
    return Rescue(checked, hom, f"{len(found)} landmarks, {err:.2f} mm")


def _content_inside(grey: NDArray[np.uint8], hom: Matrix, tpl: Template) -> bool:
    """Every box (with the ring measured around it) and the QR code fall inside the image."""
    g = CONTENT_MARGIN_MM
    rects = [b.rect.grow(g) for b in tpl.boxes] + [tpl.qr.grow(1.0)]
    pts = np.array([c for r in rects for c in r.corners()], dtype=np.float64).reshape(-1, 1, 2)
    proj = cv2.perspectiveTransform(pts, hom).reshape(-1, 2)
    h, w = grey.shape
    return bool(((proj >= 0) & (proj <= (w - 1, h - 1))).all())


# -- The whole fallback: prior, QR, identity, landmarks, and the advice when it fails ---------

CORNER_NAMES = ("tl", "tr", "br", "bl")
_CUT = {
    "tl": Reason.CORNER_CUT_TOP_LEFT,
    "tr": Reason.CORNER_CUT_TOP_RIGHT,
    "br": Reason.CORNER_CUT_BOTTOM_RIGHT,
    "bl": Reason.CORNER_CUT_BOTTOM_LEFT,
}
_HIDDEN = {
    "tl": Reason.CORNER_HIDDEN_TOP_LEFT,
    "tr": Reason.CORNER_HIDDEN_TOP_RIGHT,
    "br": Reason.CORNER_HIDDEN_BOTTOM_RIGHT,
    "bl": Reason.CORNER_HIDDEN_BOTTOM_LEFT,
}
#: A fit turned more than this from the image axes, or in perspective, is taken for a photo.
PHOTO_ANGLE_DEG = 8.0


@dataclass(frozen=True, slots=True)
class Partial:
    """The fallback's outcome: a registration with its template, or a failure with advice."""

    registration: Registration | None
    template: Template | None
    failure: RegistrationFailure | None


def register_partial(
    grey: NDArray[np.uint8],
    detected: Sequence[Detected],
    ctx: ReadContext,
    first: RegistrationFailure,
) -> Partial:
    """Register on fewer than three markers (or none) with the QR code and the boxes."""
    by_page = ctx.markers_by_page()
    known = [d for d in detected if page_of(d.id) in by_page]
    pages = {page_of(d.id) for d in known}
    if len(pages) > 1 or len({d.id for d in known}) != len(known):
        return Partial(None, None, first)
    prior: Matrix | None = None
    guess: Template | None = None
    texts: list[str] = []
    if known:
        page = next(iter(pages))
        guess = ctx.first_for_page(page)
        specs = {m.id: m for m in by_page[page]}
        prior = _marker_prior([(d, specs[d.id]) for d in known])
        if guess is not None:
            scale = abs(local_scale(prior, guess.qr.x, guess.qr.y))
            texts, _ = qr.decode_region(grey, prior, guess.qr, scale)
    if not texts:
        texts = _qr_texts_wide(grey, prior, guess)
    ident = check_identity(texts, ctx) if texts else None
    tpl = ident.template if ident is not None else None
    if tpl is None:
        # Without a trusted layout nothing is read; the markers seen still say which corners
        # are missing (the QR code and the corners share one place on every layout).
        if prior is None or guess is None:
            return Partial(None, None, first)
        if len(known) >= 2 and _dark_surroundings(grey):
            persp = _marker_homography(known, by_page[page])  # a photo: perspective
            prior = prior if persp is None else persp
        return Partial(None, None, replace(first, advice=corner_advice(grey, prior, guess, known)))
    specs = {m.id: m for m in tpl.markers}
    pairs = [(d, specs[d.id]) for d in known if d.id in specs]
    src = [c for _, sp in pairs for c in sp.rect.corners()]
    dst = [c for d, _ in pairs for c in d.corners]
    if len(pairs) < 2:
        # One marker or none: the QR symbol's corners (less exact) join the prior.
        corners = _qr_corners(grey, prior, tpl)
        if corners is not None:
            src += list(tpl.qr.corners())
            dst += [(float(x), float(y)) for x, y in corners]
    if len(src) < 8:
        return Partial(None, None, first)
    prior = _fit_affine(np.array(src, dtype=np.float64), np.array(dst, dtype=np.float64))
    homography = cv2.findHomography(
        np.array(src, dtype=np.float64), np.array(dst, dtype=np.float64), 0
    )[0]
    best = prior
    for perspective in (False, True):
        start = homography if perspective and homography is not None else prior
        out = rescue(grey, pairs, tpl, np.asarray(start, dtype=np.float64), perspective)
        if out.registration is not None:
            return Partial(out.registration, tpl, None)
        if out.homography is not None:
            best = out.homography
    return Partial(None, None, replace(first, advice=corner_advice(grey, best, tpl, known)))


def _marker_prior(pairs: Sequence[tuple[Detected, MarkerSpec]]) -> Matrix:
    src = np.array([c for _, s in pairs for c in s.rect.corners()], dtype=np.float64)
    dst = np.array([c for d, _ in pairs for c in d.corners], dtype=np.float64)
    return _fit_affine(src, dst)


#: Longest side of the image the QR code is looked for in, when its place is not known.
WIDE_QR_SIDE = 2400


def _qr_texts_wide(
    grey: NDArray[np.uint8], prior: Matrix | None, guess: Template | None
) -> list[str]:
    """The QR code looked for around where a rough prior puts it, else in the whole image.

    The whole image is reduced to WIDE_QR_SIDE first: a 12 MP photo decoded at full size costs
    one to three seconds, and the code still has 2-3 px per module once reduced.
    """
    if prior is not None and guess is not None:
        area = _around(grey, prior, guess.qr.grow(25.0))
        if area is not None:
            texts, _ = qr.decode_anywhere(area)
            if texts:
                return texts
    h, w = grey.shape
    f = max(1, math.ceil(max(h, w) / WIDE_QR_SIDE))
    small = grey if f == 1 else cv2.resize(grey, (w // f, h // f), interpolation=cv2.INTER_AREA)
    return qr.decode_anywhere(np.asarray(small, dtype=np.uint8))[0]


def _around(grey: NDArray[np.uint8], hom: Matrix, rect: Rect) -> NDArray[np.uint8] | None:
    """The image pixels under the rectangle's projection (bounding box), or None if tiny."""
    h, w = grey.shape
    quad = np.array(rect.corners(), dtype=np.float64).reshape(-1, 1, 2)
    pts = cv2.perspectiveTransform(quad, hom).reshape(-1, 2)
    x0, y0 = (max(0, int(v)) for v in pts.min(axis=0))
    x1, y1 = (int(v) for v in np.minimum(pts.max(axis=0), (w, h)))
    if x1 - x0 < 32 or y1 - y0 < 32:
        return None
    return grey[y0:y1, x0:x1]


def _marker_homography(known: Sequence[Detected], specs: Sequence[MarkerSpec]) -> Matrix | None:
    by_id = {m.id: m for m in specs}
    src = np.array([c for d in known for c in by_id[d.id].rect.corners()], dtype=np.float64)
    dst = np.array([c for d in known for c in d.corners], dtype=np.float64)
    found, _ = cv2.findHomography(src, dst, 0)
    return None if found is None else np.asarray(found, dtype=np.float64)


def _qr_corners(
    grey: NDArray[np.uint8], prior: Matrix | None, tpl: Template
) -> NDArray[np.float64] | None:
    """The QR symbol's four corners in the image, in the symbol's order (TL, TR, BR, BL).

    With a prior, the area around the code (25 mm of slack) is rectified upright and the
    corners are taken from OpenCV's detector, else from zbar's outline sorted by position
    (the rectified code is upright within a few degrees). Without one, OpenCV's detector on
    the whole image, reduced to 2,000 px.
    """
    if prior is None:
        h, w = grey.shape
        f = max(1, math.ceil(max(h, w) / 2000))
        small = grey if f == 1 else cv2.resize(grey, (w // f, h // f), interpolation=cv2.INTER_AREA)
        pts = _opencv_corners(np.asarray(small, dtype=np.uint8))
        return None if pts is None else pts * f
    area = tpl.qr.grow(25.0)
    to_img = prior @ np.array(
        [[1 / PX, 0, area.x], [0, 1 / PX, area.y], [0, 0, 1]], dtype=np.float64
    )
    size = (int(round(area.w * PX)), int(round(area.h * PX)))
    warped = cv2.warpPerspective(
        grey, to_img, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=255
    )
    flat: NDArray[np.uint8] = np.asarray(warped, dtype=np.uint8)
    side = tpl.qr.w * PX
    pts = _opencv_corners(flat)
    if pts is None or not _square(pts, side):
        pts = _zbar_corners(flat)
    if pts is None or not _square(pts, side):
        return None
    back = cv2.perspectiveTransform(pts.reshape(-1, 1, 2), to_img).reshape(-1, 2)
    return np.asarray(back, dtype=np.float64)


#: The rectified QR symbol's sides and diagonals may differ by this share (the prior is rough).
QR_SQUARE_TOLERANCE = 0.1


def _square(pts: NDArray[np.float64], side: float) -> bool:
    """Four corners (TL, TR, BR, BL) that make a square of about `side` pixels.

    OpenCV's detector sometimes returns a quadrilateral with one or two corners far off
    (it depends on the code's modules, so on the serial printed): such corners would throw
    the prior, and every landmark with it, several millimetres away.
    """
    sides = np.linalg.norm(pts - np.roll(pts, -1, axis=0), axis=1)
    diagonals = np.linalg.norm(pts[:2] - pts[2:], axis=1)
    tol = QR_SQUARE_TOLERANCE
    return bool(
        (np.abs(sides / side - 1) <= tol).all()
        and (np.abs(diagonals / (side * math.sqrt(2)) - 1) <= tol).all()
    )


def _opencv_corners(img: NDArray[np.uint8]) -> NDArray[np.float64] | None:
    try:
        ok, found = cv2.QRCodeDetector().detect(img)
    except cv2.error:
        return None
    if not ok or found is None:
        return None
    return np.asarray(found, dtype=np.float64).reshape(-1, 2)[:4]


def _zbar_corners(img: NDArray[np.uint8]) -> NDArray[np.float64] | None:
    """zbar's outline of the one QR code in an upright image, as TL, TR, BR, BL."""
    if qr._ZBAR is None:
        return None
    from pyzbar.pyzbar import ZBarSymbol, decode

    syms = decode(img, symbols=[ZBarSymbol.QRCODE])
    if len(syms) != 1 or len(syms[0].polygon) != 4:
        return None
    p = np.array([(pt.x, pt.y) for pt in syms[0].polygon], dtype=np.float64)
    sums, diffs = p.sum(axis=1), p[:, 0] - p[:, 1]
    order = [
        int(np.argmin(sums)),
        int(np.argmax(diffs)),
        int(np.argmax(sums)),
        int(np.argmin(diffs)),
    ]
    if len(set(order)) != 4:
        return None
    return p[order]


def corner_advice(
    grey: NDArray[np.uint8], hom: Matrix, tpl: Template, seen: Sequence[Detected]
) -> tuple[Reason, ...]:
    """For each corner marker not seen: cut by the image's edge, or inside but unreadable.

    A photo (a fit turned or in perspective) with a corner cut is told to frame the four
    markers; a scan with a corner cut is told to lay the sheet straight.
    """
    h, w = grey.shape
    cut: list[str] = []
    hidden: list[str] = []
    ids = {d.id for d in seen}
    for spec in tpl.markers:
        if spec.id in ids:
            continue
        pts = np.array(spec.rect.grow(1.0).corners(), dtype=np.float64).reshape(-1, 1, 2)
        proj = cv2.perspectiveTransform(pts, hom).reshape(-1, 2)
        inside = bool(((proj >= 1) & (proj <= (w - 2, h - 2))).all())
        (hidden if inside else cut).append(spec.corner)
    out: list[Reason] = []
    if cut and (_looks_like_photo(hom, tpl) or _dark_surroundings(grey)):
        out.append(Reason.PAGE_NOT_IN_PICTURE)
    else:
        out += [_CUT[c] for c in CORNER_NAMES if c in cut]
    out += [_HIDDEN[c] for c in CORNER_NAMES if c in hidden]
    return tuple(out)


def _dark_surroundings(grey: NDArray[np.uint8]) -> bool:
    """The image's outer band is much darker than the paper: a table, not a scanner's lid."""
    h, w = grey.shape
    b = max(2, min(h, w) // 50)
    band = np.concatenate(
        [grey[:b].ravel(), grey[-b:].ravel(), grey[:, :b].ravel(), grey[:, -b:].ravel()]
    )
    paper = float(np.percentile(grey[:: max(1, h // 400), :: max(1, w // 400)], 90))
    return float(np.median(band)) < 0.7 * paper


def _looks_like_photo(hom: Matrix, tpl: Template) -> bool:
    h = hom / hom[2, 2]
    a = h[:2, :2]
    angle = math.degrees(math.atan2(a[1, 0], a[0, 0])) % 90
    turned = min(angle, 90 - angle) > PHOTO_ANGLE_DEG
    # Perspective: the scale at two opposite corners of the page differs by more than 3 %.
    s0 = abs(local_scale(h, 0.0, 0.0))
    s1 = abs(local_scale(h, tpl.width_mm, tpl.height_mm))
    s2 = abs(local_scale(h, tpl.width_mm, 0.0))
    s3 = abs(local_scale(h, 0.0, tpl.height_mm))
    spread = max(s0, s1, s2, s3) / max(min(s0, s1, s2, s3), 1e-9)
    return turned or spread > 1.03
