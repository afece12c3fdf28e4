"""Declaring the campaign's results rule: stored, read back, locked by a count in progress."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.errors import UserError
from app.services import Services

PASSPHRASE = "une phrase secrète assez longue pour les tests"
PB = """META
key;value
description;Essai
num_projects;3
num_votes;2
budget;100
vote_type;approval
PROJECTS
project_id;cost;votes;name
1;50;2;Bancs
2;50;1;Jardin
3;60;1;Fresque
VOTES
voter_id;vote
1;1,2
2;1,3
"""


@pytest.fixture
def imported(services: Services, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "essai.pb"
    path.write_text(PB, encoding="utf-8")
    return services.pabulib.import_file(path)


def test_default_then_declared_rule_with_equal_shares_options(services, imported):
    before = services.counting.get_results_rule(imported.campaign_id)
    assert (before.declared, before.rule, before.threshold, before.lot) == (False, "greedy", 0, ())
    assert before.locked == ""
    services.counting.set_results_rule(
        imported.campaign_id,
        "mes",
        threshold=2,
        options={"add1_exhaustive_stop": False, "top_up": True},
    )
    after = services.counting.get_results_rule(imported.campaign_id)
    assert (after.declared, after.rule, after.threshold) == (True, "mes", 2)
    assert (after.add1_exhaustive_stop, after.top_up, after.compare_with_greedy) == (
        False,
        True,
        False,
    )
    assert after.rule_label.lower().startswith("méthode des parts égales")
    res = services.counting.results(imported.residence_id)
    assert (res.rule, res.threshold) == ("mes", 2)


def test_lot_seed_orders_the_admissible_projects_by_sha256(services, imported):
    services.counting.set_results_rule(imported.campaign_id, "greedy", lot_seed=" 7 12 31 ")
    declared = services.counting.get_results_rule(imported.campaign_id)
    ids = {p.number: p.project_id for p in imported.projects}

    def digest(pid: str) -> bytes:
        return hashlib.sha256(f"7 12 31:{pid}".encode()).digest()

    expected = sorted(ids.values(), key=digest)
    assert declared.lot_seed == "7 12 31"
    assert [p.project_id for p in declared.lot] == expected
    titles = {"Bancs", "Jardin", "Fresque"}
    assert {p.title for p in declared.lot} == titles and all(p.number for p in declared.lot)
    data = declared.as_dict()
    assert data["lot"][0]["project_id"] == expected[0] and data["lot_seed"] == "7 12 31"
    # an empty seed clears the lot
    services.counting.set_results_rule(imported.campaign_id, "greedy", lot_seed="")
    assert services.counting.get_results_rule(imported.campaign_id).lot == ()


def test_bad_rule_and_threshold_name_their_field(services, imported):
    with pytest.raises(UserError) as bad:
        services.counting.set_results_rule(imported.campaign_id, "borda")
    assert bad.value.field == "rule"
    with pytest.raises(UserError) as negative:
        services.counting.set_results_rule(imported.campaign_id, "greedy", threshold=-1)
    assert negative.value.field == "threshold"


def test_open_then_sealed_count_locks_the_rule(services, imported):
    session = services.counting.open_session(
        imported.residence_id, "Agent test", passphrase=PASSPHRASE
    )
    declared = services.counting.get_results_rule(imported.campaign_id)
    assert "avant d'ouvrir le dépouillement" in declared.locked
    with pytest.raises(UserError, match="déclarez la règle avant d'ouvrir le dépouillement"):
        services.counting.set_results_rule(imported.campaign_id, "mes")
    assert services.counting.get_results_rule(imported.campaign_id).rule == "greedy"
    services.counting.seal(session.id, PASSPHRASE)
    sealed = services.counting.get_results_rule(imported.campaign_id)
    assert "déjà scellé" in sealed.locked
    with pytest.raises(UserError, match="déjà scellé"):
        services.counting.set_results_rule(imported.campaign_id, "mes")


def test_a_test_mode_count_does_not_lock_the_rule(services, imported):
    services.counting.open_session(
        imported.residence_id, "Agent test", passphrase=PASSPHRASE, mode="test"
    )
    services.counting.set_results_rule(imported.campaign_id, "greedy-no-skip")
    assert services.counting.get_results_rule(imported.campaign_id).rule == "greedy-no-skip"
