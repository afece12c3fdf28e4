"""The tie-break declared before counting: cheaper project first, then more voters, then the lot.

The lot is an order of project ids drawn in public and recorded (or derived from a recorded seed
with `lot_order_from_seed`). Project ids are never used to break a tie: an id says nothing about
what residents wanted, and ordering by it would quietly favour whoever numbered the projects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from fractions import Fraction

from app.domain.rules.types import LotRequired, TieCriterion


class TieBreaker:
    """Orders tied projects by (cost, -voters, lot position) and names the deciding criterion."""

    def __init__(
        self, costs: dict[str, Fraction], voters: dict[str, int], lot_order: Sequence[str]
    ) -> None:
        self._costs = costs
        self._voters = voters
        self._lot = {pid: i for i, pid in enumerate(lot_order)}

    def declared_key(self, pid: str) -> tuple[Fraction, int]:
        """The key before the lot: cheaper first, then more voters."""
        return (self._costs[pid], -self._voters.get(pid, 0))

    def declared_key_with_votes(self, pid: str) -> tuple[int, Fraction, int]:
        """Votes first (more is better), then the declared key: equal keys are full ties."""
        return (-self._voters.get(pid, 0), *self.declared_key(pid))

    def order(self, tied: Iterable[str]) -> tuple[tuple[str, ...], TieCriterion]:
        """Order tied projects; raise `LotRequired` if a lot is needed and none covers them."""
        ids = list(tied)
        costs = {self._costs[p] for p in ids}
        keys = {self.declared_key(p) for p in ids}
        if len(keys) == len(ids):
            criterion = TieCriterion.COST if len(costs) == len(ids) else TieCriterion.VOTERS
            return tuple(sorted(ids, key=self.declared_key)), criterion
        missing = [p for p in ids if p not in self._lot]
        if missing:
            raise lot_required(ids)
        ordered = sorted(ids, key=lambda p: (self.declared_key(p), self._lot[p]))
        return tuple(ordered), TieCriterion.LOT

    def has_lot(self, ids: Iterable[str]) -> bool:
        return all(p in self._lot for p in ids)


def lot_required(ids: Sequence[str]) -> LotRequired:
    from app.i18n import _

    listed = ", ".join(sorted(ids))
    message = _(
        "Égalité parfaite entre les projets {ids} (même nombre de voix, même coût) et "
        "l'ordre change le résultat : un tirage au sort public est nécessaire. "
        "Indiquez l'ordre tiré ou la graine enregistrée."
    ).format(ids=listed)
    return LotRequired(message, tuple(sorted(ids)))


def lot_order_from_seed(seed: str, project_ids: Iterable[str]) -> tuple[str, ...]:
    """A reproducible lot: order projects by SHA-256 of "seed:project_id".

    The seed must be drawn in public (dice, a numbered ball) after the projects are fixed and
    recorded in the report; anyone can then recompute the same order.
    """

    def digest(pid: str) -> bytes:
        return hashlib.sha256(f"{seed}:{pid}".encode()).digest()

    return tuple(sorted(project_ids, key=digest))
