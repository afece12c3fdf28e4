"""Rules on small elections worked out by hand: statuses, ties, lots, Equal Shares payments."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.domain.rules import (
    Election,
    LotRequired,
    Options,
    Phase,
    Project,
    ResultsRule,
    RulesError,
    Status,
    TieCriterion,
    lot_order_from_seed,
    run_rule,
    status_label,
    stop_label,
)
from app.errors import Cancelled


def election(budget: int, costs: dict[str, int], ballots: list[str]) -> Election:
    """`ballots` as strings of project ids, one letter per project ("ab" approves a and b)."""
    projects = tuple(Project(pid, Fraction(c), f"Projet {pid}") for pid, c in costs.items())
    return Election(Fraction(budget), projects, tuple(frozenset(b) for b in ballots))


def statuses(outcome: object) -> list[tuple[str, Status]]:
    return [(p.project_id, p.status) for p in outcome.projects]  # type: ignore[attr-defined]


def test_greedy_statuses_in_decision_order() -> None:
    e = election(100, {"a": 60, "b": 50, "c": 30, "d": 5, "z": 1}, ["abc", "ab", "a", "c", "d"])
    outcome = run_rule(e, Options(threshold=2))
    assert statuses(outcome) == [
        ("a", Status.FUNDED),
        ("c", Status.FUNDED),
        ("b", Status.NOT_ENOUGH_MONEY),
        ("d", Status.BELOW_THRESHOLD),
        ("z", Status.BELOW_THRESHOLD),
    ]
    assert outcome.selected == ("a", "c") and outcome.spent == 90 and outcome.threshold == 2


def test_project_needs_one_vote_even_without_threshold() -> None:
    e = election(100, {"a": 10, "z": 1}, ["a"])
    outcome = run_rule(e, Options())
    assert outcome.selected == ("a",)
    assert dict(statuses(outcome))["z"] is Status.BELOW_THRESHOLD


def test_no_skip_marks_the_rest_not_reached_and_withdrawn_does_not_stop() -> None:
    e = election(100, {"w": 500, "a": 60, "b": 50, "c": 30}, ["wab", "wab", "wac", "w"])
    outcome = run_rule(e, Options(rule=ResultsRule.GREEDY_NO_SKIP, withdrawn=frozenset({"w"})))
    assert statuses(outcome) == [
        ("w", Status.WITHDRAWN),
        ("a", Status.FUNDED),
        ("b", Status.NOT_ENOUGH_MONEY),
        ("c", Status.NOT_REACHED),
    ]


def test_tie_on_votes_goes_to_the_cheaper_project() -> None:
    e = election(100, {"a": 70, "b": 40, "c": 60}, ["ab", "ab", "c"])
    outcome = run_rule(e, Options())
    assert outcome.selected == ("b",) + () or outcome.selected == ("b", "c")
    assert outcome.selected == ("b", "c")
    (tie,) = outcome.ties
    assert tie.order == ("b", "a") and tie.criterion is TieCriterion.COST and tie.changed_outcome


def test_full_tie_that_matters_needs_a_lot() -> None:
    e = election(100, {"a": 60, "b": 60}, ["a", "b"])
    with pytest.raises(LotRequired) as info:
        run_rule(e, Options())
    assert info.value.project_ids == ("a", "b")
    assert "tirage au sort" in str(info.value)
    outcome = run_rule(e, Options(lot_order=("b", "a")))
    assert outcome.selected == ("b",)
    (tie,) = outcome.decisive_ties
    assert tie.criterion is TieCriterion.LOT and tie.order == ("b", "a")


def test_full_tie_that_does_not_matter_needs_no_lot() -> None:
    e = election(200, {"a": 60, "b": 60}, ["a", "b"])
    outcome = run_rule(e, Options())
    assert set(outcome.selected) == {"a", "b"}
    assert outcome.decisive_ties == ()


def test_lot_from_a_recorded_seed_is_reproducible() -> None:
    ids = [f"p{i}" for i in range(10)]
    first = lot_order_from_seed("4-2-6 tirés le 3 mars", ids)
    assert first == lot_order_from_seed("4-2-6 tirés le 3 mars", reversed(ids))
    assert sorted(first) == ids and first != tuple(ids)
    assert first != lot_order_from_seed("autre graine", ids)


def test_equal_shares_payments_worked_by_hand() -> None:
    # 4 voters, 30 each. c (30, everyone) costs 7.50 each; then a (60, voters 1-3) 20 each;
    # b (40) has only voter 4, who has 22.50 left: not enough.
    e = election(120, {"a": 60, "b": 40, "c": 30}, ["ac", "ac", "ac", "bc"])
    outcome = run_rule(e, Options(rule=ResultsRule.MES))
    assert outcome.selected == ("c", "a")
    details = outcome.equal_shares
    assert details is not None
    assert details.final_share == 30 and details.stopped_because == "exhaustive"
    assert [(p.project_id, p.share, p.full_payers) for p in details.payments] == [
        ("c", Fraction(15, 2), 4),
        ("a", Fraction(20), 3),
    ]
    assert details.unspent_by_voters == 30
    assert dict(statuses(outcome))["b"] is Status.NOT_ENOUGH_MONEY


def test_equal_shares_approval_utility_prefers_the_smaller_payment() -> None:
    # 4 voters, 20 each. a (60, voters 1-3): 20 each, i.e. 1/3 per unit of cost.
    # c (15, voters 1 and 4): 7.50 each, i.e. 1/2 per unit of cost.
    # Cost utilities fund a first, then c from voter 4; approval utilities fund c first, after
    # which a's supporters hold 52.50, short of 60.
    e = election(80, {"a": 60, "c": 15}, ["ac", "a", "a", "c"])
    cost = run_rule(e, Options(rule=ResultsRule.MES, add1=False))
    approval = run_rule(e, Options(rule=ResultsRule.MES, add1=False, share_utility="approval"))
    assert cost.selected == ("a", "c")
    assert approval.selected == ("c",)


def test_top_up_funds_what_still_fits() -> None:
    e = election(100, {"a": 60, "b": 30}, ["a", "b"])
    plain = run_rule(e, Options(rule=ResultsRule.MES, add1=False))
    assert plain.selected == ("b",)
    topped = run_rule(e, Options(rule=ResultsRule.MES, add1=False, top_up=True))
    assert topped.selected == ("b", "a")
    phases = {p.project_id: p.phase for p in topped.projects}
    assert phases == {"b": Phase.EQUAL_SHARES, "a": Phase.TOP_UP}


def test_comparison_keeps_greedy_when_more_voters_prefer_it() -> None:
    e = election(100, {"x": 100, "y": 50, "z": 10}, ["x", "x", "x", "yz", "y"])
    outcome = run_rule(e, Options(rule=ResultsRule.MES, add1=False, compare_with_greedy=True))
    assert outcome.selected == ("x",)
    details = outcome.equal_shares
    assert details is not None and details.comparison is not None
    assert (details.comparison.prefer_greedy, details.comparison.prefer_equal_shares) == (3, 1)
    assert [p.phase for p in outcome.projects if p.status is Status.FUNDED] == [Phase.COMPARISON]


def test_add1_reports_progress_and_stops_when_cancelled() -> None:
    e = election(100, {"a": 90, "b": 80}, ["a", "ab", "b", "b"])
    seen: list[tuple[int, int]] = []
    outcome = run_rule(e, Options(rule=ResultsRule.MES), progress=lambda i, n: seen.append((i, n)))
    assert outcome.equal_shares is not None and outcome.equal_shares.add1_steps == len(seen) > 0
    assert all(0 < i <= n for i, n in seen)

    class Cancel:
        cancelled = True

    with pytest.raises(Cancelled):
        run_rule(e, Options(rule=ResultsRule.MES), cancel=Cancel())


def test_bad_elections_and_options_are_refused_in_french() -> None:
    with pytest.raises(RulesError, match="projet inconnu"):
        election(10, {"a": 1}, ["b"])
    with pytest.raises(RulesError, match="deux fois"):
        Election(Fraction(10), (Project("a", Fraction(1)), Project("a", Fraction(2))), ())
    with pytest.raises(RulesError, match="négatif"):
        election(10, {"a": -1}, [])
    e = election(10, {"a": 1}, ["a"])
    with pytest.raises(RulesError, match="Projets inconnus"):
        run_rule(e, Options(withdrawn=frozenset({"q"})))
    with pytest.raises(RulesError, match="seuil"):
        run_rule(e, Options(threshold=-1))


def test_every_status_and_stop_reason_has_a_french_label() -> None:
    assert status_label(Status.FUNDED) == "financé"
    assert status_label(Status.NOT_ENOUGH_MONEY) == "pas assez d'argent restant"
    assert {status_label(s) for s in Status} and all(status_label(s) for s in Status)
    assert stop_label("exhaustive") == "plus aucun projet ne rentre dans le budget restant"
