""" "Most votes within budget" (greedy) and "most votes, stop at the first that does not fit".

Projects are taken by decreasing votes; ties are ordered by the declared tie-break. A project needs
at least one vote (and the declared threshold, if any). A withdrawn project is shown in its place
and passed over: it neither takes money nor stops the no-skip variant.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.domain.rules.tiebreak import TieBreaker, lot_required
from app.domain.rules.types import (
    Election,
    Options,
    Outcome,
    Phase,
    ProjectResult,
    ResultsRule,
    Status,
    Tie,
    TieCriterion,
)

log = logging.getLogger(__name__)

_MAX_PERMUTED = 6


def greedy(election: Election, options: Options) -> Outcome:
    """Run greedy (skip what does not fit) or greedy-no-skip, as `options.rule` says."""
    skip = options.rule is not ResultsRule.GREEDY_NO_SKIP
    breaker = make_breaker(election, options)
    costs = {p.project_id: p.cost for p in election.projects}
    run = greedy_pass(
        eligible_ids(election, options), election.votes, costs, election.budget, breaker, skip
    )
    results = explain(election, options, run, breaker)
    return Outcome(
        rule=options.rule,
        budget=election.budget,
        threshold=effective_threshold(options),
        selected=run.selected,
        projects=results,
        ties=run.ties,
        spent=sum((costs[p] for p in run.selected), Fraction(0)),
    )


@dataclass(frozen=True)
class GreedyPass:
    """One greedy pass: the decision order, what was funded, where no-skip stopped, the ties."""

    ordered: tuple[str, ...]
    funded: frozenset[str]
    stopped_at: str | None
    ties: tuple[Tie, ...]

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(p for p in self.ordered if p in self.funded)


def greedy_pass(
    ids: Sequence[str],
    votes: Mapping[str, int],
    costs: Mapping[str, Fraction],
    budget: Fraction,
    breaker: TieBreaker,
    skip: bool,
    phase: Phase = Phase.GREEDY,
) -> GreedyPass:
    """Order `ids` by votes and the tie-break, then fund what fits (also the Equal Shares top-up)."""
    ordered: list[str] = []
    tied: list[tuple[tuple[str, ...], TieCriterion]] = []
    for group in score_groups(ids, votes):
        if len(group) == 1:
            ordered.extend(group)
            continue
        group_order, criterion = order_group(group, breaker)
        ordered.extend(group_order)
        tied.append((group_order, criterion))
    funded, stopped_at = simulate(ordered, costs, budget, skip)
    check_unresolved(ordered, breaker, funded)
    ties = tuple(
        Tie(
            order=order,
            criterion=criterion,
            changed_outcome=tie_changes_outcome(ordered, order, costs, budget, skip),
            phase=phase,
        )
        for order, criterion in tied
    )
    return GreedyPass(tuple(ordered), funded, stopped_at, ties)


def effective_threshold(options: Options) -> int:
    """A project needs at least one vote, whatever threshold was declared."""
    return max(1, options.threshold)


def make_breaker(election: Election, options: Options) -> TieBreaker:
    costs = {p.project_id: p.cost for p in election.projects}
    return TieBreaker(costs, dict(election.votes), options.lot_order)


def eligible_ids(election: Election, options: Options) -> list[str]:
    """Projects that may be funded: not withdrawn and with enough votes."""
    minimum = effective_threshold(options)
    return [
        p.project_id
        for p in election.projects
        if p.project_id not in options.withdrawn and election.votes[p.project_id] >= minimum
    ]


def score_groups(ids: Sequence[str], votes: Mapping[str, int]) -> list[list[str]]:
    """Group projects with equal votes, best score first (input order kept inside a group)."""
    by_score: dict[int, list[str]] = {}
    for pid in ids:
        by_score.setdefault(votes[pid], []).append(pid)
    return [by_score[s] for s in sorted(by_score, reverse=True)]


def order_group(group: list[str], breaker: TieBreaker) -> tuple[tuple[str, ...], TieCriterion]:
    """Order a tie; full ties without a lot keep their input order until we know they matter."""
    keys = {breaker.declared_key(p) for p in group}
    if len(keys) < len(group) and not breaker.has_lot(group):
        ordered = tuple(sorted(group, key=breaker.declared_key))
        return ordered, TieCriterion.LOT
    return breaker.order(group)


def simulate(
    order: Sequence[str], costs: Mapping[str, Fraction], budget: Fraction, skip: bool
) -> tuple[frozenset[str], str | None]:
    """Fund in order what fits; return the funded ids and where no-skip stopped (if it did)."""
    remaining = budget
    funded: set[str] = set()
    for pid in order:
        cost = costs[pid]
        if cost <= remaining:
            funded.add(pid)
            remaining -= cost
        elif not skip:
            return frozenset(funded), pid
    return frozenset(funded), None


def check_unresolved(order: Sequence[str], breaker: TieBreaker, funded: frozenset[str]) -> None:
    """Full ties without a lot are fine only if all of them or none of them are funded.

    Tied projects have the same cost, so the money left after them does not depend on their
    order; only which of them is funded does.
    """
    for _key, block in itertools.groupby(order, key=breaker.declared_key_with_votes):
        ids = list(block)
        if len(ids) < 2 or breaker.has_lot(ids):
            continue
        inside = sum(1 for p in ids if p in funded)
        if 0 < inside < len(ids):
            raise lot_required(ids)


def tie_changes_outcome(
    order: Sequence[str],
    tie: tuple[str, ...],
    costs: Mapping[str, Fraction],
    budget: Fraction,
    skip: bool,
) -> bool:
    """Would another order of the tied projects fund a different set?

    All orders are tried for ties of up to six projects; larger ties try every rotation and the
    reverse order (enough to move each project first and last).
    """
    start = order.index(tie[0])
    end = start + len(tie)
    reference, _ = simulate(order, costs, budget, skip)
    for alternative in alternatives(tie):
        candidate = [*order[:start], *alternative, *order[end:]]
        if simulate(candidate, costs, budget, skip)[0] != reference:
            return True
    return False


def alternatives(tie: tuple[str, ...]) -> list[tuple[str, ...]]:
    if len(tie) <= _MAX_PERMUTED:
        return list(itertools.permutations(tie))
    rotations = [tie[i:] + tie[:i] for i in range(len(tie))]
    return [*rotations, tuple(reversed(tie))]


def explain(
    election: Election, options: Options, run: GreedyPass, breaker: TieBreaker
) -> tuple[ProjectResult, ...]:
    """Every project with its status in decision order; set-aside ones where their votes put them."""
    ordered, funded, stopped_at = run.ordered, run.funded, run.stopped_at
    status: dict[str, Status] = {}
    reached = True
    for pid in ordered:
        if pid == stopped_at:
            status[pid] = Status.NOT_ENOUGH_MONEY
            reached = False
        elif pid in funded:
            status[pid] = Status.FUNDED
        else:
            status[pid] = Status.NOT_ENOUGH_MONEY if reached else Status.NOT_REACHED
    if stopped_at is not None:
        mark_tied_with_stop(ordered, stopped_at, breaker, status)
    rest = [p.project_id for p in election.projects if p.project_id not in status]
    for pid in rest:
        status[pid] = Status.WITHDRAWN if pid in options.withdrawn else Status.BELOW_THRESHOLD
    rest.sort(key=lambda p: (-election.votes[p], breaker.declared_key(p)))
    by_id = election.by_id
    return tuple(
        ProjectResult(
            project_id=pid,
            name=by_id[pid].name,
            cost=by_id[pid].cost,
            votes=election.votes[pid],
            status=status[pid],
            phase=Phase.GREEDY if status[pid] is Status.FUNDED else None,
        )
        for pid in merge_by_votes(list(ordered), rest, election.votes)
    )


def mark_tied_with_stop(
    ordered: Sequence[str], stopped_at: str, breaker: TieBreaker, status: dict[str, Status]
) -> None:
    """Projects fully tied with the one that stopped no-skip were not reached only by chance."""
    key = breaker.declared_key_with_votes(stopped_at)
    for pid in ordered:
        if pid != stopped_at and breaker.declared_key_with_votes(pid) == key:
            if status[pid] is Status.NOT_REACHED:
                status[pid] = Status.NOT_ENOUGH_MONEY


def merge_by_votes(ordered: list[str], rest: list[str], votes: Mapping[str, int]) -> list[str]:
    """Insert the projects set aside (withdrawn, too few votes) where their votes place them."""
    merged: list[str] = []
    i = j = 0
    while i < len(ordered) or j < len(rest):
        if j == len(rest) or (i < len(ordered) and votes[ordered[i]] >= votes[rest[j]]):
            merged.append(ordered[i])
            i += 1
        else:
            merged.append(rest[j])
            j += 1
    return merged
