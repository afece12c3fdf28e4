"""The election description: everything besides the ballots that decides a residence's result.

A count's funded projects depend on the residence's budget, its projects (titles, costs), the
ballot's voting rule (how many boxes may be checked) and the results rule declared beforehand
(its kind, vote threshold, Equal Shares options, the lot seed and the drawn tie-break order).
The description holds all of them in one canonical JSON object; it is written whole into the
session's opening entry (and into an `election_changed` entry whenever it changes), and its
hash (`election_sha256`) into every checkpoint and the seal, which the officer signs. A verifier
therefore reruns the rule on the signed description, never on a file beside the log.

    {
      "residence_id": "…", "residence": "Les Tilleuls", "budget_cents": 700000,
      "projects": [{"project_id": "…", "number": 1, "title": "…", "source_id": "",
                    "cost_cents": 400000}, …],                    # by number, then id
      "ballot_rules": [{"kind": "approval", "min_choices": 0, "max_choices": 3,
                        "budget_cents": null}],
      "rule": "greedy", "threshold": 0, "lot_seed": "", "lot_order": ["…", …],
      "options": {"add1": true, …}                                # Equal Shares options
    }

`ballot_rules` lists the distinct voting rules of the residence's printed ballots (empty before
printing); the recount applies each ballot's own rule, whose layout the log names by hash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.domain.audit.canonical import MAX_SAFE_INTEGER, canonical_hash

DESCRIPTION_KEYS = (
    "residence_id",
    "residence",
    "budget_cents",
    "projects",
    "ballot_rules",
    "rule",
    "threshold",
    "lot_seed",
    "lot_order",
    "options",
)
PROJECT_KEYS = ("project_id", "number", "title", "source_id", "cost_cents")
BALLOT_RULE_KEYS = ("kind", "min_choices", "max_choices", "budget_cents")
OPTION_KEYS = ("add1", "add1_exhaustive_stop", "top_up", "compare_with_greedy", "share_utility")
_MAX_TEXT = 2000
_MAX_PROJECTS = 10_000


def description(
    *,
    residence_id: str,
    residence: str,
    budget_cents: int,
    projects: Sequence[Mapping[str, Any]],
    ballot_rules: Sequence[Mapping[str, Any]],
    rule: str,
    threshold: int,
    lot_seed: str,
    lot_order: Sequence[str],
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """The canonical description (projects sorted by number then id, rules deduplicated)."""
    plist = [
        {
            "project_id": str(p["project_id"]),
            "number": p.get("number") if isinstance(p.get("number"), int) else None,
            "title": str(p.get("title") or ""),
            "source_id": str(p.get("source_id") or ""),
            "cost_cents": int(p["cost_cents"]),
        }
        for p in projects
    ]
    plist.sort(key=lambda p: (p["number"] is None, p["number"] or 0, p["project_id"]))
    rules_seen = {
        (str(r["kind"]), r.get("min_choices"), r.get("max_choices"), r.get("budget_cents"))
        for r in ballot_rules
    }
    known = {p["project_id"] for p in plist}
    return {
        "residence_id": residence_id,
        "residence": residence,
        "budget_cents": int(budget_cents),
        "projects": plist,
        "ballot_rules": [
            {"kind": k, "min_choices": low, "max_choices": high, "budget_cents": budget}
            for k, low, high, budget in sorted(
                rules_seen, key=lambda r: (r[0], r[1] or 0, r[2] or 0, r[3] or 0)
            )
        ],
        "rule": rule.replace("_", "-"),
        "threshold": int(threshold),
        "lot_seed": lot_seed,
        "lot_order": [p for p in lot_order if p in known],
        "options": {k: v for k, v in sorted(options.items()) if k in OPTION_KEYS},
    }


def election_hash(value: Mapping[str, Any]) -> str:
    """SHA-256 of the description's canonical JSON: the `election_sha256` of checkpoints."""
    return canonical_hash(value)


def _int(value: Any, minimum: int = 0) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and minimum <= value <= MAX_SAFE_INTEGER
    )


def _text(value: Any, empty: bool = True) -> bool:
    return isinstance(value, str) and len(value) <= _MAX_TEXT and (empty or bool(value))


def _opt_int(value: Any) -> bool:
    return value is None or _int(value)


def _project(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and tuple(sorted(value)) == tuple(sorted(PROJECT_KEYS))
        and _text(value["project_id"], empty=False)
        and len(value["project_id"]) <= 100
        and _opt_int(value["number"])
        and _text(value["title"])
        and _text(value["source_id"])
        and _int(value["cost_cents"])
    )


def _ballot_rule(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and tuple(sorted(value)) == tuple(sorted(BALLOT_RULE_KEYS))
        and _text(value["kind"], empty=False)
        and _opt_int(value["min_choices"])
        and _opt_int(value["max_choices"])
        and _opt_int(value["budget_cents"])
    )


def _options(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and set(value) <= set(OPTION_KEYS)
        and all(isinstance(v, bool | str) or _int(v) for v in value.values())
    )


def is_description(value: Any) -> bool:
    """True for a well-formed description (the schema check of the log's `election` field)."""
    if not isinstance(value, Mapping) or tuple(sorted(value)) != tuple(sorted(DESCRIPTION_KEYS)):
        return False
    projects, lot = value["projects"], value["lot_order"]
    return (
        _text(value["residence_id"], empty=False)
        and _text(value["residence"])
        and _int(value["budget_cents"])
        and isinstance(projects, list | tuple)
        and len(projects) <= _MAX_PROJECTS
        and all(map(_project, projects))
        and len({p["project_id"] for p in projects}) == len(projects)
        and isinstance(value["ballot_rules"], list | tuple)
        and all(map(_ballot_rule, value["ballot_rules"]))
        and _text(value["rule"], empty=False)
        and _int(value["threshold"])
        and _text(value["lot_seed"])
        and isinstance(lot, list | tuple)
        and all(_text(p, empty=False) for p in lot)
        and _options(value["options"])
    )
