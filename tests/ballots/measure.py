"""Measure printed features on rendered pages, in millimetres, to compare with the layout."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
from pyzbar import pyzbar

from ballots.layout import Rect

Grey = npt.NDArray[np.uint8]
DARK = 128


def px_per_mm(dpi: float) -> float:
    return dpi / 25.4


def box_edges(image: Grey, rect: Rect, dpi: float, search_mm: float = 2.0) -> Rect:
    """Outer edges of a printed box outline found by scanning through its centre."""
    k = px_per_mm(dpi)
    cx, cy = (int(v * k) for v in rect.center)
    row, col = image[cy, :], image[:, cx]
    left = _first_dark(row, rect.x_mm - search_mm, rect.x_mm + search_mm, k)
    right = _last_dark(row, rect.right - search_mm, rect.right + search_mm, k)
    top = _first_dark(col, rect.y_mm - search_mm, rect.y_mm + search_mm, k)
    bottom = _last_dark(col, rect.bottom - search_mm, rect.bottom + search_mm, k)
    return Rect(left / k, top / k, (right + 1 - left) / k, (bottom + 1 - top) / k)


def _first_dark(line: Grey, start_mm: float, end_mm: float, k: float) -> int:
    start, end = int(start_mm * k), int(end_mm * k)
    hits = np.nonzero(line[start:end] < DARK)[0]
    assert hits.size, "no outline found"
    return int(start + hits[0])


def _last_dark(line: Grey, start_mm: float, end_mm: float, k: float) -> int:
    start, end = int(start_mm * k), int(end_mm * k)
    hits = np.nonzero(line[start:end] < DARK)[0]
    assert hits.size, "no outline found"
    return int(start + hits[-1])


def markers(image: Grey, dpi: float) -> dict[int, Rect]:
    """ArUco markers found by OpenCV, as axis-aligned rectangles in mm."""
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    corners, ids, _rejected = detector.detectMarkers(image)
    found = {}
    k = px_per_mm(dpi)
    for quad, marker_id in zip(corners, [] if ids is None else ids.ravel(), strict=True):
        pts = quad.reshape(-1, 2)
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        # OpenCV gives the corners at pixel centres of the outermost black pixels.
        found[int(marker_id)] = Rect(x0 / k, y0 / k, (x1 - x0 + 1) / k, (y1 - y0 + 1) / k)
    return found


def qr_codes(image: Grey, dpi: float) -> list[tuple[str, Rect]]:
    """QR codes decoded by zbar: text and the symbol's square in mm."""
    k = px_per_mm(dpi)
    out = []
    for symbol in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        xs = [p.x for p in symbol.polygon]
        ys = [p.y for p in symbol.polygon]
        rect = Rect(
            min(xs) / k, min(ys) / k, (max(xs) - min(xs) + 1) / k, (max(ys) - min(ys) + 1) / k
        )
        out.append((symbol.data.decode("ascii"), rect))
    return out


def assert_close(found: Rect, expected: Rect, tolerance: float = 0.5) -> None:
    for name in ("x_mm", "y_mm", "right", "bottom"):
        got, want = getattr(found, name), getattr(expected, name)
        assert abs(got - want) <= tolerance, f"{name}: {got:.2f} mm, expected {want:.2f} mm"


def ring_is_blank(image: Grey, rect: Rect, dpi: float, ring: float = 3.0) -> bool:
    """No ink in the ring around a box (the outline itself excluded, 0.3 mm slack)."""
    k = px_per_mm(dpi)
    outer = rect.inflate(ring - 0.2)
    inner = rect.inflate(0.3)
    x0, y0, x1, y1 = (
        int(round(v * k)) for v in (outer.x_mm, outer.y_mm, outer.right, outer.bottom)
    )
    area = image[y0:y1, x0:x1].copy()
    ix0, iy0, ix1, iy1 = (
        int(round(v * k)) for v in (inner.x_mm, inner.y_mm, inner.right, inner.bottom)
    )
    area[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0] = 255
    return bool((area > 235).all())
