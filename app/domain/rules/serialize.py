"""Plain JSON-ready dictionaries of an outcome, with exact money (no floats anywhere).

An amount is an `int` when whole, else a decimal string when it has one ("222176.85"), else an
exact fraction string ("1234/7"): a verifier recomputing the result compares texts, not floats.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.domain.rules.types import (
    Comparison,
    EqualSharesDetails,
    Outcome,
    ProjectResult,
    SharePayment,
    Tie,
)


def exact_money(value: Fraction) -> int | str:
    """An exact JSON value for an amount."""
    if value.denominator == 1:
        return value.numerator
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    scaled = abs((value * 10**places).numerator)
    digits = str(scaled).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """`selected` lists the funded project ids as given; `projects` every project in order."""
    return {
        "rule": outcome.rule.value,
        "budget": exact_money(outcome.budget),
        "threshold": outcome.threshold,
        "spent": exact_money(outcome.spent),
        "selected": list(outcome.selected),
        "projects": [_project(p) for p in outcome.projects],
        "ties": [_tie(t) for t in outcome.ties],
        "equal_shares": _equal_shares(outcome.equal_shares) if outcome.equal_shares else None,
    }


def _project(p: ProjectResult) -> dict[str, Any]:
    return {
        "project_id": p.project_id,
        "name": p.name,
        "cost": exact_money(p.cost),
        "votes": p.votes,
        "status": p.status.value,
        "phase": p.phase.value if p.phase else None,
    }


def _tie(t: Tie) -> dict[str, Any]:
    return {
        "order": list(t.order),
        "criterion": t.criterion.value,
        "changed_outcome": t.changed_outcome,
        "phase": t.phase.value,
    }


def _payment(p: SharePayment) -> dict[str, Any]:
    return {
        "project_id": p.project_id,
        "cost": exact_money(p.cost),
        "supporters": p.supporters,
        "share": exact_money(p.share),
        "full_payers": p.full_payers,
        "partial_payers": p.partial_payers,
        "partial_total": exact_money(p.partial_total),
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "greedy_selected": list(c.greedy_selected),
        "prefer_equal_shares": c.prefer_equal_shares,
        "prefer_greedy": c.prefer_greedy,
        "kept_greedy": c.kept_greedy,
    }


def _equal_shares(d: EqualSharesDetails) -> dict[str, Any]:
    return {
        "voters": d.voters,
        "initial_share": exact_money(d.initial_share),
        "final_share": exact_money(d.final_share),
        "add1_steps": d.add1_steps,
        "stopped_because": d.stopped_because,
        "payments": [_payment(p) for p in d.payments],
        "unspent_by_voters": exact_money(d.unspent_by_voters),
        "comparison": _comparison(d.comparison) if d.comparison else None,
    }
