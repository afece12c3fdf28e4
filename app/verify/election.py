"""`election.json` against the signed election description, and the declared rule run again.

The funded projects depend on the residence's budget, the projects' titles and costs, the
ballot's voting rule and the results rule declared before counting (threshold, lot seed and
drawn order, Equal Shares options). All of them form the election description
(`app.domain.audit.election`), which the log holds whole (opening entry, `election_changed`)
and whose hash every checkpoint and the seal sign. The verifier therefore takes the
description from the verified log, compares `election.json` with it field by field (a
difference names the field: « le budget de election.json (…) diffère de celui scellé (…) »),
checks the costs against the printed layouts, and reruns the rule on the signed description
and the recounted ballots only; the funded projects it finds must be those of `election.json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from app.domain import rules
from app.domain.audit.election import DESCRIPTION_KEYS, election_hash
from app.domain.counting.models import VALID, SheetOutcome
from app.domain.money import format_euros
from app.i18n import N_, _
from app.verify.bundle import Bundle
from app.verify.model import VerifyFailure
from scanner.template import Template

ELECTION = "election.json"
FORMAT = "bp-terrain-election"
VERSION = 2
_EXTRA_KEYS = ("format", "version", "election_sha256", "sessions", "selected")


def _mismatch(message: str) -> VerifyFailure:
    return VerifyFailure("election_mismatch", ELECTION, message)


def check_election(
    bundle: Bundle,
    opened: dict[str, Any],
    signed: dict[str, Any] | None,
    rule_code: str,
    outcomes: tuple[SheetOutcome, ...],
    templates: dict[str, Template],
) -> tuple[str, dict[str, Any]]:
    """Compare with the signed description, rerun the rule; a French summary and the facts."""
    if signed is None:
        raise VerifyFailure(
            "election_unsigned",
            "log.jsonl",
            _(
                "Le journal de cette session ne contient pas la description du scrutin (budget, "
                "projets, règles) : la session a été ouverte avec une version antérieure, et "
                "les projets financés ne peuvent pas être vérifiés."
            ),
        )
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
    _check_shape(doc)
    _compare(doc, signed)
    if signed["residence_id"] != opened["residence_id"]:
        raise _mismatch(_("La description scellée concerne une autre résidence que la session."))
    if signed["rule"].replace("-", "_") != rule_code.replace("-", "_"):
        raise _mismatch(
            _(
                "Le résultat scellé a été calculé avec la règle « {b} », la description scellée "
                "déclare la règle « {a} »."
            ).format(a=signed["rule"], b=rule_code)
        )
    _check_costs(signed, templates)
    ballots = tuple(frozenset(o.choices) for o in outcomes if o.outcome == VALID and o.choices)
    outcome = _run(signed, ballots)
    sessions = list(doc["sessions"])
    facts = {"selected": list(outcome.selected), "budget_cents": signed["budget_cents"]}
    if sessions == [opened["session_id"]]:
        if list(outcome.selected) != list(doc["selected"]):
            raise VerifyFailure(
                "rule_mismatch",
                ELECTION,
                _(
                    "La liste des projets financés de {file} ({claimed}) diffère de celle que "
                    "donne la règle « {rule} » appliquée à la description scellée et aux "
                    "bulletins recomptés ({found})."
                ).format(
                    rule=rules.rule_label(outcome.rule),
                    found=_numbers(signed, outcome.selected),
                    file=ELECTION,
                    claimed=_numbers(signed, doc["selected"]),
                ),
            )
        summary = _("Règle « {rule} » appliquée à nouveau : mêmes projets financés.")
    elif opened["session_id"] in sessions:
        facts["selected"] = None  # this box alone does not decide them: nothing verified
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


def _numbers(signed: dict[str, Any], ids: Any) -> str:
    by_id = {p["project_id"]: p for p in signed["projects"]}
    out = []
    for pid in ids if isinstance(ids, list) else ():
        project = by_id.get(pid) if isinstance(pid, str) else None
        out.append(f"n° {project['number']}" if project and project["number"] else str(pid))
    return ", ".join(out) or "—"


def _check_shape(doc: Any) -> None:
    ok = (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and doc.get("version") == VERSION
        and isinstance(doc.get("sessions"), list)
        and all(isinstance(s, str) for s in doc["sessions"])
        and isinstance(doc.get("selected"), list)
    )
    if not ok:
        raise VerifyFailure(
            "unreadable",
            ELECTION,
            _("Fichier {file} mal formé (format {fmt} version {v} attendu).").format(
                file=ELECTION, fmt=FORMAT, v=VERSION
            ),
        )
    unknown = sorted(set(doc) - set(DESCRIPTION_KEYS) - set(_EXTRA_KEYS))
    if unknown:
        raise _mismatch(
            _("{file} contient des champs que la description scellée n'a pas : {keys}.").format(
                file=ELECTION, keys=", ".join(unknown)
            )
        )


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _money(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return format_euros(value, with_cents=True)
    return _show(value)


_FIELDS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    # key, French sentence ({file}; {a}: the value in election.json; {b}: the signed one), format
    ("residence_id", N_("la résidence de {file} ({a}) diffère de celle scellée ({b})"), _show),
    ("residence", N_("le nom de la résidence de {file} ({a}) diffère de celui scellé ({b})"), _show),
    ("budget_cents", N_("le budget de {file} ({a}) diffère de celui scellé ({b})"), _money),
    ("rule", N_("la règle de résultats de {file} ({a}) diffère de celle scellée ({b})"), _show),
    ("threshold", N_("le seuil de voix de {file} ({a}) diffère de celui scellé ({b})"), _show),
    ("lot_seed", N_("la graine du tirage au sort de {file} ({a}) diffère de celle scellée ({b})"), _show),
    ("lot_order", N_("l'ordre du tirage au sort de {file} ({a}) diffère de celui scellé ({b})"), _show),
    ("options", N_("les options de la règle (Equal Shares) de {file} ({a}) diffèrent de celles scellées ({b})"), _show),
    ("ballot_rules", N_("la règle de vote du bulletin de {file} ({a}) diffère de celle scellée ({b})"), _show),
)  # fmt: skip


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _compare(doc: dict[str, Any], signed: dict[str, Any]) -> None:
    """Every field of `election.json` must be the signed one; the first difference is named."""
    for key, sentence, show in _FIELDS:
        if doc.get(key) != signed[key]:
            raise _mismatch(
                _sentence(
                    _(sentence).format(file=ELECTION, a=show(doc.get(key)), b=show(signed[key]))
                )
            )
    _compare_projects(doc.get("projects"), signed["projects"])
    claimed = doc.get("election_sha256")
    if claimed != election_hash(signed):
        raise _mismatch(
            _("L'empreinte de la description dans {file} diffère de celle scellée.").format(
                file=ELECTION
            )
        )


def _compare_projects(found: Any, signed: list[dict[str, Any]]) -> None:
    if not isinstance(found, list) or not all(isinstance(p, dict) for p in found):
        raise _mismatch(_("La liste des projets de {file} est mal formée.").format(file=ELECTION))
    by_id = {p.get("project_id"): p for p in found}
    for project in signed:
        name = _("projet n° {n}").format(n=project["number"] or project["project_id"])
        other = by_id.get(project["project_id"])
        if other is None:
            raise _mismatch(
                _("{file} ne contient pas le {name}, qui est dans la description scellée.").format(
                    file=ELECTION, name=name
                )
            )
        checks = (
            ("title", _("le titre du {name} dans {file} ({a}) diffère de celui scellé ({b})"), _show),
            ("cost_cents", _("le coût du {name} dans {file} ({a}) diffère de celui scellé ({b})"), _money),
            ("number", _("le numéro du {name} dans {file} ({a}) diffère de celui scellé ({b})"), _show),
            ("source_id", _("l'identifiant d'origine du {name} dans {file} ({a}) diffère de celui scellé ({b})"), _show),
        )  # fmt: skip
        for key, sentence, show in checks:
            if other.get(key) != project[key]:
                raise _mismatch(
                    _sentence(
                        sentence.format(
                            name=name, file=ELECTION, a=show(other.get(key)), b=show(project[key])
                        )
                    )
                )
        if set(other) != set(project):
            raise _mismatch(
                _("Le {name} a dans {file} d'autres champs que dans la description scellée.")
                .format(name=name, file=ELECTION)
            )  # fmt: skip
    if found != signed:
        extra = [p.get("project_id") for p in found if p not in signed]
        raise _mismatch(
            _("{file} contient des projets absents de la description scellée ({ids}).").format(
                file=ELECTION, ids=_show(extra)
            )
        )


def _check_costs(signed: dict[str, Any], templates: dict[str, Template]) -> None:
    costs = {p["project_id"]: p["cost_cents"] for p in signed["projects"]}
    for tpl in templates.values():
        if tpl.residence_id != signed["residence_id"]:
            continue
        for box in tpl.boxes:
            if costs.get(box.project_id) != box.cost_cents:
                raise VerifyFailure(
                    "election_mismatch",
                    f"layouts/{tpl.template_hash}.layout.json",
                    _(
                        "Le coût du projet n° {n} dans la description scellée diffère de celui "
                        "imprimé sur le bulletin (mise en page {th})."
                    ).format(n=box.number, th=tpl.template_hash[:12]),
                )


def _run(signed: dict[str, Any], ballots: tuple[frozenset[str], ...]) -> rules.Outcome:
    try:
        options = rules.Options(
            rule=rules.ResultsRule(signed["rule"].replace("_", "-")),
            threshold=signed["threshold"],
            lot_order=tuple(signed["lot_order"]),
            **signed["options"],
        )
        election = rules.Election(
            budget=Fraction(signed["budget_cents"]),
            projects=tuple(
                rules.Project(p["project_id"], Fraction(p["cost_cents"]), p["title"])
                for p in signed["projects"]
            ),
            ballots=ballots,
            currency_unit=rules.CENTS_PER_UNIT,
        )
        return rules.run_rule(election, options)
    except (rules.RulesError, ValueError, KeyError, TypeError) as error:
        raise VerifyFailure(
            "rule_error",
            "log.jsonl",
            _("La règle ne peut pas être appliquée à la description scellée : {error}").format(
                error=error
            ),
        ) from None
