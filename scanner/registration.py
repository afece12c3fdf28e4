"""Find the corner markers and map the layout's millimetres onto the image.

Registration either succeeds with measured confidence or fails with a reason: the reader never
guesses where a box is. The marker ids give page and corner (docs/ballot-format.md), so any of the
four orientations and a phone photo are handled by the same homography; its quality is checked by
the reprojection error of every marker corner, the size of each marker against what the
homography predicts there, the scale, and the handedness (a mirrored image is refused).
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.reasons import Reason
from scanner.template import MarkerSpec

log = logging.getLogger(__name__)

#: Longest image side searched for markers; larger images are searched downscaled, then the
#: corners are refined at full resolution.
DETECT_MAX_SIDE = 2400
#: Share of the image's width and height searched in each corner first (markers sit 8-20 mm
#: from the page's edges; a 5 degree skew moves them by up to 13 mm more).
CORNER_WINDOW = 0.24
#: Worst corner reprojection error accepted, in millimetres of the page.
MAX_REPROJ_MM = 0.38
#: Accepted ratio between a marker's measured side and the side the homography predicts.
SIZE_RATIO = (0.85, 1.18)
#: Accepted pixels per millimetre (about 90 to 760 dpi).
SCALE_RANGE = (3.5, 30.0)
#: Fewest markers needed: three corners still pin a homography down with 12 points.
MIN_MARKERS = 3
#: Dark lines thinner than this (mm) are erased before a second marker search: a fold crease
#: (at most 0.5 mm plus its blur) or a scanner streak (a few pixels) that runs through a
#: marker's quiet zone joins the marker to the line, so its outline is no longer a square (the
#: marker is missed) or its corners move by a millimetre (the fit is refused). A marker's cells
#: are 2 mm wide (12 mm marker, 6 cells), so they survive.
THIN_LINE_MM = 1.1
#: Nominal side of a marker (docs/ballot-format.md), to estimate the scale before registration.
MARKER_MM = 12.0

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Detected:
    """A marker found in the image: id and its four corners in image pixels."""

    id: int
    corners: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Registration:
    """A homography from page millimetres to image pixels, with its measured quality."""

    page: int
    homography: tuple[float, ...]
    marker_ids: tuple[int, ...]
    reproj_error_mm: float
    px_per_mm: float
    rotation: int

    def matrix(self) -> Matrix:
        return np.array(self.homography, dtype=np.float64).reshape(3, 3)


@dataclass(frozen=True, slots=True)
class RegistrationFailure:
    reason: Reason
    detail: str
    marker_ids: tuple[int, ...] = ()
    #: What the person can do about it (reason codes naming the corner or the framing).
    advice: tuple[Reason, ...] = ()


def _detector() -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    return cv2.aruco.ArucoDetector(dictionary, params)


def detect_markers(grey: NDArray[np.uint8]) -> list[Detected]:
    """All 4x4 markers in the image, corners refined at full resolution.

    A scan holds its markers near the image's corners: those four windows are searched first
    (a fifth of the pixels), and the whole image only when they do not give four markers.
    """
    h, w = grey.shape[:2]
    if max(h, w) <= DETECT_MAX_SIDE:
        found = _detect_in_corners(grey)
        if len({d.id for d in found}) >= 4:
            return found
    return _detect_whole(grey)


def _detect_in_corners(grey: NDArray[np.uint8]) -> list[Detected]:
    h, w = grey.shape[:2]
    cw, ch = int(w * CORNER_WINDOW), int(h * CORNER_WINDOW)
    found = []
    for x0, y0 in ((0, 0), (w - cw, 0), (w - cw, h - ch), (0, h - ch)):
        corners, ids, _ = _detector().detectMarkers(grey[y0 : y0 + ch, x0 : x0 + cw])
        if ids is None:
            continue
        for quad, mid in zip(corners, ids.ravel(), strict=True):
            pts = np.asarray(quad, dtype=np.float32).reshape(4, 2) + (x0, y0)
            found.append(Detected(int(mid), tuple((float(x), float(y)) for x, y in pts)))
    found.sort(key=lambda d: (d.id, d.corners))
    return found


def _detect_whole(grey: NDArray[np.uint8]) -> list[Detected]:
    h, w = grey.shape[:2]
    factor = max(1, math.ceil(max(h, w) / DETECT_MAX_SIDE))
    small = (
        grey
        if factor == 1
        else np.asarray(
            cv2.resize(grey, (w // factor, h // factor), interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    )
    corners, ids, _ = _detector().detectMarkers(small)
    if ids is None:
        return []
    found = []
    for quad, mid in zip(corners, ids.ravel(), strict=True):
        pts = np.asarray(quad, dtype=np.float32).reshape(4, 2) * factor
        if factor > 1:
            pts = _refine(grey, pts, factor)
        found.append(Detected(int(mid), tuple((float(x), float(y)) for x, y in pts)))
    found.sort(key=lambda d: (d.id, d.corners))
    return found


def erase_thin_lines(grey: NDArray[np.uint8], px_per_mm: float) -> NDArray[np.uint8]:
    """The image with dark vertical and horizontal lines thinner than THIN_LINE_MM made paper.

    A grey closing along rows then along columns: a dark run narrower than the kernel is
    filled by the paper around it, while a wider dark area (a marker cell) keeps its edges
    exactly (a straight edge is moved out and back by the same amount). Folds and streaks on a
    scan run within a few degrees of the image axes, which is what a line kernel removes.
    """
    k = max(3, int(round(THIN_LINE_MM * px_per_mm)) | 1)
    rows = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8))
    out = cv2.morphologyEx(rows, cv2.MORPH_CLOSE, np.ones((k, 1), np.uint8))
    return np.asarray(out, dtype=np.uint8)


def estimate_scale(grey: NDArray[np.uint8], detected: Sequence[Detected]) -> float:
    """Pixels per millimetre before any fit: from the markers seen, else from the image size."""
    sides = [
        float(np.linalg.norm(np.subtract(d.corners[i], d.corners[(i + 1) % 4])))
        for d in detected
        for i in range(4)
    ]
    if sides:
        return float(np.median(sides)) / MARKER_MM
    return float(max(grey.shape[:2])) / 300.0


def _refine(grey: NDArray[np.uint8], pts: NDArray[np.float32], factor: int) -> NDArray[np.float32]:
    win = max(2, factor * 2)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.05)
    refined = cv2.cornerSubPix(grey, pts.reshape(-1, 1, 2).copy(), (win, win), (-1, -1), crit)
    return np.asarray(refined, dtype=np.float32).reshape(4, 2)


def page_of(marker_id: int) -> int:
    return marker_id // 4 + 1


def _fit(pairs: Sequence[tuple[Detected, MarkerSpec]]) -> tuple[Matrix, float, float]:
    src = np.array([c for _, spec in pairs for c in spec.rect.corners()], dtype=np.float64)
    dst = np.array([c for det, _ in pairs for c in det.corners], dtype=np.float64)
    found, _ = cv2.findHomography(src, dst, 0)
    if found is None:
        return np.eye(3), math.inf, 0.0
    hom = np.asarray(found, dtype=np.float64)
    proj = cv2.perspectiveTransform(src.reshape(-1, 1, 2), hom).reshape(-1, 2)
    scale = local_scale(hom, float(src[:, 0].mean()), float(src[:, 1].mean()))
    err_px = float(np.max(np.linalg.norm(proj - dst, axis=1)))
    return hom, err_px / max(scale, 1e-9), scale


def local_scale(hom: Matrix, x: float, y: float) -> float:
    """Pixels per millimetre of the homography around a page point (signed: < 0 if mirrored)."""
    jac = _jacobian(hom, x, y)
    det = float(np.linalg.det(jac))
    return math.copysign(math.sqrt(abs(det)), det)


def _jacobian(hom: Matrix, x: float, y: float) -> Matrix:
    u = hom @ np.array([x, y, 1.0])
    w = u[2]
    jac = np.empty((2, 2))
    for i in range(2):
        jac[i, 0] = (hom[i, 0] * w - u[i] * hom[2, 0]) / (w * w)
        jac[i, 1] = (hom[i, 1] * w - u[i] * hom[2, 1]) / (w * w)
    return jac


def _size_ok(hom: Matrix, det: Detected, spec: MarkerSpec) -> bool:
    cx, cy = spec.rect.x + spec.rect.w / 2, spec.rect.y + spec.rect.h / 2
    expected = abs(local_scale(hom, cx, cy)) * math.sqrt(spec.rect.w * spec.rect.h)
    pts = np.array(det.corners)
    d1, d2 = pts[2] - pts[0], pts[3] - pts[1]
    area = 0.5 * abs(float(d1[0] * d2[1] - d1[1] * d2[0]))
    ratio = math.sqrt(area) / max(expected, 1e-9)
    return SIZE_RATIO[0] <= ratio <= SIZE_RATIO[1]


def _rotation(hom: Matrix, width_mm: float, height_mm: float) -> int:
    """Clockwise rotation of the page in the image, rounded to a quarter turn."""
    jac = _jacobian(hom, width_mm / 2, height_mm / 2)
    angle = math.degrees(math.atan2(jac[1, 0], jac[0, 0]))
    return int(round(angle / 90.0)) % 4 * 90


def _best_subset(
    pairs: list[tuple[Detected, MarkerSpec]],
) -> tuple[list[tuple[Detected, MarkerSpec]], Matrix, float, float]:
    hom, err, scale = _fit(pairs)
    if err <= MAX_REPROJ_MM or len(pairs) <= MIN_MARKERS:
        return pairs, hom, err, scale
    best = (pairs, hom, err, scale)
    for subset in itertools.combinations(pairs, len(pairs) - 1):
        h2, e2, s2 = _fit(list(subset))
        if e2 < best[2]:
            best = (list(subset), h2, e2, s2)
    return best


def register(
    detected: Sequence[Detected],
    markers_by_page: dict[int, tuple[MarkerSpec, ...]],
    page_size_mm: tuple[float, float],
) -> Registration | RegistrationFailure:
    """Fit and check the homography of the page whose markers are seen."""
    ids = tuple(d.id for d in detected)
    known = [d for d in detected if page_of(d.id) in markers_by_page]
    if not known:
        return RegistrationFailure(Reason.NO_MARKERS, f"ids seen: {list(ids)}", ids)
    pages = {page_of(d.id) for d in known}
    seen = [d.id for d in known]
    if len(pages) > 1 or len(set(seen)) != len(seen):
        return RegistrationFailure(Reason.MARKERS_INCONSISTENT, f"ids seen: {seen}", ids)
    page = pages.pop()
    specs = {m.id: m for m in markers_by_page[page]}
    pairs = [(d, specs[d.id]) for d in known if d.id in specs]
    if len(pairs) < MIN_MARKERS:
        return RegistrationFailure(Reason.MARKERS_INCOMPLETE, f"{len(pairs)} markers", ids)
    pairs, hom, err, scale = _best_subset(pairs)
    return check_fit(pairs, hom, err, scale, page, page_size_mm, ids)


def check_fit(
    pairs: list[tuple[Detected, MarkerSpec]],
    hom: Matrix,
    err: float,
    scale: float,
    page: int,
    page_size_mm: tuple[float, float],
    ids: tuple[int, ...],
) -> Registration | RegistrationFailure:
    if scale < 0:
        return RegistrationFailure(Reason.MIRRORED, "negative determinant", ids)
    if not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        return RegistrationFailure(Reason.SCALE_OUT_OF_RANGE, f"{scale:.2f} px/mm", ids)
    if err > MAX_REPROJ_MM:
        return RegistrationFailure(Reason.REGISTRATION_POOR, f"{err:.2f} mm", ids)
    if not all(_size_ok(hom, d, s) for d, s in pairs):
        return RegistrationFailure(Reason.MARKER_SIZE_INCONSISTENT, "marker size", ids)
    hom = hom / hom[2, 2]
    return Registration(
        page=page,
        homography=tuple(float(v) for v in hom.ravel()),
        marker_ids=tuple(sorted(d.id for d, _ in pairs)),
        reproj_error_mm=err,
        px_per_mm=scale,
        rotation=_rotation(hom, *page_size_mm),
    )
