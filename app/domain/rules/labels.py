"""French labels for statuses, phases and tie criteria (translated through the catalog)."""

from __future__ import annotations

from app.domain.rules.types import Phase, ResultsRule, Status, TieCriterion
from app.i18n import N_, _

STATUS_LABELS: dict[Status, str] = {
    Status.FUNDED: N_("financé"),
    Status.NOT_ENOUGH_MONEY: N_("pas assez d'argent restant"),
    Status.BELOW_THRESHOLD: N_("sous le seuil de voix"),
    Status.NOT_REACHED: N_("non atteint"),
    Status.WITHDRAWN: N_("retiré"),
}

RULE_LABELS: dict[ResultsRule, str] = {
    ResultsRule.GREEDY: N_("le plus de voix dans la limite du budget"),
    ResultsRule.GREEDY_NO_SKIP: N_("le plus de voix, arrêt au premier projet qui ne rentre pas"),
    ResultsRule.MES: N_("méthode des parts égales"),
}

PHASE_LABELS: dict[Phase, str] = {
    Phase.GREEDY: N_("par nombre de voix"),
    Phase.EQUAL_SHARES: N_("parts égales"),
    Phase.TOP_UP: N_("complément avec le reste du budget"),
    Phase.COMPARISON: N_("résultat « le plus de voix » retenu par la comparaison"),
}

TIE_LABELS: dict[TieCriterion, str] = {
    TieCriterion.COST: N_("le projet le moins cher passe en premier"),
    TieCriterion.VOTERS: N_("le projet soutenu par le plus de votants passe en premier"),
    TieCriterion.LOT: N_("ordre tiré au sort"),
}

STOP_LABELS: dict[str, str] = {
    "exhaustive": N_("plus aucun projet ne rentre dans le budget restant"),
    "overspend": N_("une part de plus dépasserait le budget"),
    "all_funded": N_("tous les projets éligibles sont financés"),
    "no_completion": N_("sans complément"),
    "no_voters": N_("aucun bulletin valide"),
}


def status_label(status: Status) -> str:
    return _(STATUS_LABELS[status])


def rule_label(rule: ResultsRule) -> str:
    return _(RULE_LABELS[rule])


def phase_label(phase: Phase) -> str:
    return _(PHASE_LABELS[phase])


def tie_label(criterion: TieCriterion) -> str:
    return _(TIE_LABELS[criterion])


def stop_label(reason: str) -> str:
    return _(STOP_LABELS.get(reason, reason))
