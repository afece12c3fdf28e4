"""Equal Shares as campaigns declare it: Add1 completion, optional top-up and greedy comparison.

Add1 follows equalshares.net: run Equal Shares with the budget split equally; then, starting from
the whole currency unit below that share, raise every voter's share by one unit of the currency
(one euro, also when amounts are in cents: `Election.currency_unit`) and run again,
keeping each new outcome while it stays within the budget, until the outcome is exhaustive (no
eligible project still fits in the money left) or the next step would overspend. With
`add1_exhaustive_stop=False` only overspending stops it (Wieliczka 2023).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from app.domain.rules.greedy import (
    GreedyPass,
    effective_threshold,
    eligible_ids,
    greedy_pass,
    make_breaker,
    merge_by_votes,
)
from app.domain.rules.mes import Candidate, FixedRun, equal_shares_fixed, supporter_bits
from app.domain.rules.tiebreak import TieBreaker
from app.domain.rules.types import (
    Comparison,
    Election,
    EqualSharesDetails,
    Options,
    Outcome,
    Phase,
    ProjectResult,
    Status,
    Tie,
)
from app.errors import CancelFlag, Cancelled

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def equal_shares(
    election: Election,
    options: Options,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Outcome:
    """Run Equal Shares with the options' completion steps and explain the outcome."""
    breaker = make_breaker(election, options)
    eligible = eligible_ids(election, options)
    costs = {p.project_id: p.cost for p in election.projects}
    free = [pid for pid in eligible if costs[pid] == 0]
    paid_ids = [pid for pid in eligible if costs[pid] > 0]
    bits = supporter_bits(election.ballots, set(paid_ids))
    candidates = [Candidate(pid, costs[pid], bits[pid], election.votes[pid]) for pid in paid_ids]
    voters = len(election.ballots)
    runner = _Runner(candidates, voters, breaker, options.share_utility == "cost")
    run, steps, stop = add1_loop(
        runner, election.budget, costs, options, progress, cancel, election.currency_unit
    )
    selected = [*free, *run.selected]
    top_up: GreedyPass | None = None
    if options.top_up:
        top_up = _top_up(election, selected, paid_ids, costs, breaker)
        selected.extend(top_up.selected)
    comparison = None
    if options.compare_with_greedy:
        comparison = compare(election, eligible, selected, costs, breaker)
        if comparison.kept_greedy:
            selected = list(comparison.greedy_selected)
    ties = _mes_ties(runner, run) + (top_up.ties if top_up else ())
    details = EqualSharesDetails(
        voters=voters,
        initial_share=election.budget / voters if voters else Fraction(0),
        final_share=run.share,
        add1_steps=steps,
        stopped_because=stop,
        payments=run.payments,
        unspent_by_voters=run.unspent,
        comparison=comparison,
    )
    phases = _phases(free, run, top_up, comparison)
    return Outcome(
        rule=options.rule,
        budget=election.budget,
        threshold=effective_threshold(options),
        selected=tuple(selected),
        projects=_explain(election, options, selected, phases, breaker),
        ties=ties,
        equal_shares=details,
        spent=sum((costs[p] for p in selected), Fraction(0)),
    )


class _Runner:
    """Runs Equal Shares at a given share, remembering the inputs for tie re-runs."""

    def __init__(
        self, candidates: list[Candidate], voters: int, breaker: TieBreaker, cost_utility: bool
    ) -> None:
        self.candidates = candidates
        self.voters = voters
        self.breaker = breaker
        self.cost_utility = cost_utility
        self.runs = 0

    def __call__(self, share: Fraction, forced: dict[int, str] | None = None) -> FixedRun:
        self.runs += 1
        return equal_shares_fixed(
            self.candidates, self.voters, share, self.breaker, self.cost_utility, forced
        )


def add1_loop(
    runner: _Runner,
    budget: Fraction,
    costs: dict[str, Fraction],
    options: Options,
    progress: Progress | None,
    cancel: CancelFlag | None,
    unit: Fraction = Fraction(1),
) -> tuple[FixedRun, int, str]:
    """The Add1 completion; returns the kept run, the number of kept steps and why it stopped.

    Each step raises the share per voter by `unit`, one unit of the currency in the amounts'
    own terms (100 when they are cents): stepping by cents would take a hundred times as many
    runs and could stop on outcomes that pabutools and equalshares.net never look at."""
    voters = runner.voters
    if voters == 0:
        return FixedRun(Fraction(0), (), (), (), Fraction(0)), 0, "no_voters"
    run = runner(budget / voters)
    if not options.add1:
        return run, 0, "no_completion"
    base = math.floor(budget / voters / unit)
    limit = max((c.cost for c in runner.candidates), default=Fraction(0))
    total_steps = max(1, math.ceil(limit / unit) - base)
    steps = 0
    while True:
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if len(run.selected) == len(runner.candidates):
            return run, steps, "all_funded"
        if options.add1_exhaustive_stop and _exhaustive(run, runner.candidates, budget, costs):
            return run, steps, "exhaustive"
        following = runner((base + steps + 1) * unit)
        if sum((costs[p] for p in following.selected), Fraction(0)) > budget:
            return run, steps, "overspend"
        run, steps = following, steps + 1
        if progress is not None:
            progress(min(steps, total_steps), total_steps)


def _exhaustive(
    run: FixedRun, candidates: Sequence[Candidate], budget: Fraction, costs: dict[str, Fraction]
) -> bool:
    """No eligible project left out still fits in the money the outcome leaves."""
    left = budget - sum((costs[p] for p in run.selected), Fraction(0))
    chosen = set(run.selected)
    return all(c.cost > left for c in candidates if c.pid not in chosen)


def _top_up(
    election: Election,
    selected: list[str],
    paid_ids: list[str],
    costs: dict[str, Fraction],
    breaker: TieBreaker,
) -> GreedyPass:
    """Fund, by most votes, what still fits in the money Equal Shares left (utilitarian)."""
    left = election.budget - sum((costs[p] for p in selected), Fraction(0))
    chosen = set(selected)
    rest = [pid for pid in paid_ids if pid not in chosen]
    return greedy_pass(rest, election.votes, costs, left, breaker, True, Phase.TOP_UP)


def compare(
    election: Election,
    eligible: list[str],
    selected: list[str],
    costs: dict[str, Fraction],
    breaker: TieBreaker,
) -> Comparison:
    """Count voters who have more approved projects funded under each outcome (Wieliczka)."""
    greedy_run = greedy_pass(eligible, election.votes, costs, election.budget, breaker, True)
    ours, theirs = set(selected), set(greedy_run.selected)
    prefer_ours = prefer_greedy = 0
    if ours != theirs:
        for ballot in election.ballots:
            a, b = len(ballot & ours), len(ballot & theirs)
            if a > b:
                prefer_ours += 1
            elif b > a:
                prefer_greedy += 1
    return Comparison(
        greedy_selected=greedy_run.selected,
        prefer_equal_shares=prefer_ours,
        prefer_greedy=prefer_greedy,
        kept_greedy=prefer_greedy > prefer_ours,
    )


def _mes_ties(runner: _Runner, run: FixedRun) -> tuple[Tie, ...]:
    """Ties of the kept run; one changed the outcome if another pick funds a different set."""
    ties = []
    for tie in run.ties:
        changed = any(
            set(runner(run.share, {tie.round_index: other}).selected) != set(run.selected)
            for other in tie.order[1:]
        )
        ties.append(Tie(tie.order, tie.criterion, changed, Phase.EQUAL_SHARES))
    return tuple(ties)


def _phases(
    free: list[str], run: FixedRun, top_up: GreedyPass | None, comparison: Comparison | None
) -> dict[str, Phase]:
    if comparison is not None and comparison.kept_greedy:
        return {pid: Phase.COMPARISON for pid in comparison.greedy_selected}
    phases = {pid: Phase.EQUAL_SHARES for pid in [*free, *run.selected]}
    if top_up is not None:
        phases.update({pid: Phase.TOP_UP for pid in top_up.selected})
    return phases


def _explain(
    election: Election,
    options: Options,
    selected: list[str],
    phases: dict[str, Phase],
    breaker: TieBreaker,
) -> tuple[ProjectResult, ...]:
    """Funded projects in the order they were funded, then the others by votes."""
    threshold = effective_threshold(options)
    votes = election.votes
    others = [p.project_id for p in election.projects if p.project_id not in phases]
    others.sort(key=lambda p: (-votes[p], breaker.declared_key(p)))

    def status(pid: str) -> Status:
        if pid in options.withdrawn:
            return Status.WITHDRAWN
        if votes[pid] < threshold:
            return Status.BELOW_THRESHOLD
        return Status.NOT_ENOUGH_MONEY

    by_id = election.by_id
    order = [*selected, *merge_by_votes([], others, votes)]
    return tuple(
        ProjectResult(
            project_id=pid,
            name=by_id[pid].name,
            cost=by_id[pid].cost,
            votes=votes[pid],
            status=Status.FUNDED if pid in phases else status(pid),
            phase=phases.get(pid),
        )
        for pid in order
    )
