"""Results rules: which projects a residence funds, with an explanation residents can read.

Pure functions over exact numbers. `run_rule(election, options)` is the entry point.
"""

from app.domain.rules.labels import phase_label, rule_label, status_label, stop_label, tie_label
from app.domain.rules.run import run_rule
from app.domain.rules.tiebreak import lot_order_from_seed
from app.domain.rules.types import (
    CENTS_PER_UNIT,
    Comparison,
    Election,
    EqualSharesDetails,
    LotRequired,
    Options,
    Outcome,
    Phase,
    Project,
    ProjectResult,
    ResultsRule,
    RulesError,
    SharePayment,
    Status,
    Tie,
    TieCriterion,
)

__all__ = [
    "CENTS_PER_UNIT",
    "Comparison",
    "Election",
    "EqualSharesDetails",
    "LotRequired",
    "Options",
    "Outcome",
    "Phase",
    "Project",
    "ProjectResult",
    "ResultsRule",
    "RulesError",
    "SharePayment",
    "Status",
    "Tie",
    "TieCriterion",
    "lot_order_from_seed",
    "phase_label",
    "rule_label",
    "run_rule",
    "status_label",
    "stop_label",
    "tie_label",
]
