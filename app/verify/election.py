"""`election.json`: what the declared rule needs beyond the votes, and the funded projects.

The seal of a session commits to its tally and votes; the funded projects depend on the
residence's budget, the projects' costs and the rule declared before counting (threshold,
tie-break lot, Equal Shares options), and on every ballot box of the residence. This file
carries them so that anyone can rerun the rule (`app.domain.rules`) on the recounted ballots
and find the same funded projects. Costs are checked against the layouts, whose hashes the
log commits to. `app.services.counting.election` builds the file from the database (for the
exporter).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from app.domain import rules
from app.domain.counting.models import VALID, SheetOutcome
from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.model import VerifyFailure
from scanner.template import Template

ELECTION = "election.json"
FORMAT = "bp-terrain-election"
OPTION_KEYS = ("add1", "add1_exhaustive_stop", "top_up", "compare_with_greedy", "share_utility")


def check_election(
    bundle: Bundle,
    opened: dict[str, Any],
    rule_code: str,
    outcomes: tuple[SheetOutcome, ...],
    templates: dict[str, Template],
) -> tuple[str, dict[str, Any]]:
    """Rerun the declared rule; returns a French summary and the facts to report."""
    if ELECTION not in bundle.files:
        raise VerifyFailure(
            "missing_file",
            ELECTION,
            _(
                "Le paquet ne contient pas {file} (budget de la résidence, coûts des projets, "
                "règle déclarée et ses options, projets financés) : la règle de résultats ne peut "
                "pas être appliquée à nouveau. Exportez le paquet avec une version qui l'inclut."
            ).format(file=ELECTION),
        )
    doc = bundle.json(ELECTION)
    _check_shape(doc, opened, rule_code)
    _check_costs(doc, templates)
    ballots = tuple(frozenset(o.choices) for o in outcomes if o.outcome == VALID and o.choices)
    outcome = _run(doc, ballots)
    sessions = list(doc["sessions"])
    facts = {"selected": list(outcome.selected), "budget_cents": doc["budget_cents"]}
    if sessions == [opened["session_id"]]:
        if list(outcome.selected) != list(doc["selected"]):
            raise VerifyFailure(
                "rule_mismatch",
                ELECTION,
                _(
                    "La règle « {rule} » appliquée aux bulletins recomptés finance {found}, "
                    "mais {file} annonce {claimed}."
                ).format(
                    rule=rules.rule_label(outcome.rule), found=", ".join(outcome.selected) or "—",
                    file=ELECTION, claimed=", ".join(doc["selected"]) or "—",
                ),
            )  # fmt: skip
        summary = _("Règle « {rule} » appliquée à nouveau : mêmes projets financés.")
    elif opened["session_id"] in sessions:
        summary = _(
            "Règle « {rule} » : la résidence compte plusieurs urnes ; les projets financés se "
            "vérifient avec les paquets de toutes ses sessions."
        )
    else:
        summary = _(
            "Règle « {rule} » appliquée à ce seul dépouillement (d'essai ou non retenu) : "
            "rien à comparer."
        )
    return summary.format(rule=rules.rule_label(outcome.rule)), facts


def _check_shape(doc: Any, opened: dict[str, Any], rule_code: str) -> None:
    ok = (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and isinstance(doc.get("budget_cents"), int)
        and isinstance(doc.get("projects"), list)
        and isinstance(doc.get("sessions"), list)
        and isinstance(doc.get("selected"), list)
    )
    if not ok:
        raise VerifyFailure(
            "unreadable", ELECTION, _("Fichier {file} mal formé.").format(file=ELECTION)
        )
    if doc.get("residence_id") != opened["residence_id"]:
        raise VerifyFailure(
            "election_mismatch", ELECTION,
            _("{file} concerne une autre résidence que la session.").format(file=ELECTION),
        )  # fmt: skip
    if str(doc.get("rule", "")).replace("-", "_") != rule_code:
        raise VerifyFailure(
            "election_mismatch",
            ELECTION,
            _("{file} annonce la règle « {a} », le résultat scellé la règle « {b} ».").format(
                file=ELECTION, a=doc.get("rule"), b=rule_code
            ),
        )


def _check_costs(doc: dict[str, Any], templates: dict[str, Template]) -> None:
    costs = {str(p.get("project_id")): p.get("cost_cents") for p in doc["projects"]}
    for tpl in templates.values():
        if tpl.residence_id != doc["residence_id"]:
            continue
        for box in tpl.boxes:
            if costs.get(box.project_id) != box.cost_cents:
                raise VerifyFailure(
                    "election_mismatch",
                    ELECTION,
                    _(
                        "Le coût du projet n° {n} dans {file} diffère de celui imprimé sur le "
                        "bulletin (mise en page {th})."
                    ).format(n=box.number, file=ELECTION, th=tpl.template_hash[:12]),
                )


def _run(doc: dict[str, Any], ballots: tuple[frozenset[str], ...]) -> rules.Outcome:
    known = {str(p["project_id"]) for p in doc["projects"]}
    extra = {k: v for k, v in dict(doc.get("options") or {}).items() if k in OPTION_KEYS}
    try:
        options = rules.Options(
            rule=rules.RuleKind(str(doc["rule"]).replace("_", "-")),
            threshold=int(doc.get("threshold") or 0),
            lot_order=tuple(p for p in doc.get("lot_order") or () if p in known),
            **extra,
        )
        election = rules.Election(
            budget=Fraction(int(doc["budget_cents"])),
            projects=tuple(
                rules.Project(
                    str(p["project_id"]), Fraction(int(p["cost_cents"])), str(p.get("title", ""))
                )
                for p in doc["projects"]
            ),
            ballots=ballots,
        )
        return rules.run_rule(election, options)
    except (rules.RulesError, ValueError, KeyError, TypeError) as error:
        raise VerifyFailure(
            "rule_error",
            ELECTION,
            _("La règle ne peut pas être appliquée avec {file} : {error}").format(
                file=ELECTION, error=error
            ),
        ) from None
