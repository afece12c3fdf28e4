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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

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
        unspent=sum((m * bits.bit_count() for m, bits in state.groups.values()), _ZERO),
    )


class _State:
    """Money left per group of voters, and the candidates still in play with their last price."""

    def __init__(
        self, candidates: Sequence[Candidate], voters: int, share: Fraction, cost_utility: bool
    ) -> None:
        # Voters with money left, grouped by amount; voters with nothing left are dropped.
        self.groups: dict[tuple[int, int], tuple[Fraction, int]] = {}
        if voters and share > 0:
            _add(self.groups, share, (1 << voters) - 1)
        self.cost_utility = cost_utility
        self.remaining = list(candidates)
        self.bits = {c.pid: c.supporters for c in candidates}
        self.bound = {c.pid: self._price(c.cost / c.votes, c.cost) for c in candidates}
        self.alpha: dict[str, Fraction] = {}
        self.selected: list[str] = []
        self.payments: list[SharePayment] = []

    def _price(self, alpha: Fraction, cost: Fraction) -> Fraction:
        return alpha / cost if self.cost_utility else alpha

    def best_candidates(self) -> list[Candidate]:
        """The candidates with the lowest price this round (prices only rise, so stop early)."""
        self.remaining.sort(key=lambda c: self.bound[c.pid])
        best: list[Candidate] = []
        best_price: Fraction | None = None
        for cand in list(self.remaining):
            if best_price is not None and self.bound[cand.pid] > best_price:
                break
            alpha = self._affordability(cand)
            if alpha is None:
                self.remaining.remove(cand)
                continue
            price = self._price(alpha, cand.cost)
            self.bound[cand.pid] = price
            self.alpha[cand.pid] = alpha
            if best_price is None or price < best_price:
                best_price, best = price, [cand]
            elif price == best_price:
                best.append(cand)
        return best

    def _affordability(self, cand: Candidate) -> Fraction | None:
        """The equal payment `alpha` that covers the cost, the poorer paying all they have.

        None when the supporters' money together is short of the cost.
        """
        sup = self.bits[cand.pid]
        levels = []
        rich = 0
        for money, bits in self.groups.values():
            count = (bits & sup).bit_count()
            if count:
                levels.append((money, count))
                rich += count
        levels.sort()
        due = cand.cost
        for money, count in levels:
            alpha = due / rich
            if alpha <= money:
                return alpha
            due -= money * count
            rich -= count
        return None

    def fund(self, cand: Candidate) -> None:
        """Charge the supporters and regroup voters by the money they have left."""
        alpha = self.alpha[cand.pid]
        sup = self.bits[cand.pid]
        new_groups: dict[tuple[int, int], tuple[Fraction, int]] = {}
        full = partial = 0
        partial_total = _ZERO
        for money, bits in self.groups.values():
            inside = bits & sup
            if inside:
                count = inside.bit_count()
                if money > alpha:
                    full += count
                    _add(new_groups, money - alpha, inside)
                elif money == alpha:
                    full += count
                else:
                    partial += count
                    partial_total += money * count
                bits ^= inside
            if bits:
                _add(new_groups, money, bits)
        self.groups = new_groups
        self.remaining.remove(cand)
        self.selected.append(cand.pid)
        self.payments.append(
            SharePayment(
                project_id=cand.pid,
                cost=cand.cost,
                supporters=cand.votes,
                share=alpha,
                full_payers=full,
                partial_payers=partial,
                partial_total=partial_total,
            )
        )


def _add(groups: dict[tuple[int, int], tuple[Fraction, int]], money: Fraction, bits: int) -> None:
    """Merge voters into the group with the same money (keyed by the reduced fraction's terms,
    which hash much faster than a Fraction)."""
    key = (money.numerator, money.denominator)
    found = groups.get(key)
    groups[key] = (money, found[1] | bits) if found else (money, bits)
