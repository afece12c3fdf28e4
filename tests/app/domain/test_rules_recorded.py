"""The rules against the winners recorded in real pabulib files (tests/data/pabulib/README.md)."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any

import pytest

from app.domain.pabulib import PbFile, read_pabulib, to_election
from app.domain.rules import (
    CENTS_PER_UNIT,
    Election,
    Options,
    Outcome,
    Project,
    ResultsRule,
    RulesError,
    Status,
    TieCriterion,
    run_rule,
)
from tests.helpers.pabulib import pb as pb_path

GREEDY, NO_SKIP, MES = ResultsRule.GREEDY, ResultsRule.GREEDY_NO_SKIP, ResultsRule.MES

# file -> rule the city applied (the threshold is taken from the file's META)
RECORDED = {
    "Poland_Warszawa_2019_Obszar_III-PowsinKepa_LatoszkowaZamoscLatoszki.pb": GREEDY,
    "Poland_Warszawa_2019_Nadwisle.pb": GREEDY,
    "Poland_Warszawa_2017_Aleksandrow.pb": GREEDY,
    "Poland_Warszawa_2019_Grochow_Kinowa.pb": GREEDY,
    "Poland_Lodz_2020_Nr_33.pb": GREEDY,
    "Poland_Gdynia_2022_Babie_Doly__small.pb": NO_SKIP,
    "Poland_Warszawa_2019_Brodno.pb": GREEDY,
    "Netherlands_Assen_2024.pb": MES,
    "Netherlands_Assen_2025.pb": MES,
    "Poland_Swiecie_2023.pb": MES,
}
LARGE = {
    "Poland_Lodz_2022.pb": GREEDY,
}


@cache
def load(name: str) -> tuple[PbFile, Election]:
    pb = read_pabulib(pb_path(name))
    return pb, to_election(pb)


def recorded(name: str) -> set[str]:
    selected = load(name)[0].recorded_selected()
    assert selected is not None
    return set(selected)


def run(name: str, rule: ResultsRule, **kwargs: Any) -> Outcome:
    pb, election = load(name)
    kwargs.setdefault("threshold", pb.threshold)
    return run_cached(name, Options(rule=rule, **kwargs))


@cache
def run_cached(name: str, options: Options) -> Outcome:
    """Outcomes are immutable: several tests read the same Equal Shares run."""
    return run_rule(load(name)[1], options)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_rule_reproduces_recorded_winners(name: str) -> None:
    outcome = run(name, RECORDED[name])
    assert set(outcome.selected) == recorded(name)
    statuses = {p.project_id: p.status for p in outcome.projects}
    funded = {pid for pid, status in statuses.items() if status is Status.FUNDED}
    assert funded == recorded(name)


@pytest.mark.parametrize("name", sorted(LARGE))
def test_large_files_reproduce_recorded_winners(name: str) -> None:
    outcome = run(name, LARGE[name])
    assert set(outcome.selected) == recorded(name)


@pytest.mark.parametrize(
    "name",
    [
        "Poland_Warszawa_2019_Obszar_III-PowsinKepa_LatoszkowaZamoscLatoszki.pb",
        "Poland_Warszawa_2019_Nadwisle.pb",
        "Poland_Warszawa_2017_Aleksandrow.pb",
    ],
)
def test_skipping_matters_where_sources_say_so(name: str) -> None:
    no_skip = run(name, NO_SKIP)
    assert set(no_skip.selected) < recorded(name)
    statuses = [p.status for p in no_skip.projects]
    assert Status.NOT_REACHED in statuses or Status.NOT_ENOUGH_MONEY in statuses


def test_no_skip_stops_at_the_first_project_that_does_not_fit() -> None:
    name = "Poland_Gdynia_2022_Babie_Doly__small.pb"
    outcome = run(name, NO_SKIP)
    statuses = [(p.project_id, p.status) for p in outcome.projects]
    assert statuses == [
        ("2022/BAD/0005", Status.FUNDED),
        ("2022/BAD/0002", Status.NOT_ENOUGH_MONEY),
        ("2022/BAD/0001", Status.NOT_REACHED),
    ]
    assert "2022/BAD/0001" in run(name, GREEDY).selected


def test_threshold_changes_the_outcome_in_lodz_nr_33() -> None:
    name = "Poland_Lodz_2020_Nr_33.pb"
    with_threshold = run(name, GREEDY)
    pb, election = load(name)
    without = run_rule(election, Options(rule=GREEDY))
    assert set(without.selected) - set(with_threshold.selected) == {"W068NR"}
    status = {p.project_id: p.status for p in with_threshold.projects}
    assert status["W068NR"] is Status.BELOW_THRESHOLD


def test_decimal_budget_is_exact() -> None:
    pb, election = load("Poland_Warszawa_2019_Grochow_Kinowa.pb")
    assert election.budget == Fraction(22217685, 100)
    outcome = run("Poland_Warszawa_2019_Grochow_Kinowa.pb", GREEDY)
    assert outcome.spent <= election.budget


def test_brodno_tie_funds_the_cheaper_project_and_is_reported() -> None:
    outcome = run("Poland_Warszawa_2019_Brodno.pb", GREEDY)
    decisive = outcome.decisive_ties
    assert [(t.order, t.criterion) for t in decisive] == [(("2162", "2091"), TieCriterion.COST)]
    assert "2162" in outcome.selected and "2091" not in outcome.selected
    # The lot is never reached: cost decides, so a lot favouring 2091 changes nothing.
    lot = run("Poland_Warszawa_2019_Brodno.pb", GREEDY, lot_order=("2091", "2162"))
    assert lot.selected == outcome.selected


def test_wroclaw_2017_differs_only_by_the_withdrawn_project() -> None:
    """The plain no-skip rule stops at project 150 (cost 999999999, withdrawn after the vote) and
    funds nothing; declaring it withdrawn gives the recorded outcome."""
    name = "Poland_Wroclaw_2017_Rejon_nr_11_750.pb"
    plain = run(name, NO_SKIP)
    assert plain.selected == ()
    assert recorded(name) == {"425"}
    withdrawn = run(name, NO_SKIP, withdrawn=frozenset({"150"}))
    assert set(withdrawn.selected) == recorded(name)
    status = {p.project_id: p.status for p in withdrawn.projects}
    assert status["150"] is Status.WITHDRAWN


def test_warszawa_2018_las_differs_by_the_area_threshold() -> None:
    """With the file's threshold (39 votes, 10 % of this sub-area's ballots) project 1649 also
    fits; the city applied 10 % of a larger area's votes, which 1649 (93 votes) missed while
    every recorded winner (107 votes or more) passed."""
    name = "Poland_Warszawa_2018_Las.pb"
    plain = run(name, GREEDY)
    assert set(plain.selected) - recorded(name) == {"1649"}
    assert recorded(name) <= set(plain.selected)
    for area_threshold in (94, 107):
        outcome = run(name, GREEDY, threshold=area_threshold)
        assert set(outcome.selected) == recorded(name)


@pytest.mark.parametrize(
    ("name", "share"),
    [
        ("Netherlands_Assen_2024.pb", 2033),
        ("Netherlands_Assen_2025.pb", 571),
        ("Poland_Swiecie_2023.pb", 646),
    ],
)
def test_equal_shares_final_amount_per_voter(name: str, share: int) -> None:
    details = run(name, MES).equal_shares
    assert details.final_share == share
    assert details.initial_share == load(name)[1].budget / details.voters


def test_wieliczka_overspend_only_stop_then_comparison() -> None:
    name = "Poland_Wieliczka_2023_Green_Budget.pb"
    outcome = run(name, MES, add1_exhaustive_stop=False, compare_with_greedy=True)
    details = outcome.equal_shares
    assert details.final_share == 315
    assert details.stopped_because == "overspend"
    assert details.comparison is not None and not details.comparison.kept_greedy
    assert details.comparison.prefer_equal_shares > details.comparison.prefer_greedy
    assert set(outcome.selected) == recorded(name)


def test_equal_shares_payments_cover_each_cost() -> None:
    outcome = run("Netherlands_Assen_2024.pb", MES)
    details = outcome.equal_shares
    assert [p.project_id for p in details.payments] == list(outcome.selected)
    for pay in details.payments:
        assert pay.full_payers + pay.partial_payers <= pay.supporters
        assert pay.share * pay.full_payers + pay.partial_total == pay.cost
        assert pay.share <= details.final_share
    spent_by_voters = sum((p.cost for p in details.payments), Fraction(0))
    assert spent_by_voters + details.unspent_by_voters == details.final_share * details.voters


def in_cents(election: Election) -> Election:
    """The same election with money in cents, as the app keeps it (and says so)."""
    return Election(
        budget=election.budget * 100,
        projects=tuple(Project(p.project_id, p.cost * 100, p.name) for p in election.projects),
        ballots=election.ballots,
        currency_unit=CENTS_PER_UNIT,
    )


@pytest.mark.parametrize("name", sorted(n for n, r in RECORDED.items() if r is MES))
def test_equal_shares_in_cents_steps_one_euro_per_voter(name: str) -> None:
    """The app counts in cents: Add1 still raises each share by one euro (as pabutools and
    equalshares.net), so the outcome, the final share and the number of steps are the euros'."""
    pb, election = load(name)
    euros = run(name, MES)
    cents = run_rule(in_cents(election), Options(rule=MES, threshold=pb.threshold))
    assert cents.selected == euros.selected
    assert set(cents.selected) == recorded(name)
    assert cents.equal_shares is not None and euros.equal_shares is not None
    assert cents.equal_shares.add1_steps == euros.equal_shares.add1_steps
    assert cents.equal_shares.final_share == euros.equal_shares.final_share * 100
    assert cents.spent == euros.spent * 100


def test_currency_unit_must_be_positive() -> None:
    with pytest.raises(RulesError, match="unité monétaire"):
        Election(Fraction(100), (Project("a", Fraction(10)),), (), currency_unit=Fraction(0))
