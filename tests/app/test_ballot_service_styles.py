"""Ballot styles: rules, order, languages, large print, and what a style prints."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import models as m
from app.errors import UserError
from app.services.commission import ReviewInput
from app.services.printing.types import PrintOptions, ProjectOrder, RuleKind, StyleInput
from ballots.layout import layout_from_json
from tests.app.test_ballot_service import TITLES, make_admissible


@pytest.fixture
def projects(services, residence):
    return make_admissible(services, residence.id)


def test_budget_rule_defaults_to_the_residence_envelope(services, residence, projects, tmp_path):
    style = services.ballots.create_style(
        residence.id, StyleInput(name="Budget", rule_kind=RuleKind.BUDGET)
    )
    assert style.budget_cents == residence.budget_cents == 30_000_00
    done = services.ballots.print_ballots(style.id, tmp_path / "b.pdf", PrintOptions(1))
    rule = layout_from_json(done.layout_file.read_text()).rule
    assert (rule.kind.value, rule.budget_cents) == ("budget", 30_000_00)


def test_budget_over_the_envelope_is_refused(services, residence, projects):
    with pytest.raises(UserError, match="dépasse l'enveloppe") as error:
        services.ballots.create_style(
            residence.id, StyleInput(name="B", rule_kind=RuleKind.BUDGET, budget_cents=10**7)
        )
    assert error.value.field == "budget_cents"


def test_single_and_approval_limits(services, residence, projects):
    single = services.ballots.create_style(
        residence.id, StyleInput(name="Un seul", rule_kind=RuleKind.SINGLE)
    )
    assert (single.max_choices, single.min_choices) == (1, 1)
    assert services.ballots.preview(single.id, dpi=30).rule_text == "Cochez un seul projet."
    with pytest.raises(UserError, match="on ne peut pas en cocher 9") as error:
        services.ballots.create_style(residence.id, StyleInput(name="K", max_choices=9))
    assert error.value.field == "max_choices"
    with pytest.raises(UserError, match="minimum"):
        services.ballots.create_style(
            residence.id, StyleInput(name="K", max_choices=2, min_choices=3)
        )


def test_names_are_unique_per_residence_and_found_by_name(services, residence, projects):
    first = services.ballots.ensure_default_style(residence.id)
    with pytest.raises(UserError, match="déjà un modèle") as error:
        services.ballots.create_style(residence.id, StyleInput(name=" standard "))
    assert error.value.field == "name"
    large = services.ballots.create_style(residence.id, StyleInput(large_print=True))
    assert large.name == "Gros caractères" and large.index == first.index + 1
    assert services.ballots.choose_style(residence.id, "gros caracteres").id == large.id
    with pytest.raises(UserError, match="introuvable"):
        services.ballots.choose_style(residence.id, "Inconnu")


def test_large_print_makes_larger_boxes(services, residence, projects, tmp_path):
    normal = services.ballots.ensure_default_style(residence.id)
    large = services.ballots.create_style(residence.id, StyleInput(large_print=True))
    boxes = {}
    for style in (normal, large):
        done = services.ballots.print_ballots(
            style.id, tmp_path / f"{style.index}.pdf", PrintOptions(1)
        )
        boxes[style.id] = layout_from_json(done.layout_file.read_text()).boxes[0].rect
    assert boxes[large.id].w_mm > boxes[normal.id].w_mm


def test_update_keeps_the_fixed_order_given(services, residence, projects, tmp_path):
    style = services.ballots.ensure_default_style(residence.id)
    reversed_ids = tuple(p.id for p in reversed(projects))
    updated = services.ballots.update_style(
        style.id, StyleInput(name="Standard", project_ids=reversed_ids, max_choices=2)
    )
    assert updated.project_ids == reversed_ids and updated.max_choices == 2
    done = services.ballots.print_ballots(style.id, tmp_path / "b.pdf", PrintOptions(1))
    titles = [b.title for b in layout_from_json(done.layout_file.read_text()).boxes]
    assert titles == list(reversed(TITLES))
    again = services.ballots.update_style(
        style.id, StyleInput(name="Standard", order=ProjectOrder.ALPHABETICAL)
    )
    assert again.project_ids == reversed_ids and again.order is ProjectOrder.ALPHABETICAL


def test_a_project_turned_down_later_leaves_the_ballot(services, residence, projects):
    style = services.ballots.ensure_default_style(residence.id)
    session = services.commission.open_session(date(2026, 12, 12), ["Karim Meziane"])
    services.commission.record_review(
        session.id, ReviewInput(projects[1].id, m.Decision.REWORK, (), "Coût à revoir.", None)
    )
    shown = services.ballots.ballot_projects(style.id)
    assert [p.title for p in shown] == [t for t in TITLES if t != TITLES[1]]
    assert services.ballots.preview(style.id, dpi=30).project_count == len(TITLES) - 1


def test_unknown_language_is_refused(services, residence, projects):
    with pytest.raises(UserError, match="Langue") as error:
        services.ballots.create_style(residence.id, StyleInput(name="X", language="xx"))
    assert error.value.field == "language"


def test_an_english_style_prints_in_english_whatever_the_interface_language(
    services, residence, projects
):
    french = services.ballots.ensure_default_style(residence.id)
    english = services.ballots.create_style(residence.id, StyleInput(language="en"))
    assert english.name == "Anglais"
    assert services.ballots.preview(english.id, dpi=30).rule_text == "Mark up to 3 projects."
    assert services.ballots.preview(french.id, dpi=30).rule_text == "Cochez jusqu'à 3 projets."
