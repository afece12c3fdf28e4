"""The test deck: marks exactly where the expectation says, counts that follow the rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ballots.model import VotingRule
from ballots.payload import decode_text
from ballots.raster import page_count, render_page_array
from ballots.testdeck import classify, expected_from_json, expected_to_json, make_test_deck
from tests.ballots.conftest import KEY, make_spec
from tests.ballots.measure import px_per_mm, qr_codes, ring_is_blank

DPI = 150


def _ink_inside(image: np.ndarray, rect: object) -> float:
    k = px_per_mm(DPI)
    inner = rect.inflate(-1.0)  # type: ignore[attr-defined]
    area = image[
        int(inner.y_mm * k) : int(inner.bottom * k), int(inner.x_mm * k) : int(inner.right * k)
    ]
    return float((area < 128).mean())


@pytest.mark.parametrize(
    "rule", [VotingRule.approval(3), VotingRule.single(), VotingRule.budget(2_000_000)]
)
def test_deck_marks_match_expectation(tmp_path: Path, rule: VotingRule) -> None:
    deck = make_test_deck(
        make_spec(8, rule=rule), tmp_path / "deck.pdf", key=KEY, batch=2, count=14
    )
    expected = deck.expected
    assert page_count(deck.printed.path) == 14
    statuses = {s.status for s in expected.sheets}
    assert statuses == {"valid", "blank", "invalid"}
    kinds = {k for s in expected.sheets for _p, k in s.marks}
    assert {"fill", "cross", "tick"} <= {k.value for k in kinds}
    boxes = {b.project_id: b.rect for b in deck.printed.layout.boxes}
    for sheet in expected.sheets:
        image = render_page_array(deck.printed.path, sheet.page - 1, DPI)
        marked = dict(sheet.marks)
        for project_id, rect in boxes.items():
            ink = _ink_inside(image, rect)
            assert (ink > 0.04) == (project_id in marked), (sheet.page, project_id, ink)
            assert ring_is_blank(image, rect, DPI)
        text = qr_codes(image, DPI)[0][0]
        assert decode_text(text, KEY).test is True
    valid = [s for s in expected.sheets if s.status == "valid"]
    for project_id, _number, votes in expected.votes:
        assert votes == sum(1 for s in valid if project_id in dict(s.marks))


def test_expectation_json_round_trips(tmp_path: Path) -> None:
    deck = make_test_deck(make_spec(5), tmp_path / "deck.pdf", key=KEY, batch=1, count=7)
    text = expected_to_json(deck.expected)
    assert expected_from_json(text) == deck.expected
    assert '"valid": ' in text and '"sheets": ' in text


def test_expectation_names_projects_by_number_and_title(tmp_path: Path) -> None:
    """A person checking a deck by hand reads "n° 2 Bancs", not an id."""
    deck = make_test_deck(make_spec(3), tmp_path / "deck.pdf", key=KEY, batch=1, count=7)
    data = json.loads(expected_to_json(deck.expected))
    boxes = {b.project_id: b for b in deck.printed.layout.boxes}
    for line in data["votes"]:
        box = boxes[line["project_id"]]
        assert (line["number"], line["title"]) == (box.number, box.title) and box.title
    marks = [m for sheet in data["sheets"] for m in sheet["marks"]]
    assert marks and all(
        (m["number"], m["title"]) == (boxes[m["project_id"]].number, boxes[m["project_id"]].title)
        for m in marks
    )
    assert expected_from_json(json.dumps(data)).titles() == {
        p: (b.number, b.title) for p, b in boxes.items()
    }


def test_expectation_without_titles_still_reads() -> None:
    """A file written before titles were added (version 1, ids and numbers only)."""
    old = {
        "format": "bp-terrain-test-deck", "version": 1, "template_hash": "h", "residence_id": "r",
        "style_index": 0, "batch": 1, "ballots": 1, "valid": 1, "blank": 0, "invalid": 0,
        "votes": [{"project_id": "p1", "number": 1, "votes": 1}],
        "sheets": [{"page": 1, "status": "valid", "marks": [{"project_id": "p1", "kind": "cross"}]}],
    }  # fmt: skip
    expected = expected_from_json(json.dumps(old))
    assert expected.votes == (("p1", 1, 1),) and expected.titles() == {"p1": (1, "")}


def test_classify_follows_the_rule() -> None:
    costs = {"a": 100, "b": 200, "c": 300}
    assert classify(VotingRule.approval(2), [], costs) == "blank"
    assert classify(VotingRule.approval(2), ["a", "b"], costs) == "valid"
    assert classify(VotingRule.approval(2), ["a", "b", "c"], costs) == "invalid"
    assert classify(VotingRule.approval(3, 2), ["a"], costs) == "invalid"
    assert classify(VotingRule.single(), ["a", "b"], costs) == "invalid"
    assert classify(VotingRule.budget(300), ["a", "b"], costs) == "valid"
    assert classify(VotingRule.budget(300), ["b", "c"], costs) == "invalid"
