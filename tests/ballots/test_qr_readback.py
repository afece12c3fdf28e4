"""QR symbols printed to PDF, rendered by pypdfium2 and read back byte for byte by zbar.

Two traps seen on this machine must never bite: a generator failing on zero-heavy payloads, and
zbar transcoding byte-mode payloads. Alphanumeric Base32 sidesteps both; these tests prove it.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyzbar import pyzbar
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from ballots.geometry import build_layout
from ballots.layout import BallotLayout
from ballots.payload import (
    Payload,
    decode_text,
    encode_payload,
    encode_text,
    payload_to_text,
    text_to_payload,
    verify_payload,
)
from ballots.render import draw_qr, render_ballots
from ballots.style import Pen
from tests.ballots.conftest import KEY, make_spec
from tests.ballots.test_payload import EDGES, payloads

LAYOUT = build_layout(make_spec(3))
DPI = 200


def _qr_pages_pdf(layout: BallotLayout, texts: list[str]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    pen = Pen(canvas)
    for text in texts:
        draw_qr(pen, layout, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _read_qr_pages(pdf: bytes | Path, layout: BallotLayout, dpi: float = DPI) -> list[list[bytes]]:
    """zbar's results for the QR region (with a margin) of every page."""
    doc = pdfium.PdfDocument(pdf)
    pt = 72 / 25.4
    qr = layout.qr.inflate(5)
    crop = (qr.x_mm * pt, (297 - qr.bottom) * pt, (210 - qr.right) * pt, qr.y_mm * pt)
    results = []
    for index in range(len(doc)):
        bitmap = doc[index].render(scale=dpi / 72, crop=crop, grayscale=True)
        image = np.asarray(bitmap.to_pil().convert("L"))
        results.append([s.data for s in pyzbar.decode(image)])
    doc.close()
    return results


def _round_trip(payloads_in: list[Payload]) -> None:
    texts = [encode_text(p, KEY) for p in payloads_in]
    read = _read_qr_pages(_qr_pages_pdf(LAYOUT, texts), LAYOUT)
    for payload, text, found in zip(payloads_in, texts, read, strict=True):
        assert found == [text.encode("ascii")]
        assert verify_payload(text_to_payload(found[0].decode("ascii")), KEY) == payload


def test_edge_payloads_print_and_read_back() -> None:
    _round_trip(EDGES)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(payloads, min_size=1, max_size=5))
def test_random_payloads_print_and_read_back(batch: list[Payload]) -> None:
    _round_trip(batch)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.just(0) | st.just(0) | st.integers(0, 255), min_size=38, max_size=38))
def test_zero_heavy_bytes_survive(values: list[int]) -> None:
    """Any 38 bytes (not only valid payloads), zero-heavy ones included, come back exactly."""
    text = payload_to_text(bytes(values))
    read = _read_qr_pages(_qr_pages_pdf(LAYOUT, [text]), LAYOUT)
    assert read == [[text.encode("ascii")]]


def test_encoded_payload_is_what_zbar_reads() -> None:
    raw = encode_payload(EDGES[0], KEY)
    assert (
        payload_to_text(raw).encode()
        in _read_qr_pages(_qr_pages_pdf(LAYOUT, [payload_to_text(raw)]), LAYOUT)[0]
    )


@pytest.mark.slow
def test_thousands_of_printed_ballots_read_back(tmp_path: Path) -> None:
    """2 000 real ballots (random serials) printed in one PDF, every QR read back at 150 dpi."""
    result = render_ballots(make_spec(3), tmp_path / "b.pdf", key=KEY, batch=0xFFFFFFFF, count=2000)
    read = _read_qr_pages(result.path, result.layout, dpi=150)
    serials = []
    for found in read:
        assert len(found) == 1
        serials.append(decode_text(found[0].decode("ascii"), KEY).serial)
    assert sorted(s for s in serials if s is not None) == list(result.serials)
