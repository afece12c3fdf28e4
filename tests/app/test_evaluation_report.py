"""The evaluation report: a real PDF read back page by page, with every section and its
"no data" note, the editable recommendations, and the one-page summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from app.errors import UserError
from app.services import Services
from app.services.evaluation import ExtraFigures
from app.services.meetings import ParticipantInput
from tests.app.test_dashboard import _meeting


def pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def squash(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def filled(services: Services, campaign, residence) -> Services:
    meeting = _meeting(services, residence.id, date(2026, 9, 20), residents=12, youth=3)
    services.meetings.add_question(meeting, "Quand les travaux ?", "Au printemps.")
    services.participants.add_participant(
        ParticipantInput(name="Josiane Verdier", residence_id=residence.id,
                         consent_at=date(2026, 9, 20), consent_text="contact")
    )  # fmt: skip
    return services


def test_report_has_every_section_and_says_when_there_is_no_data(filled: Services, tmp_path):
    out = filled.evaluation.write_report(tmp_path / "rapport.pdf", today=date(2026, 10, 1))
    text = [squash(p) for p in pages(out)]
    whole = " ".join(text)
    assert "Rapport d'évaluation du dispositif" in text[0]
    assert "Synthèse" in text[1] and "1 réunions dans 1 résidences" in text[1]
    for title in ("Participation", "Profil des participants", "Thèmes des idées",
                  "Décisions de la commission", "Résultats du vote",
                  "Enquêtes auprès des habitants", "Permanences et ligne directe",
                  "Préconisations"):  # fmt: skip
        assert title in whole, title
    assert "Quand les travaux ?" in whole and "Au printemps." in whole
    assert "Aucune donnée : le vote n'a pas encore été dépouillé." in whole
    assert whole.count("Aucune donnée pour cette campagne.") == 2  # surveys, hot line
    assert "1 personne a accepté d'être nommée" in whole
    assert "Josiane" not in whole  # consented people are counted, never named
    assert all(f"Page {i + 1}" in t for i, t in enumerate(text))


def test_recommendations_are_kept_and_printed(filled: Services, tmp_path):
    filled.evaluation.set_recommendations("Tenir les ateliers le samedi.\n- Afficher plus tôt.")
    assert filled.evaluation.recommendations() == (
        "Tenir les ateliers le samedi.\n- Afficher plus tôt."
    )
    whole = squash(" ".join(pages(filled.evaluation.write_report(tmp_path / "r.pdf"))))
    assert whole.count("Tenir les ateliers le samedi.") == 2  # the summary and the section
    assert "Afficher plus tôt." in whole
    with pytest.raises(UserError) as error:
        filled.evaluation.set_recommendations("x" * 20_001)
    assert error.value.field == "recommendations"


def test_other_capabilities_feed_their_sections(filled: Services, tmp_path):
    filled.evaluation.extra_sources["hotline"] = lambda: ExtraFigures(
        rows=(("Appels", "42"), ("Rendez-vous", "7")), text="Surtout le mardi."
    )
    filled.evaluation.extra_sources["surveys"] = lambda: None
    whole = squash(" ".join(pages(filled.evaluation.write_report(tmp_path / "r.pdf"))))
    assert "42 7 Appels Rendez-vous" in whole and "Surtout le mardi." in whole
    assert whole.count("Aucune donnée pour cette campagne.") == 1  # the surveys only


def test_summary_is_one_page(filled: Services, tmp_path):
    out = filled.evaluation.write_report(tmp_path / "synthese.pdf", summary=True)
    (page,) = pages(out)
    assert "Synthèse" in page and "Budget participatif test" in page
