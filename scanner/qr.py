"""Read the ballot's QR code where the layout says it is.

zbar (pyzbar) is the first decoder, run on the expected region only (fast, and no risk of reading
another code on the sheet); OpenCV's decoder is the second, for when zbar fails or is missing.
The payload itself is Base32 text in alphanumeric mode (docs/ballot-format.md), so both decoders
return it exactly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.template import Rect

log = logging.getLogger(__name__)

try:  # zbar is a system library: the reader still works (more slowly) without it.
    from pyzbar import pyzbar as _pyzbar

    _ZBAR: object | None = _pyzbar
except (ImportError, OSError):  # pragma: no cover - depends on the machine
    _ZBAR = None
    log.warning("zbar is not available: QR codes are read with OpenCV only")

#: Margin around the QR square searched (quiet zone plus registration tolerance), in mm.
QR_MARGIN_MM = 5.0
#: Resolution of the rectified QR region (about 5 pixels per module of a version 5 code).
RECTIFY_PX = 10.0
#: Unsharp mask of the last variants (pixels of the rectified region, gain).
SHARPEN_SIGMA = 1.5
SHARPEN_AMOUNT = 1.5


def _zbar(img: NDArray[np.uint8]) -> list[str]:
    if _ZBAR is None:
        return []
    from pyzbar.pyzbar import ZBarSymbol, decode

    out = []
    for sym in decode(img, symbols=[ZBarSymbol.QRCODE]):
        try:
            out.append(sym.data.decode("ascii"))
        except UnicodeDecodeError:
            continue
    return sorted(out)


def _opencv(img: NDArray[np.uint8]) -> list[str]:
    try:
        text, _points, _ = cv2.QRCodeDetector().detectAndDecode(img)
    except cv2.error:
        return []
    return [text] if text else []


def region_crop(grey: NDArray[np.uint8], hom: NDArray[np.float64], qr: Rect) -> NDArray[np.uint8]:
    """The image pixels around the QR square, upright-agnostic (bounding box of its projection)."""
    quad = np.array(qr.grow(QR_MARGIN_MM).corners(), dtype=np.float64).reshape(-1, 1, 2)
    pts = cv2.perspectiveTransform(quad, hom).reshape(-1, 2)
    h, w = grey.shape[:2]
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return np.zeros((0, 0), dtype=np.uint8)
    return grey[y0:y1, x0:x1]


def rectified(grey: NDArray[np.uint8], hom: NDArray[np.float64], qr: Rect) -> NDArray[np.uint8]:
    """The QR region warped upright at RECTIFY_PX pixels per mm (perspective removed)."""
    area = qr.grow(QR_MARGIN_MM)
    to_img = hom @ np.array(
        [[1 / RECTIFY_PX, 0, area.x], [0, 1 / RECTIFY_PX, area.y], [0, 0, 1]], dtype=np.float64
    )
    size = (int(round(area.w * RECTIFY_PX)), int(round(area.h * RECTIFY_PX)))
    out = cv2.warpPerspective(
        grey,
        to_img,
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(out, dtype=np.uint8)


def _binarised(img: NDArray[np.uint8]) -> Iterator[NDArray[np.uint8]]:
    _, otsu = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield np.asarray(otsu, dtype=np.uint8)
    block = int(RECTIFY_PX * 4) | 1
    yield np.asarray(
        cv2.adaptiveThreshold(img, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 8),
        dtype=np.uint8,
    )


def sharpened(img: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Unsharp mask at the module scale.

    A photo taken at a steep angle leaves 2-3 blurred pixels per module across the tilt; the
    rectified region is then too soft for zbar's edge finder, and a plain threshold merges
    neighbouring modules. Boosting the detail above a 1.5 px blur brings the edges back.
    """
    soft = cv2.GaussianBlur(img.astype(np.float32), (0, 0), SHARPEN_SIGMA)
    out = img.astype(np.float32) * (1 + SHARPEN_AMOUNT) - soft * SHARPEN_AMOUNT
    return np.clip(out, 0, 255).astype(np.uint8)


def _variants(
    grey: NDArray[np.uint8], hom: NDArray[np.float64], qr: Rect, crop: NDArray[np.uint8]
) -> Iterator[NDArray[np.uint8]]:
    yield crop
    upright = rectified(grey, hom, qr)
    yield upright
    yield from _binarised(upright)
    sharp = sharpened(upright)
    yield sharp
    yield from _binarised(sharp)


def decode_region(
    grey: NDArray[np.uint8], hom: NDArray[np.float64], qr: Rect, px_per_mm: float
) -> tuple[list[str], str]:
    """Texts decoded in the QR region and the decoder that read them ('zbar', 'opencv', '')."""
    crop = region_crop(grey, hom, qr)
    if crop.size == 0:
        return [], ""
    variants = []
    for img in _variants(grey, hom, qr, crop):
        texts = _zbar(img)
        if texts:
            return texts, "zbar"
        variants.append(img)
    for img in variants:
        texts = _opencv(img)
        if texts:
            return texts, "opencv"
    return [], ""


def decode_anywhere(grey: NDArray[np.uint8]) -> tuple[list[str], str]:
    """Last resort: look for QR codes in the whole image."""
    texts = _zbar(grey)
    if texts:
        return texts, "zbar"
    texts = _opencv(grey)
    return (texts, "opencv") if texts else ([], "")
