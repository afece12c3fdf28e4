"""The count report service on a real sealed count: the PDF's figures are the count's, the
export is logged after the seal (and the bundle still verifies), an open session is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from app.domain.audit import EventType
from app.errors import UserError
from app.services import open_services
from app.services.counting.log import load_entries
from app.verify import verify_bundle
from tests.helpers.counting import PASSPHRASE, make_setup
from tests.helpers.verify import live_count, write_bundle


def _text(pdf: Path) -> str:
    doc = pdfium.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    doc.close()
    return " ".join(" ".join(pages).replace("\u00a0", " ").split())


def test_report_of_a_sealed_count(tmp_path: Path) -> None:
    with open_services(tmp_path / "data") as services:
        counted = live_count(services, tmp_path / "scans", [[0], [0, 1], [1], [2], [0, 3], []])
        report = services.count_report.build_count_report(counted.session_id)
        assert (report.valid, report.blank, report.invalid) == (6, 1, 0)
        assert report.hand_keyed == 1
        assert report.officer == "Agnès Martin" and report.witnesses == ("Karim Benali",)
        assert report.reconciliation.handed_out == 8 and report.reconciliation.spoiled == 1
        assert [p.votes for p in report.projects] == [4, 2, 1, 1]
        assert [p.funded for p in report.projects] == [True, True, False, False]
        assert report.budget_cents == 700_000 and report.spent_cents == 700_000
        assert report.seal_code.startswith("BPTA1:SCEL:")
        status = services.counting.status(counted.session_id)
        assert report.sealed_hash == status.session.sealed_hash

        out = services.count_report.write_count_report(counted.session_id, tmp_path / "pv.pdf")
        text = _text(out)
        assert "Procès-verbal de dépouillement" in text and "Les Tilleuls" in text
        assert "Projet numéro 1" in text and "financé" in text
        assert re.search(r"Valides Blancs Nuls Mis de côté Rejetés\* 6 1 0 0 0", text)
        assert status.session.key_fingerprint in text
        with services.uow() as s:
            last = load_entries(s, counted.session_id)[-1]
        assert last.event is EventType.EXPORT_CREATED
        assert last.payload["kind"] == "report_pdf"
        residence_id = services.counting.get_session(counted.session_id).residence_id
        by_residence = services.count_report.export_report(
            residence_id, tmp_path / "pv-residence.pdf"
        )
        assert "Procès-verbal de dépouillement" in _text(by_residence)
        bundle = write_bundle(services, counted.session_id, tmp_path / "b.zip", with_images=False)
        assert verify_bundle(bundle).ok


def test_an_open_session_has_no_report_yet(tmp_path: Path) -> None:
    with open_services(tmp_path / "data") as services:
        setup = make_setup(services)
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", passphrase=PASSPHRASE
        )
        with pytest.raises(UserError, match="pas scellée"):
            services.count_report.write_count_report(session.id, tmp_path / "pv.pdf")
        assert not (tmp_path / "pv.pdf").exists()


def test_report_on_a_full_disk_is_a_french_message(tmp_path: Path) -> None:
    import subprocess

    services = open_services(tmp_path / "data")
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(small)], check=True)
    try:
        counted = live_count(services, tmp_path / "scans", [[0], [1]])
        with pytest.raises(UserError, match="disque est plein"):
            services.count_report.write_count_report(counted.session_id, small / "pv.pdf")
        assert not (small / "pv.pdf").exists()
    finally:
        subprocess.run(["umount", str(small)], check=True)
        services.close()


def test_report_carries_the_residence_dwellings_for_the_turnout(tmp_path: Path) -> None:
    with open_services(tmp_path / "data") as services:
        counted = live_count(services, tmp_path / "scans", [[0], [1], []])
        residence_id = services.counting.get_session(counted.session_id).residence_id
        residence = services.campaigns.get_residence(residence_id)
        services.campaigns.update_residence(
            residence_id, name=residence.name, address=residence.address, dwellings=40,
            budget_cents=residence.budget_cents,
        )  # fmt: skip
        report = services.count_report.build_count_report(counted.session_id)
        assert report.dwellings == 40
        text = _text(
            services.count_report.write_count_report(counted.session_id, tmp_path / "pv.pdf")
        )
        ballots = report.valid + report.blank + report.invalid
        assert f"Participation : {ballots} bulletins pour 40 logements" in text
