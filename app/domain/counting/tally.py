"""From readings and decisions to what each sheet counts as: pure functions, no database.

The machine's reading is never changed: a person's decision (the latest on a box or on the
sheet wins, earlier ones stay in the log) is laid over it. A sheet waits in the review queue
while a box is in doubt, while a page-level doubt (faint marks, a circled title, too many
choices...) has not been looked at, or while it shares its serial with another sheet (a
photocopy) that has not been set aside. The voting rule printed on the ballot then decides
between valid, blank and invalid: the reader never invalidates a ballot by itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from app.domain.counting.models import (
    BLANK,
    INVALID,
    PENDING,
    REJECTED,
    SET_ASIDE,
    SKIPPED,
    VALID,
    DecisionFacts,
    SheetFacts,
    SheetOutcome,
    Tally,
)
from scanner.template import Template

DUPLICATE_SERIAL = "duplicate_serial"
_SHEET_VOID = (SET_ASIDE, INVALID)


def latest_decisions(
    decisions: Iterable[DecisionFacts],
) -> dict[str, dict[tuple[str, str | None], DecisionFacts]]:
    """Per sheet, the latest decision on each target ("sheet", None) or ("box", project)."""
    out: dict[str, dict[tuple[str, str | None], DecisionFacts]] = defaultdict(dict)
    for d in sorted(decisions, key=lambda d: d.seq):
        out[d.sheet_id][(d.target, d.project_id)] = d
    return out


def duplicate_groups(sheets: Iterable[SheetFacts]) -> dict[str, tuple[str, ...]]:
    """Sheet id -> the other sheets carrying the same serial (rejected sheets aside)."""
    by_serial: dict[str, list[str]] = defaultdict(list)
    for s in sheets:
        if s.serial_hash and s.status not in (REJECTED, "blank"):
            by_serial[s.serial_hash].append(s.id)
    out: dict[str, tuple[str, ...]] = {}
    for ids in by_serial.values():
        if len(ids) > 1:
            for sid in ids:
                out[sid] = tuple(i for i in ids if i != sid)
    return out


def rule_breaks(template: Template | None, choices: Sequence[str]) -> bool:
    """True when `choices` break the voting rule printed on the ballot (the ballot is void)."""
    if template is None or not choices:
        return False
    rule = template.rule
    n = len(choices)
    limit = 1 if rule.kind == "single" else rule.max_choices
    if limit is not None and n > limit:
        return True
    if rule.min_choices and n < rule.min_choices:
        return True
    if rule.kind == "budget" and rule.budget_cents is not None:
        costs = {b.project_id: b.cost_cents for b in template.boxes}
        return sum(costs.get(p, 0) for p in choices) > rule.budget_cents
    return False


def resolve_sheet(
    sheet: SheetFacts,
    decided: Mapping[tuple[str, str | None], DecisionFacts],
    others: Sequence[str],
    other_void: bool,
    template: Template | None,
) -> SheetOutcome:
    """What one sheet counts as. `others`: sheets with the same serial; `other_void`: all of
    them were set aside or declared invalid by a person."""
    if sheet.status == REJECTED:
        return SheetOutcome(sheet.id, REJECTED)
    if sheet.status == "blank":
        return SheetOutcome(sheet.id, SKIPPED)
    on_sheet = decided.get(("sheet", None))
    if on_sheet is not None:
        return SheetOutcome(sheet.id, on_sheet.value, duplicates=tuple(others))
    if sheet.hand_keyed:
        final = {p: "marked" for p in sheet.choices}
    else:
        final = {pid: machine for pid, machine, _score in sheet.marks}
        for (target, pid), d in decided.items():
            if target == "box" and pid in final:
                final[pid] = d.value
    doubtful = tuple(p for p, v in final.items() if v == "review")
    waiting: list[str] = []
    page_reasons = [r for r in sheet.reasons if sheet.status == "needs_review"]
    if page_reasons and not decided:
        waiting.extend(page_reasons)
    if others and not other_void:
        waiting.append(DUPLICATE_SERIAL)
    if doubtful or waiting:
        return SheetOutcome(sheet.id, PENDING, (), doubtful, tuple(waiting), tuple(others))
    choices = tuple(p for p, v in final.items() if v == "marked")
    if not choices:
        return SheetOutcome(sheet.id, BLANK, duplicates=tuple(others))
    if rule_breaks(template, choices):
        return SheetOutcome(sheet.id, INVALID, choices, duplicates=tuple(others))
    return SheetOutcome(sheet.id, VALID, choices, duplicates=tuple(others))


def resolve_all(
    sheets: Sequence[SheetFacts],
    decisions: Iterable[DecisionFacts],
    templates: Mapping[str, Template],
) -> list[SheetOutcome]:
    """Every sheet's outcome, in the order given."""
    latest = latest_decisions(decisions)
    dups = duplicate_groups(sheets)

    def void(sid: str) -> bool:
        d = latest.get(sid, {}).get(("sheet", None))
        return d is not None and d.value in _SHEET_VOID

    out = []
    for s in sheets:
        others = dups.get(s.id, ())
        tpl = templates.get(s.template_hash or "")
        out.append(resolve_sheet(s, latest.get(s.id, {}), others, all(map(void, others)), tpl))
    return out


def tally(sheets: Sequence[SheetFacts], outcomes: Sequence[SheetOutcome]) -> Tally:
    """Counts by outcome and votes per project (valid ballots only)."""
    counts: dict[str, int] = defaultdict(int)
    votes: dict[str, int] = defaultdict(int)
    for o in outcomes:
        counts[o.outcome] += 1
        if o.outcome == VALID:
            for pid in o.choices:
                votes[pid] += 1
    return Tally(
        sheets=len(outcomes),
        valid=counts[VALID],
        blank=counts[BLANK],
        invalid=counts[INVALID],
        set_aside=counts[SET_ASIDE],
        rejected=counts[REJECTED],
        pending=counts[PENDING],
        skipped=counts[SKIPPED],
        hand_keyed=sum(1 for s in sheets if s.hand_keyed),
        votes=dict(votes),
    )


class Margins(Protocol):
    """The reader's fill thresholds (`scanner.marks.Thresholds`), passed in so that the tally
    stays free of the image libraries (the standalone verifier imports it)."""

    @property
    def fill_marked(self) -> float: ...

    @property
    def fill_unmarked(self) -> float: ...


def uncertainty(sheet: SheetFacts, doubtful: Sequence[str], t: Margins) -> float:
    """How close the doubtful boxes are to the middle of the margin zone (1 = dead centre)."""
    mid = (t.fill_marked + t.fill_unmarked) / 2
    half = (t.fill_marked - t.fill_unmarked) / 2
    scores = [score for pid, _m, score in sheet.marks if pid in doubtful]
    if not scores:
        return 0.0
    return max(max(0.0, 1.0 - abs(s - mid) / half) for s in scores) + 0.01 * len(scores)
