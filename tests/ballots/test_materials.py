"""Other vote materials: real PDFs, their text read back with pdfium, no ballot data on sign-in."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pyzbar import pyzbar

from ballots.errors import PictureError
from ballots.materials import (
    VoteSession,
    render_poster,
    render_project_sheets,
    render_sign_in_sheet,
)
from ballots.model import Project
from ballots.raster import render_page_array
from tests.ballots.conftest import make_projects, make_spec


def _text(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    doc.close()
    return [" ".join(p.replace("\u00a0", " ").split()) for p in pages]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (90, 140, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_project_sheets_one_page_per_project(tmp_path: Path) -> None:
    projects = make_projects(3)
    with_picture = (
        Project(
            projects[0].project_id,
            1,
            projects[0].title,
            projects[0].cost_cents,
            "Un jardin pour tous.",
            _jpeg(),
        ),
    )
    spec = make_spec(projects=with_picture + projects[1:])
    out = tmp_path / "fiches.pdf"
    render_project_sheets(spec, out)
    pages = _text(out)
    assert len(pages) == 3
    assert "Jardins partagés" in pages[0] and "1 500 €" in pages[0] and "1 / 3" in pages[0]
    assert "Résidence Les Tilleuls" in pages[2] and "Projet n° 3" in pages[2]


def test_poster_lists_sessions_rule_and_projects(tmp_path: Path) -> None:
    out = tmp_path / "affiche.pdf"
    sessions = [
        VoteSession("Salle commune, bâtiment A", dt.date(2026, 3, 3), dt.time(17), dt.time(19, 30))
    ]
    render_poster(make_spec(12), sessions, out)
    (page,) = _text(out)
    assert "Mardi 3 mars 2026, de 17 h à 19 h 30" in page
    assert "2. Cochez jusqu'à 3 projets." in page
    assert all(title in page for title in ("Boîte à livres", "Local vélos sécurisé"))


def test_sign_in_sheet_has_no_ballot_information(tmp_path: Path) -> None:
    spec = make_spec(5)
    out = tmp_path / "emargement.pdf"
    render_sign_in_sheet(spec.campaign, spec.residence, out, pages=2)
    pages = _text(out)
    assert len(pages) == 2
    assert "Nom et prénom" in pages[0] and "Signature" in pages[0] and "44" in pages[1]
    for page in pages:
        assert "BP26" not in page and "Jardins" not in page and "€" not in page
    assert pyzbar.decode(render_page_array(out, 0, 150)) == []


def test_bad_picture_on_sheets_leaves_no_file(tmp_path: Path) -> None:
    bad = (Project("p", 1, "T", 100, "", b"not an image"),)
    out = tmp_path / "fiches.pdf"
    with pytest.raises(PictureError):
        render_project_sheets(make_spec(projects=bad), out)
    assert not out.exists()


def test_sign_in_sheet_has_date_place_page_totals_and_a_last_page_total(tmp_path: Path) -> None:
    spec = make_spec(5)
    out = tmp_path / "emargement.pdf"
    render_sign_in_sheet(spec.campaign, spec.residence, out, pages=3)
    pages = _text(out)
    assert len(pages) == 3
    per_page = 22
    for index, page in enumerate(pages):
        assert "Date :" in page and "Lieu :" in page
        assert "Signatures sur cette page" in page and "Report des pages précédentes" in page
        assert f"{index * per_page + 1} " in page and f" {(index + 1) * per_page} " in page
        assert f"{index + 1} / 3" in page
    assert "Total des votants (toutes les pages)" in pages[-1]
    assert all("Total des votants" not in page for page in pages[:-1])


def test_sign_in_sheet_prints_the_only_vote_session(tmp_path: Path) -> None:
    spec = make_spec(5)
    out = tmp_path / "emargement.pdf"
    one = VoteSession("Salle commune", dt.date(2026, 3, 3), dt.time(17), dt.time(19, 30))
    render_sign_in_sheet(spec.campaign, spec.residence, out, sessions=[one])
    (page,) = _text(out)
    assert "Date : mardi 3 mars 2026, de 17 h à 19 h 30" in page
    assert "Lieu : Salle commune" in page


#: Glyph height (mm) of text read from 2 m: capitals and digits of about 24 pt bold.
READABLE_AT_2M = 5.8


def _tallest(boxes, words: str) -> float:  # type: ignore[no-untyped-def]
    found = [b.y1 - b.y0 for b in boxes if words in b.text]
    assert found, (words, [b.text for b in boxes])
    return max(found)


def test_poster_gives_budget_date_place_and_contact_readable_at_two_metres(tmp_path: Path) -> None:
    from tests.ballots.textboxes import text_boxes

    out = tmp_path / "affiche.pdf"
    sessions = [
        VoteSession("Salle commune, bâtiment A", dt.date(2026, 3, 3), dt.time(17), dt.time(19, 30)),
        VoteSession("Hall d'entrée", dt.date(2026, 3, 5), dt.time(10), dt.time(12)),
    ]
    render_poster(make_spec(6), sessions, out, budget_cents=3_000_000,
                  contact="Amina Diallo, 04 99 00 12 34")  # fmt: skip
    (page,) = _text(out)
    boxes = text_boxes(out)
    assert "30 000 €" in page and "Une question ? Amina Diallo, 04 99 00 12 34" in page
    for words in ("30 000", "Mardi 3 mars 2026", "Salle commune", "Jeudi 5 mars", "Hall d'entrée",
                  "Amina Diallo"):  # fmt: skip
        assert _tallest(boxes, words) >= READABLE_AT_2M, words


def test_poster_without_budget_or_contact_leaves_them_out(tmp_path: Path) -> None:
    out = tmp_path / "affiche.pdf"
    one = [VoteSession("Loge", dt.date(2026, 3, 3), dt.time(17), dt.time(19))]
    render_poster(make_spec(4), one, out)
    (page,) = _text(out)
    assert "Une question" not in page and "€ pour" not in page and "Loge" in page


def test_a_short_description_is_printed_large_and_the_sheet_says_how_to_vote(
    tmp_path: Path,
) -> None:
    from tests.ballots.textboxes import text_boxes

    project = Project("p", 4, "Boîte à livres", 90_000, "Une petite bibliothèque dans le hall.")
    out = tmp_path / "fiche.pdf"
    render_project_sheets(make_spec(projects=(project,)), out)
    (page,) = _text(out)
    boxes = text_boxes(out)
    line = [b for b in boxes if "petite bibliothèque" in b.text]
    assert line and line[0].y1 - line[0].y0 >= 5.5  # 16 pt or more, not the 14 pt of before
    assert "cochez la case n° 4 sur le bulletin" in page
    assert "Cochez jusqu'à 3 projets." in page and "Vote du" in page
    panel = [b for b in boxes if "cochez la case" in b.text]
    assert panel and panel[0].y0 > 200  # at the foot of the page, under the description


def test_a_sheet_with_a_picture_gives_it_most_of_the_page(tmp_path: Path) -> None:
    import pypdfium2.raw as pdfium_c

    project = Project("p", 1, "Jardin", 1_200_000, "Six bacs de potager.", _jpeg())
    out = tmp_path / "fiche.pdf"
    render_project_sheets(make_spec(projects=(project,)), out)
    doc = pdfium.PdfDocument(out)
    try:
        (image,) = doc[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
        left, bottom, right, top = image.get_bounds()
    finally:
        doc.close()
    assert (top - bottom) * 25.4 / 72 >= 90  # mm: a real picture, not a stamp


def test_a_crowded_poster_keeps_its_far_facts_and_never_overlaps(tmp_path: Path) -> None:
    """Six sessions, thirty projects, a budget and a long contact: the projects give way."""
    from ballots.furniture import BODY_BOTTOM
    from tests.ballots.textboxes import overlapping, text_boxes

    sessions = [
        VoteSession(
            "Salle polyvalente du bâtiment C", dt.date(2026, 3, d), dt.time(17), dt.time(19)
        )
        for d in range(2, 8)
    ]
    out = tmp_path / "affiche.pdf"
    render_poster(make_spec(30), sessions, out, budget_cents=12_345_600,
                  contact="Amina Diallo, gardienne des Tilleuls : 04 99 00 12 34")  # fmt: skip
    boxes = text_boxes(out)
    assert overlapping(boxes) == []
    assert all(b.y1 <= BODY_BOTTOM + 0.3 or b.y0 >= 280 for b in boxes)
    (page,) = _text(out)
    assert "… et 3 autres permanences" in page and "123 456 €" in page
    assert "Amina Diallo" in page and "04 99 00 12 34" in page  # wrapped, never cut
    assert "autres projets : voir les fiches projets." in page
    for words in ("123 456", "Lundi 2 mars", "Amina Diallo"):
        assert _tallest(boxes, words) >= READABLE_AT_2M, words
