"""The evaluation report of the demo campaign: the hot line and the paper surveys feed their
sections with real figures (read back from the PDF), and the hot line's questions its themes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.services import Services, open_services
from tests.app.test_evaluation_report import pages, squash


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> tuple[Services, list[str]]:
    path: Path = tmp_path_factory.mktemp("demo")
    with open_services(path / "data") as services:
        services.demo.create_demo()
        services.demo.create_demo_survey_answers(path / "scans")
        out = services.evaluation.write_report(path / "rapport.pdf", today=date(2026, 12, 7))
        yield services, [squash(p) for p in pages(out)]


def _section(text: list[str], title: str, until: str) -> str:
    whole = " ".join(text)
    start = whole.index(title, whole.index("Résultats du vote"))
    return whole[start : whole.index(until, start)]


def test_hot_line_section_shows_the_demo_appointments(demo_report):
    services, text = demo_report
    figures = services.appointments.figures()
    assert figures.booked == 4 and figures.follow_ups_open == 1  # the demo's bookings
    section = _section(text, "Permanences et ligne directe", "Préconisations")
    assert "Aucune donnée" not in section
    assert (  # key figures, four to a row
        f"{figures.slots} {figures.booked} {figures.held} {figures.anonymous} créneaux ouverts "
        "rendez-vous pris rendez-vous tenus dont anonymes 1 suites encore à donner"
    ) in section
    assert "Salle de la résidence : 3, Téléphone : 1." in section
    assert "Autre : 2, Cadre de vie : 1, Espaces verts : 1." in section
    assert "Qui entretiendra les bancs ? Le bailleur, dans le contrat d'entretien." in section
    assert "Odile" not in " ".join(text)  # a consented name never reaches the report


def test_surveys_section_shows_the_answers_per_question(demo_report):
    services, text = demo_report
    survey = services.surveys.list_surveys()[0]
    results = services.surveys.results(survey.id)
    assert (results.forms, results.to_review) == (5, 1)  # form 5 waits for a person
    section = _section(text, "Enquêtes auprès des habitants", "Permanences et ligne directe")
    assert "Aucune donnée" not in section
    assert (
        "1 5 1 2 questionnaires imprimés formulaires comptés formulaires à revoir "
        "textes libres à lire"
    ) in section
    yes, no = results.questions[0].counts
    assert f"Avez-vous participé à une réunion ? Oui {yes} Non {no}" in section
    mean = f"{results.questions[2].mean:.1f}".replace(".", ",")
    assert f"moyenne (1 à 5) {mean}" in section
    assert "réponses écrites 2" in section


def test_reading_a_free_text_takes_it_off_the_pile(demo_report):
    services, _text = demo_report
    assert dict(services.evaluation.extra_sources["surveys"]().rows)["textes libres à lire"] == "2"
    survey = services.surveys.list_surveys()[0]
    written = [r for r in services.surveys.responses(survey.id) if r.text_image]
    services.surveys.transcribe(written[0].id, "Plus de réunions le samedi.")
    assert dict(services.evaluation.extra_sources["surveys"]().rows)["textes libres à lire"] == "1"


def test_report_themes_count_the_hot_line_questions(demo_report):
    _services, text = demo_report
    whole = " ".join(text)
    assert "Idées et questions par thème" in whole
    assert "Questions (permanences)" in whole
