"""Scanner and camera degradations, all seeded.

A scan is the page resampled to the scanner's resolution, turned (any orientation), skewed and
scaled ("fit to page"), then blurred, noised, compressed, thresholded and so on. A photo is the
page put in perspective in a 12 MP frame on a table, under uneven light.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from numpy.typing import NDArray

SCAN_DEGRADATIONS = (
    "clean",
    "skew",
    "skew_window",
    "scale",
    "blur",
    "noise",
    "jpeg",
    "low_contrast",
    "tinted",
    "bw",
    "streaks",
    "dpi150",
    "dpi300",
)
A4 = (210.0, 297.0)

Grey = NDArray[np.uint8]


def scan_geometry(
    page: Grey,
    dpi_in: float,
    dpi_out: float,
    orientation: int,
    skew: float,
    scale: float,
    lid: int = 250,
) -> Grey:
    """Resample the page onto a scanner bed at dpi_out, rotated and scaled about its centre."""
    f = dpi_out / dpi_in * scale
    rad = math.radians(abs(skew))
    bed_w = (A4[0] * math.cos(rad) + A4[1] * math.sin(rad)) * scale + 6
    bed_h = (A4[0] * math.sin(rad) + A4[1] * math.cos(rad)) * scale + 6
    out_w, out_h = (
        int(round(max(v, a) / 25.4 * dpi_out)) for v, a in zip((bed_w, bed_h), A4, strict=True)
    )
    cx, cy = page.shape[1] / 2, page.shape[0] / 2
    m = cv2.getRotationMatrix2D((cx, cy), skew, f)
    m[0, 2] += out_w / 2 - cx
    m[1, 2] += out_h / 2 - cy
    interp = cv2.INTER_AREA if f < 0.8 else cv2.INTER_LINEAR
    if f < 0.8:
        small = cv2.resize(page, None, fx=f / scale, fy=f / scale, interpolation=cv2.INTER_AREA)
        return scan_geometry(small, dpi_out / scale, dpi_out, orientation, skew, scale, lid)
    img = cv2.warpAffine(page, m, (out_w, out_h), flags=interp, borderValue=lid)
    return np.ascontiguousarray(np.rot90(img, k=-(orientation // 90)))


def scan_window(
    page: Grey,
    dpi_in: float,
    dpi_out: float,
    orientation: int,
    skew: float,
    shift_mm: tuple[float, float],
) -> Grey:
    """A skewed page in a scan window of exactly the page's size (a corner or two cut off).

    The sheet is turned by `skew` degrees about its centre and moved by `shift_mm`, but the
    scanner only captures an A4 window: at 3-5 degrees the corner markers on one diagonal (or
    more) run past the window's edge, while the boxes and the QR code stay inside.
    """
    f = dpi_out / dpi_in
    out_w, out_h = (int(round(a / 25.4 * dpi_out)) for a in A4)
    if f < 0.8:
        page = np.asarray(
            cv2.resize(page, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
        f = 1.0
    cx, cy = page.shape[1] / 2, page.shape[0] / 2
    m = cv2.getRotationMatrix2D((cx, cy), skew, f)
    m[0, 2] += out_w / 2 - cx + shift_mm[0] / 25.4 * dpi_out
    m[1, 2] += out_h / 2 - cy + shift_mm[1] / 25.4 * dpi_out
    img = cv2.warpAffine(page, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=250)
    return np.ascontiguousarray(np.rot90(img, k=-(orientation // 90)))


def blur(img: Grey, rnd: random.Random) -> Grey:
    return np.asarray(cv2.GaussianBlur(img, (0, 0), rnd.uniform(0.7, 1.4)), dtype=np.uint8)


def noise(img: Grey, rnd: random.Random, sigma: float | None = None) -> Grey:
    nrng = np.random.default_rng(rnd.getrandbits(32))
    s = sigma if sigma is not None else rnd.uniform(5, 14)
    out = img.astype(np.float32) + nrng.normal(0, s, img.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def low_contrast(img: Grey, rnd: random.Random) -> Grey:
    lo, hi = rnd.uniform(70, 100), rnd.uniform(215, 240)
    return (lo + img.astype(np.float32) * (hi - lo) / 255).astype(np.uint8)


def tinted(img: Grey, rnd: random.Random) -> Grey:
    k = rnd.uniform(0.78, 0.92)
    return noise((img.astype(np.float32) * k).astype(np.uint8), rnd, 3)


def bw(img: Grey, rnd: random.Random) -> Grey:
    t = rnd.uniform(175, 200)
    return np.where(img < t, 0, 255).astype(np.uint8)


def streaks(img: Grey, rnd: random.Random) -> Grey:
    out = img.astype(np.int16)
    for _ in range(rnd.randint(1, 3)):
        x = rnd.randrange(0, img.shape[1] - 4)
        wdt = rnd.randint(1, 3)
        out[:, x : x + wdt] -= rnd.randint(25, 110)
    return np.clip(out, 0, 255).astype(np.uint8)


def jpeg_bytes(img: Grey, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return bytes(buf.tobytes())


def _tilt_quad(w: float, h: float, fw: int, fh: int, rnd: random.Random) -> NDArray[np.float32]:
    """Corners of a page tilted in 3D (up to 30 degrees), projected into the frame."""
    ax, ay = math.radians(rnd.uniform(-30, 30)), math.radians(rnd.uniform(-30, 30))
    rz = math.radians(rnd.uniform(-180, 180) if rnd.random() < 0.3 else rnd.uniform(-8, 8))
    pts = np.array(
        [[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]],
        dtype=np.float64,
    )
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rzm = np.array([[math.cos(rz), -math.sin(rz), 0], [math.sin(rz), math.cos(rz), 0], [0, 0, 1]])
    p = pts @ (rzm @ ry @ rx).T
    dist = 1.6 * max(w, h)
    proj = p[:, :2] * dist / (dist + p[:, 2:3])
    span = proj.max(axis=0) - proj.min(axis=0)
    k = rnd.uniform(0.8, 0.92) * min(fw / span[0], fh / span[1])
    proj = (proj - proj.min(axis=0)) * k
    off = ((fw, fh) - (proj.max(axis=0))) * np.array([rnd.uniform(0.3, 0.7), rnd.uniform(0.3, 0.7)])
    return (proj + off).astype(np.float32)


def photo(page: Grey, rnd: random.Random, frame: tuple[int, int] = (4000, 3000)) -> Grey:
    """The page photographed on a table: perspective, uneven light, blur, sensor noise."""
    return photo_framed(page, rnd, frame)[0]


def photo_framed(
    page: Grey,
    rnd: random.Random,
    frame: tuple[int, int] = (4000, 3000),
    cut_at: tuple[float, float] | None = None,
) -> tuple[Grey, NDArray[np.float64]]:
    """A photo, and the page-to-frame homography; `cut_at` (page px) is framed out or at the edge.

    With `cut_at` (a corner marker's centre) the page is taken a little closer and pushed
    towards that corner, so the point ends between 5 mm inside the frame's edge (the marker
    cut in half or less) and 6 mm beyond it: a photo framed short of a marker.
    """
    fw, fh = frame if rnd.random() < 0.5 else (frame[1], frame[0])
    h, w = page.shape
    quad = _tilt_quad(w, h, fw, fh, rnd)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    if cut_at is not None:
        quad = _push_out(quad, src, cut_at, fw, fh, w, rnd)
    m = cv2.getPerspectiveTransform(src, quad)
    table = rnd.uniform(40, 110)
    img = cv2.warpPerspective(page, m, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=table)
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    gx, gy = rnd.uniform(-1, 1), rnd.uniform(-1, 1)
    light = 1.0 - rnd.uniform(0.15, 0.45) * (
        0.5 + 0.5 * (gx * (xx / fw - 0.5) + gy * (yy / fh - 0.5))
    )
    cx, cy = rnd.uniform(0.2, 0.8) * fw, rnd.uniform(0.2, 0.8) * fh
    light -= rnd.uniform(0.0, 0.2) * (((xx - cx) / fw) ** 2 + ((yy - cy) / fh) ** 2)
    out = img.astype(np.float32) * light * rnd.uniform(0.85, 1.0)
    out = cv2.GaussianBlur(out, (0, 0), rnd.uniform(0.6, 1.3))
    return noise(np.clip(out, 0, 255).astype(np.uint8), rnd, rnd.uniform(2, 6)), m


def _push_out(
    quad: NDArray[np.float32],
    src: NDArray[np.float32],
    point: tuple[float, float],
    fw: int,
    fh: int,
    page_w: int,
    rnd: random.Random,
) -> NDArray[np.float32]:
    centre = quad.mean(axis=0)
    quad = (centre + (quad - centre) * rnd.uniform(1.0, 1.06)).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    p = cv2.perspectiveTransform(np.array([[point]], dtype=np.float64), m).reshape(2)
    px_mm = float(np.linalg.norm(quad[1] - quad[0])) / (page_w / (200 / 25.4))
    v = p - centre
    v /= max(float(np.linalg.norm(v)), 1e-9)
    # Distance along v from p to the frame's edge (positive: p is inside).
    ts = [((fw if v[0] > 0 else 0) - p[0]) / v[0] if abs(v[0]) > 1e-9 else np.inf]
    ts.append(((fh if v[1] > 0 else 0) - p[1]) / v[1] if abs(v[1]) > 1e-9 else np.inf)
    to_edge = float(min(ts))
    beyond = rnd.uniform(-5.0, 6.0) * px_mm
    return (quad + v * (to_edge + beyond)).astype(np.float32)
