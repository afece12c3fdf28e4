"""Paper surveys end to end: compose, print a real PDF, fill it on the rasterised page, read it
back with the ballot reader, review the doubtful forms, and summarise. No silent error."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.domain.surveys import QuestionKind, ResponseStatus, SurveyQuestion
from app.errors import UserError
from app.services import open_services
from app.services.campaigns import CampaignInput
from ballots.raster import render_page_array
from benchmarks.scanner_eval.draw import Canvas, Pen, draw_kind

BLACK = Pen("ballpoint_black", 30.0, 0.45, 0.0)
DPI = 200.0

QUESTIONS = (
    SurveyQuestion("", QuestionKind.SINGLE, "Avez-vous voté ?", ("Oui", "Non", "Je ne sais pas")),
    SurveyQuestion(
        "",
        QuestionKind.MULTIPLE,
        "Comment avez-vous connu le budget participatif ?",
        ("Affiche", "Réunion", "Gardien", "Voisins"),
    ),
    SurveyQuestion(
        "", QuestionKind.SCALE, "Êtes-vous satisfait ?", (), "Pas du tout", "Tout à fait"
    ),
    SurveyQuestion("", QuestionKind.TEXT, "Que faudrait-il améliorer ?"),
)


def _campaign(services, name="Budget participatif test"):
    services.campaigns.create_campaign(
        CampaignInput(name=name, ideas_start=date(2026, 9, 1), results_date=date(2027, 1, 31))
    )


def _printed(services, tmp_path: Path, name: str = "q.pdf"):
    survey = services.surveys.create("Votre avis sur le budget participatif", QUESTIONS, "Merci !")
    pdf = services.surveys.print_forms(survey.id, tmp_path / name, 2)
    survey = services.surveys.get(survey.id)
    page = render_page_array(pdf, 0, dpi=DPI, grey=True)
    return survey, json.loads(_layout_json(services, survey.id)), page


def _layout_json(services, survey_id: str) -> str:
    from app.storage.consultant_tables import SurveyRow

    with services.uow() as session:
        return session.get(SurveyRow, survey_id).layout_json


def _fill(page, layout, kinds: dict[str, str], text: bool, path: Path, seed: int = 3) -> Path:
    """Marks drawn on a copy of the page, by box id ("q1.2": "cross"), and handwriting."""
    out = page.copy()
    canvas = Canvas(out.shape, DPI / 25.4)
    rnd = random.Random(seed)
    boxes = {b["project_id"]: b for b in layout["boxes"]}
    for box_id, kind in kinds.items():
        draw_kind(canvas, kind, boxes[box_id], boxes[box_id]["label"], BLACK, rnd)
    if text:
        zone = next(g["zone"] for g in layout["groups"] if g["kind"] == "text")
        x, y = zone["x_mm"] + 10, zone["y_mm"] + 12
        for line in range(2):
            pts = [(x + i * 3.0, y + line * 9 + (2.5 if i % 2 else 0)) for i in range(40)]
            canvas.polyline(pts, 0.5)
    canvas.apply(out, BLACK, rnd)
    cv2.imwrite(str(path), out)
    return path


@pytest.fixture
def world(tmp_path):
    services = open_services(tmp_path / "data")
    _campaign(services)
    survey, layout, page = _printed(services, tmp_path)
    yield services, survey, layout, page, tmp_path
    services.close()


def test_layout_has_one_group_per_question_and_the_text_zone(world):
    _services, survey, layout, _page, _tmp = world
    assert layout["rule"]["kind"] == "survey"
    assert [g["kind"] for g in layout["groups"]] == ["single", "multiple", "single", "text"]
    assert [len(g["boxes"]) for g in layout["groups"]] == [3, 4, 5, 0]
    assert layout["groups"][3]["zone"]["h_mm"] >= 35
    assert survey.printed and survey.template_hash == layout["template_hash"]


def test_forms_are_read_back_with_doubts_left_to_a_person(world):
    services, survey, layout, page, tmp = world
    clear = _fill(page, layout, {"q1.1": "cross", "q2.1": "tick", "q2.3": "full_fill",
                                 "q3.4": "cross"}, True, tmp / "a.png")  # fmt: skip
    doubtful = _fill(page, layout, {"q1.1": "cross", "q1.2": "cross", "q3.5": "full_fill"},
                     False, tmp / "b.png", seed=4)  # fmt: skip
    blank = _fill(page, layout, {}, False, tmp / "c.png")
    steps: list[tuple[int, int]] = []
    report = services.surveys.read_forms(
        [clear, doubtful, blank], progress=lambda done, total: steps.append((done, total))
    )
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert (report.pages, report.recorded, report.to_review, report.refused) == (3, 3, 1, ())
    read = services.surveys.responses(survey.id, ResponseStatus.READ)
    answers = sorted((dict(r.answers) for r in read), key=len, reverse=True)
    assert answers == [{"q1": (1,), "q2": (1, 3), "q3": (4,)}, {}]
    written = [r for r in read if r.text_image]
    assert len(written) == 1  # the blank form's empty zone keeps no image
    image = services.surveys.image_path(written[0])
    assert image is not None and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the record names its image by its SHA-256, so that the image travels by sync
    import hashlib

    from app.storage.consultant_tables import SurveyResponseRow

    with services.uow() as session:
        kept = {r.id: r.text_image_sha256 for r in session.query(SurveyResponseRow)}
    assert kept[written[0].id] == hashlib.sha256(image.read_bytes()).hexdigest()
    assert sorted(v for k, v in kept.items() if k != written[0].id) == ["", ""]
    crop = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
    assert crop.shape[1] > 4 * crop.shape[0] and (crop < 128).mean() > 0.004
    (waiting,) = services.surveys.responses(survey.id, ResponseStatus.TO_REVIEW)
    assert waiting.doubts == ("q1",) and dict(waiting.answers) == {"q3": (5,)}
    assert (waiting.source, waiting.page) == ("b.png", 1)  # to find the paper form again
    results = services.surveys.results(survey.id)
    assert (results.forms, results.to_review) == (2, 1)
    q1, q2, q3, q4 = results.questions
    assert q1.counts == (1, 0, 0) and q2.counts == (1, 0, 1, 0) and q3.mean == 4.0
    assert q4.texts == 1
    with pytest.raises(UserError, match="une seule réponse"):
        services.surveys.review(waiting.id, {"q1": [1, 2], "q3": [5]})
    services.surveys.review(waiting.id, {"q3": [5]}, transcript="")
    results = services.surveys.results(survey.id)
    assert (results.forms, results.to_review) == (3, 0)
    assert results.questions[0].counts == (1, 0, 0)  # the doubtful answer was not guessed
    assert results.questions[2].counts == (0, 0, 0, 1, 1) and results.questions[2].mean == 4.5
    report = services.evaluation.extra_sources["surveys"]()  # the evaluation report's section
    assert dict(report.rows)["formulaires comptés"] == "3"
    assert ("", "moyenne (1 à 5)", "4,5") in report.table_rows
    assert report.table_rows[0] == ("Avez-vous voté ?", "Oui", "1")


def test_the_same_scan_twice_is_recorded_once(world):
    services, _survey, layout, page, tmp = world
    form = _fill(page, layout, {"q1.2": "cross"}, False, tmp / "a.png")
    assert services.surveys.read_forms([form]).recorded == 1
    again = services.surveys.read_forms([form])
    assert (again.recorded, again.duplicates) == (0, 1)


def test_a_form_of_another_campaign_and_a_ballot_are_refused_clearly(world):
    services, _survey, _layout, _page, tmp = world
    other = open_services(tmp / "other")
    _campaign(other, "Une autre campagne")
    _s, other_layout, other_page = _printed(other, tmp, "autre.pdf")
    other.close()
    foreign = _fill(other_page, other_layout, {"q1.1": "cross"}, False, tmp / "autre.png")
    report = services.surveys.read_forms([foreign])
    assert report.recorded == 0
    (refused,) = report.refused
    assert refused.message == "Ce formulaire vient d'une autre campagne : il n'est pas enregistré."


def test_a_printed_survey_cannot_change_and_a_form_must_fit(world):
    services, survey, *_ = world
    with pytest.raises(UserError, match="déjà imprimé"):
        services.surveys.update(survey.id, "Autre titre", QUESTIONS)
    many = tuple(
        SurveyQuestion("", QuestionKind.SINGLE, f"Question numéro {n} ?", tuple("ABCD"))
        for n in range(8)
    )
    with pytest.raises(UserError, match="au plus 30"):
        services.surveys.create("Trop", many)
    with pytest.raises(UserError, match="Un seul cadre"):
        services.surveys.create("Deux textes", (QUESTIONS[3], QUESTIONS[3]))
    long = tuple(
        SurveyQuestion("", QuestionKind.MULTIPLE, "Une question ?", tuple("ABCDEFGH"))
        for _n in range(3)
    ) + (QUESTIONS[3],)
    with pytest.raises(UserError, match="ne tient pas sur une page"):
        services.surveys.create("Trop long", long)
    assert [s.number for s in services.surveys.list_surveys()] == [1]  # nothing half-saved


def test_unread_survey_pages_say_why(world):
    services, *_rest, tmp = world
    noise = tmp / "noise.png"
    cv2.imwrite(str(noise), np.full((2000, 1400), 255, dtype=np.uint8))
    report = services.surveys.read_forms([noise])
    assert report.blank == 1 and report.recorded == 0


def test_cancelled_reading_records_nothing(world):
    from app.errors import Cancelled, CancelToken

    services, survey, layout, page, tmp = world
    form = _fill(page, layout, {"q1.2": "cross"}, False, tmp / "a.png")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        services.surveys.read_forms([form], cancel=token)
    assert services.surveys.responses(survey.id) == []
