"""The paged documents (procès-verbal, slips) share one paging base; a test document carries a
diagonal "ESSAI — SANS VALEUR" band on every page; a long title never runs into its subtitle
nor the subtitle into the first section."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from ballots import paged, report, slip
from ballots.raster import render_page_array
from ballots.report import render_count_report
from ballots.slip import render_slip
from tests.ballots.test_report import make_report
from tests.ballots.test_slip import make_slip
from tests.ballots.textboxes import text_boxes

BAND = "ESSAI — SANS VALEUR"


def _pages(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    finally:
        doc.close()


def _red(pdf: Path, page: int) -> np.ndarray:
    """Where the page is clearly red (the band), at 40 dpi."""
    rgb = render_page_array(pdf, page, 40, grey=False).astype(int)
    return (rgb[..., 0] - rgb[..., 2] > 40) & (rgb[..., 0] > 150)


def test_report_and_slip_share_one_paging_base() -> None:
    assert issubclass(report._Layout, paged.PagedLayout)
    assert issubclass(slip._Layout, paged.PagedLayout)
    assert not hasattr(report, "_draw_qr") and not hasattr(slip, "_draw_qr")
    assert report.draw_qr is slip.draw_qr is paged.draw_qr


@pytest.mark.parametrize("kind", ["report", "slip"])
def test_every_page_of_a_test_document_carries_the_diagonal_band(tmp_path, kind) -> None:
    out = tmp_path / f"{kind}.pdf"
    if kind == "report":
        render_count_report(make_report(30, test_mode=True), out)
    else:
        render_slip(
            make_slip(test_mode=True, witnesses=tuple(f"Témoin {i}" for i in range(14))), out
        )
    pages = _pages(out)
    assert len(pages) >= 2
    for index, text in enumerate(pages):
        assert BAND in text, index
        red = _red(out, index)
        h, w = red.shape
        # diagonal: red both in the lower-left and the upper-right quarter, little at the corners
        assert red[h // 2 :, : w // 2].mean() > 0.02 and red[: h // 2, w // 2 :].mean() > 0.02
        assert red[: h // 6, : w // 6].mean() < 0.01


@pytest.mark.parametrize("kind", ["report", "slip"])
def test_a_real_document_has_no_band(tmp_path, kind) -> None:
    out = tmp_path / f"{kind}.pdf"
    if kind == "report":
        render_count_report(make_report(3), out)
    else:
        render_slip(make_slip(), out)
    assert all(BAND not in text for text in _pages(out))
    assert _red(out, 0).mean() < 0.002


def _box(boxes, start: str):  # type: ignore[no-untyped-def]
    found = [b for b in boxes if b.text.startswith(start)]
    assert found, (start, [b.text for b in boxes][:20])
    return found[0]


@pytest.mark.parametrize("campaign", ["Budget participatif 2027", "Budget " * 12])
def test_a_long_title_pushes_the_subtitle_and_the_body_down(tmp_path, campaign) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(3, test_mode=True, campaign=campaign), out)
    boxes = text_boxes(out, 0)
    title = [b for b in boxes if b.text.startswith(("Procès-verbal", "d'essai")) and b.y0 < 80]
    subtitle = _box(boxes, "Les Tilleuls ·")
    first = _box(boxes, "Séance")
    assert max(b.y1 for b in title) < subtitle.y0
    assert subtitle.y1 + 2 < first.y0


def test_a_test_slip_title_fits_above_its_subtitle(tmp_path) -> None:
    out = tmp_path / "slip.pdf"
    render_slip(replace(make_slip(test_mode=True), kind=slip.CHECKPOINT), out)
    boxes = text_boxes(out, 0)
    title = [
        b
        for b in boxes
        if b.text.startswith(("Bordereau", "(dépouillement", "contrôle")) and b.y0 < 80
    ]
    subtitle = _box(boxes, "Les Tilleuls ·")
    assert max(b.y1 for b in title) < subtitle.y0 < _box(boxes, "Séance").y0


def test_every_ballot_of_a_test_deck_carries_the_band(tmp_path) -> None:
    from ballots.testdeck import make_test_deck
    from tests.ballots.conftest import KEY, make_spec

    deck = make_test_deck(make_spec(4), tmp_path / "deck.pdf", key=KEY, batch=1, count=3)
    pages = _pages(deck.printed.path)
    assert len(pages) == 3 and all(BAND in text for text in pages)
    live = tmp_path / "live.pdf"
    from ballots.render import render_ballots

    render_ballots(make_spec(4), live, key=KEY, batch=2, count=1)
    assert BAND not in _pages(live)[0]


def test_a_test_slip_stays_on_one_page(tmp_path) -> None:
    out = tmp_path / "slip.pdf"
    render_slip(make_slip(test_mode=True, kind=slip.SEAL), out)
    (text,) = _pages(out)
    assert "Bordereau de scellement — essai" in text and BAND in text
