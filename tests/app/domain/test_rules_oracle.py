"""Our rules against pabutools 1.2.3 (dev-only oracle, GPL: imported here, never in app/).

Random small instances with many ties: few distinct costs, few voters. Both sides get the same
tie-break (cheaper first, then more voters, then a drawn order), and the budget is a multiple of
the number of voters so that equalshares.net's Add1 (which starts from the whole unit below the
equal share) and pabutools' Add1 (which starts from the equal share) take the same steps.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    Instance,
)
from pabutools.election import Project as PbuProject
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from app.domain.rules import Election, Options, Project, ResultsRule, run_rule

COSTS = (10, 20, 20, 30, 40, 60)


@st.composite
def elections(draw: Any) -> tuple[Election, tuple[str, ...]]:
    n_projects = draw(st.integers(1, 6))
    ids = [f"p{i}" for i in range(n_projects)]
    costs = [draw(st.sampled_from(COSTS)) for _ in ids]
    voters = draw(st.integers(1, 10))
    ballots = [
        frozenset(draw(st.lists(st.sampled_from(ids), max_size=n_projects, unique=True)))
        for _ in range(voters)
    ]
    budget = voters * draw(st.integers(1, 25))
    lot = tuple(draw(st.permutations(ids)))
    projects = tuple(Project(pid, Fraction(c)) for pid, c in zip(ids, costs, strict=True))
    return Election(Fraction(budget), projects, tuple(ballots)), lot


def to_pabutools(election: Election, with_votes_only: bool) -> tuple[Instance, ApprovalProfile]:
    keep = [p for p in election.projects if not with_votes_only or election.votes[p.project_id] > 0]
    projects = {p.project_id: PbuProject(p.project_id, int(p.cost)) for p in keep}
    instance = Instance(projects.values(), budget_limit=int(election.budget))
    profile = ApprovalProfile(
        [
            ApprovalBallot([projects[pid] for pid in ballot if pid in projects])
            for ballot in election.ballots
        ]
    )
    return instance, profile


def tie_breaking(lot: tuple[str, ...]) -> TieBreakingRule:
    position = {pid: i for i, pid in enumerate(lot)}
    return TieBreakingRule(
        lambda inst, prof, proj: (proj.cost, -prof.approval_score(proj), position[proj.name])
    )


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(elections())
def test_greedy_matches_pabutools(case: tuple[Election, tuple[str, ...]]) -> None:
    election, lot = case
    ours = run_rule(election, Options(rule=ResultsRule.GREEDY, lot_order=lot))
    instance, profile = to_pabutools(election, with_votes_only=True)
    theirs = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=tie_breaking(lot)
    )
    assert sorted(ours.selected) == sorted(p.name for p in theirs)


@SETTINGS
@given(elections(), st.sampled_from(["cost", "approval"]))
def test_equal_shares_add1_matches_pabutools(
    case: tuple[Election, tuple[str, ...]], utility: str
) -> None:
    election, lot = case
    options = Options(rule=ResultsRule.MES, lot_order=lot, share_utility=utility)
    ours = run_rule(election, options)
    instance, profile = to_pabutools(election, with_votes_only=False)
    theirs = method_of_equal_shares(
        instance,
        profile,
        sat_class=Cost_Sat if utility == "cost" else Cardinality_Sat,
        voter_budget_increment=1,
        tie_breaking=tie_breaking(lot),
    )
    assert sorted(ours.selected) == sorted(p.name for p in theirs)


@SETTINGS
@given(elections(), st.sampled_from(["cost", "approval"]))
def test_equal_shares_without_completion_matches_pabutools(
    case: tuple[Election, tuple[str, ...]], utility: str
) -> None:
    election, lot = case
    options = Options(rule=ResultsRule.MES, lot_order=lot, add1=False, share_utility=utility)
    ours = run_rule(election, options)
    instance, profile = to_pabutools(election, with_votes_only=False)
    theirs = method_of_equal_shares(
        instance,
        profile,
        sat_class=Cost_Sat if utility == "cost" else Cardinality_Sat,
        tie_breaking=tie_breaking(lot),
    )
    assert list(ours.selected) == [p.name for p in theirs]


@SETTINGS
@given(elections(), st.sampled_from(["cost", "approval"]))
def test_equal_shares_add1_in_cents_matches_pabutools_in_euros(
    case: tuple[Election, tuple[str, ...]], utility: str
) -> None:
    """Amounts in cents with `currency_unit=100`: Add1 steps one euro per voter, as pabutools
    does on the same vote in euros (stepping by cents could stop elsewhere)."""
    election, lot = case
    cents = Election(
        election.budget * 100,
        tuple(Project(p.project_id, p.cost * 100) for p in election.projects),
        election.ballots,
        currency_unit=Fraction(100),
    )
    options = Options(rule=ResultsRule.MES, lot_order=lot, share_utility=utility)
    ours = run_rule(cents, options)
    instance, profile = to_pabutools(election, with_votes_only=False)
    theirs = method_of_equal_shares(
        instance,
        profile,
        sat_class=Cost_Sat if utility == "cost" else Cardinality_Sat,
        voter_budget_increment=1,
        tie_breaking=tie_breaking(lot),
    )
    assert sorted(ours.selected) == sorted(p.name for p in theirs)
