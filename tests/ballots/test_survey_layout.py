"""Survey forms are ballot layouts with question groups: the ballot's geometry rules hold, the
layout file round-trips, and a ballot's layout file is unchanged (no `groups` key)."""

from __future__ import annotations

import itertools
import json

import pytest

from ballots.errors import LayoutError
from ballots.geometry import BOX_RING
from ballots.layout import layout_from_json, layout_to_dict, layout_to_json
from ballots.model import Campaign
from ballots.survey import QuestionKind, SurveyQuestion, SurveySpec, prepare_survey
from scanner.template import template_from_json

CAMPAIGN = Campaign("c-1", "BPT", "Budget participatif test")
QUESTIONS = (
    SurveyQuestion("q1", QuestionKind.SINGLE, "Avez-vous voté ?", ("Oui", "Non", "Je ne sais pas")),
    SurveyQuestion("q2", QuestionKind.MULTIPLE, "Comment ?", ("Affiche", "Réunion", "Gardien")),
    SurveyQuestion("q3", QuestionKind.SCALE, "Satisfait ?", (), "pas du tout", "tout à fait"),
    SurveyQuestion("q4", QuestionKind.TEXT, "Que faudrait-il améliorer ?"),
)


def _layout():
    return prepare_survey(SurveySpec(CAMPAIGN, 3, "Votre avis", "Merci", QUESTIONS)).layout


def test_boxes_keep_the_ballot_rules():
    layout = _layout()
    assert layout.style.index == 0xF000 + 3 and layout.rule.kind.value == "survey"
    boxes = layout.boxes
    assert len(boxes) == 3 + 3 + 5
    for a, b in itertools.combinations(boxes, 2):
        (ax, ay), (bx, by) = a.rect.center, b.rect.center
        assert ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 >= 12
        assert not a.label.intersects(b.label)
        assert not a.rect.inflate(BOX_RING).intersects(b.label)
    zone = layout.groups[3].zone
    assert zone is not None
    for box in boxes:
        assert box.rect.w_mm >= 8 and box.rect.h_mm >= 6
        assert not box.rect.inflate(BOX_RING).intersects(zone)
        assert 20 < box.rect.y_mm and box.label.bottom < 266 and box.label.right <= 196.01
    assert [g.boxes for g in layout.groups] == [(0, 1, 2), (3, 4, 5), (6, 7, 8, 9, 10), ()]
    assert [b.project_id for b in boxes[:3]] == ["q1.1", "q1.2", "q1.3"]


def test_layout_file_round_trips_and_the_reader_sees_the_groups():
    layout = _layout()
    again = layout_from_json(layout_to_json(layout))
    assert again == layout
    tpl = template_from_json(json.loads(layout_to_json(layout)))
    assert [(g.id, g.kind, g.boxes) for g in tpl.groups][:2] == [
        ("q1", "single", (0, 1, 2)),
        ("q2", "multiple", (3, 4, 5)),
    ]
    assert tpl.groups[3].zone is not None and tpl.groups[3].zone.h == 40


def test_a_ballot_layout_has_no_groups_key():
    from ballots.geometry import build_layout
    from benchmarks.scanner_eval.factory import make_spec

    data = layout_to_dict(build_layout(make_spec(6, "approval", 11)))
    assert "groups" not in data and template_from_json(data).groups == ()


def test_too_much_for_one_page_is_refused_in_french():
    many = tuple(
        SurveyQuestion(f"q{n}", QuestionKind.MULTIPLE, "Une question ?", tuple("ABCDEFGH"))
        for n in range(3)
    ) + (QUESTIONS[3],)
    with pytest.raises(LayoutError, match="ne tient pas sur une page"):
        prepare_survey(SurveySpec(CAMPAIGN, 1, "Trop", "", many))
