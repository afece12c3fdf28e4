"""The Method of Equal Shares for a fixed amount per voter (approval ballots, exact fractions).

Every voter starts with the same share of money. Each round funds the project its supporters can
pay for most cheaply, each supporter paying an equal part (or all they have left, if less); a
project whose supporters together have less than its cost can no longer be funded.

With cost utilities (the equalshares.net convention, used by Assen, Świecie and Wieliczka) the
best project minimises the payment per unit of cost, `share / cost`; with approval utilities it
minimises the payment itself. Voters with the same money left are kept together as one group
(a bit set of voters), so a round costs a few big-integer operations per group instead of work
per voter: this is what keeps Add1's hundreds of runs fast with exact arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cmp_to_key

from app.domain.rules.tiebreak import TieBreaker
from app.domain.rules.types import SharePayment, TieCriterion

_ZERO = Fraction(0)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A project that Equal Shares may fund: positive cost and at least one supporter."""

    pid: str
    cost: Fraction
    supporters: int
    votes: int


@dataclass(frozen=True, slots=True)
class RoundTie:
    """Projects tied for the best price in one round; `order` as the tie-break ranked them."""

    round_index: int
    order: tuple[str, ...]
    criterion: TieCriterion


@dataclass(frozen=True)
class FixedRun:
    """One run of Equal Shares at a given amount per voter."""

    share: Fraction
    selected: tuple[str, ...]
    payments: tuple[SharePayment, ...]
    ties: tuple[RoundTie, ...]
    unspent: Fraction


def supporter_bits(ballots: Sequence[frozenset[str]], ids: set[str]) -> dict[str, int]:
    """For each project, the set of its supporters as an integer bit set (bit i = ballot i)."""
    positions: dict[str, list[int]] = {pid: [] for pid in ids}
    for index, ballot in enumerate(ballots):
        for pid in ballot:
            if pid in positions:
                positions[pid].append(index)
    return {pid: _bits_from_positions(pos) for pid, pos in positions.items()}


def _bits_from_positions(positions: list[int]) -> int:
    if not positions:
        return 0
    raw = bytearray((positions[-1] >> 3) + 1)
    for i in positions:
        raw[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(raw, "little")


def equal_shares_fixed(
    candidates: Sequence[Candidate],
    voters: int,
    share: Fraction,
    breaker: TieBreaker,
    cost_utility: bool = True,
    forced: Mapping[int, str] | None = None,
) -> FixedRun:
    """Run Equal Shares with `share` per voter; `forced` picks a project in a tied round."""
    state = _State(candidates, voters, share, cost_utility)
    ties: list[RoundTie] = []
    while True:
        best = state.best_candidates()
        if not best:
            break
        chosen = best[0]
        if len(best) > 1:
            order, criterion = breaker.order(c.pid for c in best)
            ties.append(RoundTie(len(state.selected), order, criterion))
            chosen = next(c for c in best if c.pid == order[0])
        if forced and len(state.selected) in forced:
            chosen = next(c for c in best if c.pid == forced[len(state.selected)])
        state.fund(chosen)
    return FixedRun(
        share=share,
        selected=tuple(state.selected),
        payments=tuple(state.payments),
        ties=tuple(ties),
        unspent=_total((n * bits.bit_count(), d) for (n, d), bits in state.groups.items()),
    )


Q = tuple[int, int]
"""An exact rational as (numerator, denominator > 0), always reduced.

The hot loops use bare integer pairs rather than `Fraction`: same exact values, but comparisons
are two integer products instead of a Python-level method call, which makes Add1's hundreds of
runs several times faster.
"""


def _q(num: int, den: int) -> Q:
    g = math.gcd(num, den)
    return (num // g, den // g) if g > 1 else (num, den)


def _from_fraction(value: Fraction) -> Q:
    return (value.numerator, value.denominator)


def _fraction(value: Q) -> Fraction:
    return Fraction(value[0], value[1])


def _total(values: Iterable[Q]) -> Fraction:
    num, den = 0, 1
    for n, d in values:
        num, den = _q(num * d + n * den, den * d)
    return Fraction(num, den)


def _less(a: Q, b: Q) -> bool:
    return a[0] * b[1] < b[0] * a[1]


def _compare(a: Q, b: Q) -> int:
    left, right = a[0] * b[1], b[0] * a[1]
    return (left > right) - (left < right)


class _State:
    """Money left per group of voters, and the candidates still in play with their last price."""

    def __init__(
        self, candidates: Sequence[Candidate], voters: int, share: Fraction, cost_utility: bool
    ) -> None:
        # Voters with money left, grouped by amount; voters with nothing left are dropped.
        self.groups: dict[Q, int] = {}
        if voters and share > 0:
            self.groups[_from_fraction(share)] = (1 << voters) - 1
        self.cost_utility = cost_utility
        self.remaining = list(candidates)
        self.bits = {c.pid: c.supporters for c in candidates}
        self.cost = {c.pid: _from_fraction(c.cost) for c in candidates}
        self.bound = {
            c.pid: self._price(_q(c.cost.numerator, c.cost.denominator * c.votes), c.pid)
            for c in candidates
        }
        self.alpha: dict[str, Q] = {}
        self.selected: list[str] = []
        self.payments: list[SharePayment] = []

    def _price(self, alpha: Q, pid: str) -> Q:
        """What a supporter pays per unit of satisfaction: per unit of cost, or per project."""
        if not self.cost_utility:
            return alpha
        cost = self.cost[pid]
        return _q(alpha[0] * cost[1], alpha[1] * cost[0])

    def best_candidates(self) -> list[Candidate]:
        """The candidates with the lowest price this round (prices only rise, so stop early)."""
        bound = self.bound
        self.remaining.sort(key=cmp_to_key(lambda a, b: _compare(bound[a.pid], bound[b.pid])))
        best: list[Candidate] = []
        best_price: Q | None = None
        for cand in list(self.remaining):
            if best_price is not None and _less(best_price, bound[cand.pid]):
                break
            alpha = self._affordability(cand)
            if alpha is None:
                self.remaining.remove(cand)
                continue
            price = self._price(alpha, cand.pid)
            bound[cand.pid] = price
            self.alpha[cand.pid] = alpha
            if best_price is None or _less(price, best_price):
                best_price, best = price, [cand]
            elif price == best_price:
                best.append(cand)
        return best

    def _affordability(self, cand: Candidate) -> Q | None:
        """The equal payment `alpha` that covers the cost, the poorer paying all they have.

        Poor/rich iteration: supporters with less than the current `alpha` pay everything they
        have, which raises `alpha` for the others; repeat until nobody new is poor. None when
        every supporter is poor (their money together is short of the cost).
        """
        sup = self.bits[cand.pid]
        rich_levels: list[tuple[int, int, int]] = []
        rich = 0
        for (num, den), bits in self.groups.items():
            count = (bits & sup).bit_count()
            if count:
                rich_levels.append((num, den, count))
                rich += count
        due = self.cost[cand.pid]
        while rich:
            alpha_num, alpha_den = due[0], due[1] * rich
            poorer = [lv for lv in rich_levels if lv[0] * alpha_den < alpha_num * lv[1]]
            if not poorer:
                return _q(alpha_num, alpha_den)
            for num, den, count in poorer:
                due = _q(due[0] * den - num * count * due[1], due[1] * den)
                rich -= count
            rich_levels = [lv for lv in rich_levels if lv[0] * alpha_den >= alpha_num * lv[1]]
        return None

    def fund(self, cand: Candidate) -> None:
        """Charge the supporters and regroup voters by the money they have left."""
        an, ad = self.alpha[cand.pid]
        sup = self.bits[cand.pid]
        new_groups: dict[Q, int] = {}
        full = partial = 0
        partial_amounts: list[Q] = []
        for (num, den), bits in self.groups.items():
            inside = bits & sup
            if inside:
                count = inside.bit_count()
                diff = num * ad - an * den
                if diff >= 0:
                    full += count
                    if diff:
                        key = _q(diff, den * ad)
                        new_groups[key] = new_groups.get(key, 0) | inside
                else:
                    partial += count
                    partial_amounts.append((num * count, den))
                bits ^= inside
            if bits:
                new_groups[(num, den)] = new_groups.get((num, den), 0) | bits
        self.groups = new_groups
        self.remaining.remove(cand)
        self.selected.append(cand.pid)
        self.payments.append(
            SharePayment(
                project_id=cand.pid,
                cost=cand.cost,
                supporters=cand.votes,
                share=_fraction((an, ad)),
                full_payers=full,
                partial_payers=partial,
                partial_total=_total(partial_amounts),
            )
        )
