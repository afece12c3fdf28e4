"""The layout model: geometry rules checked from the layout alone, and the JSON contract."""

from __future__ import annotations

import itertools
import json

import pytest

from ballots.errors import (
    LayoutFileError,
    MissingCostError,
    NoProjectError,
    RuleError,
    TooManyProjectsError,
)
from ballots.geometry import CONTENT_BOTTOM, CONTENT_TOP, PAGE_H, PAGE_W, build_layout
from ballots.layout import Rect, canonical_bytes, layout_from_json, layout_to_dict, layout_to_json
from ballots.model import Project, VotingRule
from tests.ballots.conftest import make_projects, make_spec

HEADER_AND_PANEL = Rect(14, 8, 182, 70 - 8)  # header text, QR and the rule panel
FOOTER = Rect(20, 265, 170, 11)


@pytest.mark.parametrize("count", [1, 2, 5, 10, 11, 15, 20, 24, 29, 30])
@pytest.mark.parametrize("large_print", [False, True])
def test_geometry_rules_hold_for_every_project_count(count: int, large_print: bool) -> None:
    layout = build_layout(make_spec(count, large_print=large_print))
    assert len(layout.boxes) == count
    page = Rect(0, 0, PAGE_W, PAGE_H)
    for box in layout.boxes:
        assert box.rect.w_mm >= 8 and box.rect.h_mm >= 6
        ring = box.rect.inflate(3)
        assert page.contains(ring)
        assert CONTENT_TOP - 1 <= box.label.y_mm and box.label.bottom <= CONTENT_BOTTOM
        assert not ring.intersects(box.label), "label inside the blank ring"
        assert not ring.intersects(layout.qr.inflate(2.2))
        assert not ring.intersects(HEADER_AND_PANEL) and not ring.intersects(FOOTER)
        for marker in layout.markers:
            assert not ring.intersects(marker.rect.inflate(3))
    for a, b in itertools.combinations(layout.boxes, 2):
        (ax, ay), (bx, by) = a.rect.center, b.rect.center
        assert ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 >= 12
        assert not a.rect.inflate(3).intersects(b.rect)
        assert not a.label.intersects(b.label)
        assert not a.rect.inflate(3).intersects(b.label)


def test_one_column_up_to_ten_then_two() -> None:
    assert len({b.rect.x_mm for b in build_layout(make_spec(10)).boxes}) == 1
    assert len({b.rect.x_mm for b in build_layout(make_spec(11)).boxes}) == 2


def test_boxes_are_large_when_there_is_room() -> None:
    box = build_layout(make_spec(8)).boxes[0].rect
    assert (box.w_mm, box.h_mm) == (12, 9)
    assert build_layout(make_spec(8, large_print=True)).boxes[0].rect.w_mm > 12


def test_markers_follow_the_documented_ids_and_places() -> None:
    layout = build_layout(make_spec(3))
    spots = {m.corner: (m.id, m.rect.x_mm, m.rect.y_mm, m.rect.w_mm) for m in layout.markers}
    assert spots == {
        "tl": (0, 8, 8, 12),
        "tr": (1, 190, 8, 12),
        "br": (2, 190, 277, 12),
        "bl": (3, 8, 277, 12),
    }


def test_json_round_trip_and_hash_are_stable() -> None:
    layout = build_layout(make_spec(15))
    text = layout_to_json(layout)
    again = layout_from_json(text)
    assert again == layout
    assert layout_to_json(again) == text
    assert build_layout(make_spec(15)).template_hash == layout.template_hash
    data = json.loads(text)
    assert set(data) == {
        "format",
        "version",
        "template_hash",
        "campaign",
        "residence",
        "style",
        "page",
        "rule",
        "boxes",
        "qr",
        "markers",
    }
    assert set(data["boxes"][0]) == {
        "project_id",
        "number",
        "title",
        "cost_cents",
        "x_mm",
        "y_mm",
        "w_mm",
        "h_mm",
        "label",
    }
    assert data["campaign"]["tag"] == layout.campaign.tag and len(layout.campaign.tag) == 8


def test_canonical_form_writes_integral_numbers_without_decimal_point() -> None:
    layout = build_layout(make_spec(15))
    canonical = canonical_bytes(layout_to_dict(layout)).decode()
    assert '"x_mm":14,' in canonical and ".0," not in canonical and ".0}" not in canonical
    assert " " not in canonical.split('"title"')[0]  # no insignificant white space
    assert "template_hash" not in canonical


def test_any_change_changes_the_hash() -> None:
    base = build_layout(make_spec(5)).template_hash
    projects = make_projects(5)
    renamed = (Project("proj-00", 1, "Autre titre", projects[0].cost_cents),) + projects[1:]
    assert build_layout(make_spec(projects=renamed)).template_hash != base
    assert build_layout(make_spec(5, rule=VotingRule.approval(2))).template_hash != base
    assert build_layout(make_spec(5, style_index=1)).template_hash != base


def test_tampered_layout_file_is_refused() -> None:
    data = json.loads(layout_to_json(build_layout(make_spec(4))))
    data["boxes"][0]["x_mm"] = 15
    with pytest.raises(LayoutFileError, match="modifié"):
        layout_from_json(json.dumps(data))
    with pytest.raises(LayoutFileError):
        layout_from_json("pas du json")
    data["format"] = "autre"
    with pytest.raises(LayoutFileError):
        layout_from_json(json.dumps(data))


def test_bad_inputs_give_clear_french_errors() -> None:
    with pytest.raises(NoProjectError, match="Aucun projet recevable"):
        build_layout(make_spec(projects=()))
    with pytest.raises(TooManyProjectsError, match="31 projets"):
        build_layout(make_spec(31))
    missing = make_projects(3)[:2] + (Project("p", 3, "Sans coût", None),)
    with pytest.raises(MissingCostError, match="n'a pas de coût"):
        build_layout(make_spec(projects=missing))
    with pytest.raises(RuleError):
        build_layout(make_spec(3, rule=VotingRule.approval(0)))
    with pytest.raises(RuleError):
        build_layout(make_spec(3, rule=VotingRule.approval(2, min_choices=3)))
    with pytest.raises(RuleError):
        build_layout(make_spec(3, rule=VotingRule.budget(0)))


def test_rule_is_stated_in_plain_french() -> None:
    assert VotingRule.approval(3).headline() == "Cochez jusqu'à 3 projets."
    assert VotingRule.approval(1).headline() == "Cochez 1 projet au plus."
    assert VotingRule.approval(3, 1).headline() == "Cochez entre 1 et 3 projets."
    assert VotingRule.single().headline() == "Cochez un seul projet."
    assert "50\u00a0000\u00a0€" in VotingRule.budget(5_000_000).headline()
