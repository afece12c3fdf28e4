"""The pages the evaluation corpus (seed 1) once lost, kept small in tests/scanner/data/.

Scans with a fold crease or a scanner streak through a marker's quiet zone were rejected before
their QR was even looked for (`registration_poor`, `markers_incomplete`); a steep photo left a
QR too soft for zbar. Each page is the real degraded scan, white outside windows around the
markers and the QR (benchmarks/scanner_eval/hard_cases.py made them).
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.scanner_eval.corpus import campaign_key
from scanner import ReadContext, qr
from scanner.identity import check_identity
from scanner.interpret import interpret_image, register_page
from scanner.registration import Registration, detect_markers, register
from scanner.template import Rect

DATA = Path(__file__).parent / "data"
#: page, what the plain marker search says, what crosses the markers.
PAGES = [
    ("t0006_021", "registration_poor"),  # 1-bit scan, fold through two markers
    ("t0162_015", "registration_poor"),  # low contrast, fold
    ("t0236_008", "registration_poor"),  # fold, upside down
    ("t0089_023", "markers_incomplete"),  # streak through a marker's quiet zone
    ("t0257_018", "markers_incomplete"),  # streak, turned 270 degrees
]


def _context(stem: str) -> ReadContext:
    layout = json.loads((DATA / f"{stem}.layout.json").read_text("utf-8"))
    return ReadContext.create([layout], campaign_key(0), mode="live")


def _grey(stem: str) -> np.ndarray:
    img = cv2.imread(str(DATA / f"{stem}.png"), cv2.IMREAD_GRAYSCALE)
    assert img is not None
    return img


@pytest.mark.parametrize(("stem", "plain_reason"), PAGES)
def test_fold_or_streak_through_a_marker_still_registers(stem: str, plain_reason: str) -> None:
    grey, ctx = _grey(stem), _context(stem)
    tpl = ctx.templates[0]
    plain = register(detect_markers(grey), ctx.markers_by_page(), (tpl.width_mm, tpl.height_mm))
    assert not isinstance(plain, Registration)  # the case stays hard for the plain search
    assert str(plain.reason) == plain_reason
    reg, _guess, _found = register_page(grey, ctx)
    assert isinstance(reg, Registration)
    assert reg.reproj_error_mm < 0.2
    assert len(reg.marker_ids) >= 3
    reading = interpret_image(grey, ctx)
    assert reading.status != "rejected", reading.reasons
    assert reading.template_hash == tpl.template_hash


def test_steep_photo_qr_needs_the_sharpened_variant() -> None:
    stem = "t0262_011_qr_region"
    region = _grey(stem)
    ctx = _context(stem)
    rect = Rect.from_json(json.loads((DATA / f"{stem}.layout.json").read_text("utf-8"))["qr"])
    px, m = qr.RECTIFY_PX, qr.QR_MARGIN_MM
    # The stored image is the rectified region itself: millimetres map to it linearly.
    hom = np.array(
        [[px, 0, -px * (rect.x - m)], [0, px, -px * (rect.y - m)], [0, 0, 1]], dtype=np.float64
    )
    plain = [region, *qr._binarised(region)]
    assert not any(qr._zbar(v) or qr._opencv(v) for v in plain)
    texts, decoder = qr.decode_region(region, hom, rect, px)
    assert decoder == "zbar"
    ident = check_identity(texts, ctx)  # the MAC and the layout hash vouch for the text
    assert ident.reasons == ()
    assert ident.template is not None
