"""The procès-verbal de dépouillement: a real PDF, its text read back with pdfium, its QR code
read back with zbar from a rendered page, and its pagination with a full 30-project ballot."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
from pyzbar import pyzbar

from ballots.raster import render_page_array
from ballots.report import (
    CountReport,
    Reconciliation,
    ReportProject,
    group_hash,
    render_count_report,
)

HASH = "981fd70c479672d9190ef5f4b853cac6a1c4675f49aa11141850ec6b9071361c"
CODE = "BPTA1:SCEL:1A2B3C4D:214:0:" + HASH.upper()
FINGERPRINT = "C357 173F 2D4A A351 9249 05E0 6050 0A54 E5EA BD0B 28D2 DBA6 9E77 63C7 3E42 745D"


def _projects(n: int) -> tuple[ReportProject, ...]:
    return tuple(
        ReportProject(
            i + 1,
            f"Projet {i + 1} : bancs et jardinières",
            150_000 + 25_050 * i,
            40 - i,
            "financé" if i < 2 else "pas assez d'argent restant",
            i < 2,
        )
        for i in range(n)
    )


def make_report(n: int = 5, **changes: object) -> CountReport:
    report = CountReport(
        campaign="Budget participatif 2027",
        residence="Les Tilleuls",
        officer="Agnès Martin",
        witnesses=("Karim Benali", "Lucie Fontaine"),
        opened_at=dt.datetime(2027, 1, 20, 18, 5),
        closed_at=dt.datetime(2027, 1, 20, 20, 47),
        session_id="01a21681-e4ac-73cd-9020-757b88c158f6",
        test_mode=False,
        reconciliation=Reconciliation(150, 97, 96, 2, "Un électeur est reparti avec son bulletin."),
        valid=90,
        blank=3,
        invalid=2,
        set_aside=1,
        rejected=1,
        hand_keyed=1,
        budget_cents=700_000,
        spent_cents=325_050,
        rule="le plus de voix dans la limite du budget",
        threshold=0,
        tie_break="le moins cher d'abord, puis le plus de votants, puis un tirage au sort",
        ties=("Projets n° 3 et n° 4 à égalité : départagés par le coût.",),
        projects=_projects(n),
        sealed_hash=HASH,
        sealed_seq=214,
        seal_code=CODE,
        key_fingerprint=FINGERPRINT,
    )
    return replace(report, **changes)  # type: ignore[arg-type]


def _text(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    doc.close()
    return [" ".join(p.replace("\u00a0", " ").replace("\u202f", " ").split()) for p in pages]


def test_the_report_holds_every_required_part(tmp_path: Path) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(), out)
    text = " ".join(_text(out))
    for expected in (
        "Procès-verbal de dépouillement",
        "Budget participatif 2027",
        "Les Tilleuls · mercredi 20 janvier 2027",
        "Agnès Martin",
        "Karim Benali, Lucie Fontaine",
        "mercredi 20 janvier 2027 à 18 h 05",
        "à 20 h 47",
        "150 97 96 2 −1",  # printed, handed out, returned, spoiled, difference
        "Un électeur est reparti avec son bulletin.",
        "90 3 2 1 1",  # valid, blank, invalid, set aside, rejected
        "Dont 1 bulletin saisi à la main",
        "1 500 € 40 financé",
        "1 750,50 € 39 financé",
        "le plus de voix dans la limite du budget",
        "départagés par le coût",
        "Total : 3 250,50 € sur une enveloppe de 7 000 € (reste 3 749,50 €).",
        group_hash(HASH.upper()),
        FINGERPRINT,
        "Les soussignés certifient",
    ):
        assert expected in text, expected
    assert len(re.findall(r"\bSignature\b", text)) == 3  # the officer and two witnesses
    assert "Agent de dépouillement" in text and text.count("Témoin") >= 2


def test_the_qr_code_reads_back_as_the_seal_code(tmp_path: Path) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(), out)
    pages = len(pdfium.PdfDocument(out))
    found = []
    for page in range(pages):
        found += [s.data.decode() for s in pyzbar.decode(render_page_array(out, page, 150))]
    assert found == [CODE]


def test_thirty_projects_flow_over_pages_with_page_numbers(tmp_path: Path) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(30), out)
    pages = _text(out)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert f"{number} / {len(pages)}" in page
    text = " ".join(pages)
    for n in range(1, 31):
        assert f"Projet {n} :" in text
    assert "Signature" in pages[-1]


def test_a_test_count_says_so_and_no_tie_is_reported_plainly(tmp_path: Path) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(3, test_mode=True, ties=(), witnesses=()), out)
    text = " ".join(_text(out))
    assert "Procès-verbal de dépouillement d'essai" in text
    assert "Aucune égalité n'a changé le résultat." in text
    assert "Témoins aucun" in text
    assert len(re.findall(r"\bSignature\b", text)) == 1


def test_the_turnout_is_ballots_over_dwellings(tmp_path: Path) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(dwellings=150), out)  # 90 + 3 + 2 ballots in the box
    text = " ".join(_text(out))
    assert "Participation : 95 bulletins pour 150 logements, soit 63,3 %" in text
    render_count_report(make_report(dwellings=0), out)
    assert "nombre de logements de la résidence n'est pas renseigné" in " ".join(_text(out))


def test_the_seal_is_explained_in_one_plain_sentence(tmp_path: Path) -> None:
    out = tmp_path / "pv.pdf"
    render_count_report(make_report(), out)
    text = " ".join(_text(out))
    assert "Ce code permet à chacun de vérifier que le dépouillement n'a pas été modifié" in text
