"""Page-level checks once every box is decided: faint ballots and the voting rule (and, on a
survey form, each single-answer question's rule).

The reader does not invalidate a ballot itself: it sends to a person a ballot that breaks the
printed rule (too many choices, over budget), and the count records the person's decision.
"""

from __future__ import annotations

from collections.abc import Sequence

from scanner.marks import BoxMeasure
from scanner.reasons import Reason
from scanner.result import MARKED, REVIEW, MarkReading
from scanner.template import Template
from scanner.thresholds import Thresholds


def page_rule_reasons(
    tpl: Template,
    marks: Sequence[MarkReading],
    measures: Sequence[BoxMeasure],
    t: Thresholds,
) -> list[Reason]:
    """Reasons to send the whole page to review (empty when the page can be counted as read)."""
    reasons: list[Reason] = []
    inked = [m for r, m in zip(marks, measures, strict=True) if r.decision in (MARKED, REVIEW)]
    if inked and all(m.intensity < t.faint for m in inked):
        reasons.append(Reason.FAINT_MARKS)
    if any(r.decision == REVIEW for r in marks):
        return reasons
    chosen = [i for i, r in enumerate(marks) if r.decision == MARKED]
    if any(len([i for i in g.boxes if i in chosen]) > 1 for g in tpl.groups if g.kind == "single"):
        reasons.append(Reason.TOO_MANY_CHOICES)  # a survey question with one answer expected
    rule = tpl.rule
    n = len(chosen)
    limit = 1 if rule.kind == "single" else rule.max_choices
    if limit is not None and n > limit:
        reasons.append(Reason.TOO_MANY_CHOICES)
    if rule.min_choices and 0 < n < rule.min_choices:
        reasons.append(Reason.TOO_FEW_CHOICES)
    if rule.kind == "budget" and rule.budget_cents is not None:
        total = sum(tpl.boxes[i].cost_cents for i in chosen)
        if total > rule.budget_cents:
            reasons.append(Reason.OVER_BUDGET)
    return reasons
