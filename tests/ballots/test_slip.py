"""The printed batch slip: a real PDF read back with pdfium (counts, hash in groups of four,
names, signature lines), its QR code read back with zbar from a rendered page as the slip code,
which the application's parser accepts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
from pyzbar import pyzbar

from app.domain.audit.slip import parse_slip_code
from ballots.raster import render_page_array
from ballots.slip import BATCH, SEAL, BatchSlip, hash_lines, render_slip

HASH = "5d0c2e7fa4b1c3d2e9f80716253443526170f8e9dacbbcad9e8f70615243a5b6"
CODE = "BPTA1:LOT:1A2B3C4D:57:2:" + HASH.upper()
FINGERPRINT = "C357 173F 2D4A A351 9249 05E0 6050 0A54 E5EA BD0B 28D2 DBA6 9E77 63C7 3E42 745D"


def make_slip(**changes: object) -> BatchSlip:
    slip = BatchSlip(
        campaign="Budget participatif 2027",
        residence="Les Tilleuls",
        session_id="01a21681-e4ac-73cd-9020-757b88c158f6",
        officer="Agnès Martin",
        witnesses=("Karim Benali", "Lucie Fontaine"),
        kind=BATCH,
        batch=2,
        seq=57,
        moment=dt.datetime(2027, 1, 20, 19, 12),
        counts=(("Bulletins valides", 1234), ("Bulletins blancs", 3), ("Bulletins nuls", 2),
                ("Bulletins mis de côté", 1), ("À revoir", 0), ("Feuilles rejetées", 4)),
        sheets=(("Feuilles reçues", 1244), ("Feuilles lues", 1240), ("Décisions", 17)),
        entry_hash=HASH,
        key_fingerprint=FINGERPRINT,
        code=CODE,
        verify_command="bp-terrain verify PAQUET.zip --slip CODE-DU-BORDEREAU",
    )  # fmt: skip
    return replace(slip, **changes)  # type: ignore[arg-type]


def _pages(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    doc.close()
    return [" ".join(p.replace("\u00a0", " ").replace("\u202f", " ").split()) for p in pages]


def test_the_slip_prints_counts_hash_groups_names_and_signature_lines(tmp_path: Path) -> None:
    out = tmp_path / "lot.pdf"
    render_slip(make_slip(), out)
    pages = _pages(out)
    assert len(pages) == 1
    text = pages[0]
    for expected in (
        "Bordereau de lot n° 2",
        "Budget participatif 2027",
        "Les Tilleuls · mercredi 20 janvier 2027",
        "mercredi 20 janvier 2027 à 19 h 12",
        "01a21681-e4ac-73cd-9020-757b88c158f6",
        "Karim Benali, Lucie Fontaine",
        "Bulletins valides 1 234 Bulletins blancs 3 Bulletins nuls 2 Bulletins mis de côté 1 "
        "À revoir 0 Feuilles rejetées 4",  # thousands grouped
        "Journal : Feuilles reçues : 1 244 · Feuilles lues : 1 240 · Décisions : 17.",
        *hash_lines(HASH),
        FINGERPRINT,
        "Pour vérifier : bp-terrain verify PAQUET.zip --slip",
        "n° 57",
    ):
        assert expected in text, expected
    assert hash_lines(HASH)[0] == "5D0C 2E7F A4B1 C3D2"
    assert len(re.findall(r"\bSignature\b", text)) == 3  # the officer and two witnesses
    assert "1 / 1" in text


def test_the_qr_code_reads_back_as_a_slip_code_the_parser_accepts(tmp_path: Path) -> None:
    out = tmp_path / "lot.pdf"
    render_slip(make_slip(), out)
    found = [s.data.decode() for s in pyzbar.decode(render_page_array(out, 0, 150))]
    assert found == [CODE]
    parsed = parse_slip_code(found[0])
    assert (parsed.kind, parsed.seq, parsed.batch) == ("LOT", 57, 2)
    assert parsed.expected_head == (57, HASH)


def test_a_seal_slip_with_many_witnesses_flows_onto_a_second_page(tmp_path: Path) -> None:
    out = tmp_path / "scellement.pdf"
    witnesses = tuple(f"Témoin numéro {n}" for n in range(1, 15))
    code = CODE.replace(":LOT:", ":SCEL:").replace(":2:", ":0:")
    render_slip(make_slip(kind=SEAL, batch=0, witnesses=witnesses, code=code), out)
    pages = _pages(out)
    assert len(pages) == 2
    assert pages[0].startswith("Budget participatif 2027 Bordereau de scellement")
    text = " ".join(pages)
    for n in range(1, 15):
        assert f"Témoin numéro {n} " in text
    assert len(re.findall(r"\bSignature\b", text)) == 15
    assert "2 / 2" in pages[1]
