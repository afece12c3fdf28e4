"""The test deck: test-mode ballots pre-marked with a known pattern, and the expected count.

Printed before a real vote and counted through the whole chain (print, scan, count), it shows
that every step gives exactly the expected tally (a logic and accuracy test).
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ballots.layout import BallotLayout
from ballots.marks import COUNTING, MarkKind, draw_mark
from ballots.model import BallotSpec, RuleKind, VotingRule
from ballots.render import CancelFlag, PrintResult, Progress, prepare_ballot, render_ballots
from ballots.serials import SerialCheck
from ballots.style import Pen

DECK_FORMAT = "bp-terrain-test-deck"


@dataclass(frozen=True)
class DeckSheet:
    """One pre-marked ballot: `page` is 1-based in the PDF; `marks` maps project id to a kind."""

    page: int
    marks: tuple[tuple[str, MarkKind], ...]
    status: str  # "valid", "blank" or "invalid"


@dataclass(frozen=True)
class ExpectedCount:
    template_hash: str
    residence_id: str
    style_index: int
    batch: int
    sheets: tuple[DeckSheet, ...]
    votes: tuple[tuple[str, int, int], ...]  # (project_id, number, votes) in printed order
    project_titles: tuple[tuple[str, str], ...] = ()  # (project_id, title) in printed order

    def total(self, status: str) -> int:
        return sum(1 for s in self.sheets if s.status == status)

    def titles(self) -> dict[str, tuple[int, str]]:
        """project id -> (number on the ballot, title); "" for a file written without titles."""
        names = dict(self.project_titles)
        return {p: (n, names.get(p, "")) for p, n, _v in self.votes}


@dataclass(frozen=True)
class TestDeck:
    printed: PrintResult
    expected: ExpectedCount


def classify(rule: VotingRule, chosen: Collection[str], costs: dict[str, int]) -> str:
    """What the count must decide for these choices under the rule."""
    if not chosen:
        return "blank"
    if rule.kind is RuleKind.BUDGET:
        return "valid" if sum(costs[p] for p in chosen) <= (rule.budget_cents or 0) else "invalid"
    high = rule.max_choices or 1
    low = rule.min_choices or 0
    return "valid" if low <= len(chosen) <= high else "invalid"


def plan_deck(layout: BallotLayout, count: int, seed: int = 0) -> tuple[DeckSheet, ...]:
    """A varied, reproducible pattern: blanks, over-the-limit, and every mark kind in use."""
    rng = random.Random(seed)
    ids = [b.project_id for b in layout.boxes]
    costs = {b.project_id: b.cost_cents for b in layout.boxes}
    sheets = []
    for page in range(1, count + 1):
        chosen = _choose(page, rng, ids, costs, layout.rule)
        kinds = [COUNTING[(page + i) % len(COUNTING)] for i in range(len(chosen))]
        marks = tuple(zip(chosen, kinds, strict=True))
        sheets.append(DeckSheet(page, marks, classify(layout.rule, chosen, costs)))
    return tuple(sheets)


def _choose(
    page: int, rng: random.Random, ids: list[str], costs: dict[str, int], rule: VotingRule
) -> list[str]:
    if page % 7 == 1:
        return []  # a blank ballot
    if page % 7 == 4:  # over the limit
        if rule.kind is RuleKind.BUDGET:
            return list(ids)
        return rng.sample(ids, min(len(ids), (rule.max_choices or 1) + 1))
    if rule.kind is RuleKind.BUDGET:
        order = rng.sample(ids, len(ids))
        chosen: list[str] = []
        spent = 0
        for pid in order:
            if spent + costs[pid] <= (rule.budget_cents or 0) and len(chosen) < 4:
                chosen.append(pid)
                spent += costs[pid]
        return chosen
    high = min(rule.max_choices or 1, len(ids))
    low = max(rule.min_choices or 0, 1)
    return rng.sample(ids, rng.randint(low, high))


def make_test_deck(
    spec: BallotSpec,
    out: Path,
    *,
    key: bytes,
    batch: int,
    count: int = 21,
    seed: int = 0,
    known_serials: Collection[int] = (),
    serial_ok: SerialCheck | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> TestDeck:
    """Print `count` pre-marked test ballots to `out` and return the expected count."""
    prepared = prepare_ballot(spec)
    layout = prepared.layout
    sheets = plan_deck(layout, count, seed)
    boxes = {b.project_id: b.rect for b in layout.boxes}

    def mark(pen: Pen, index: int) -> None:
        for project_id, kind in sheets[index].marks:
            draw_mark(pen, boxes[project_id], kind)

    printed = render_ballots(
        prepared,
        out,
        key=key,
        batch=batch,
        count=count,
        test=True,
        known_serials=known_serials,
        serial_ok=serial_ok,
        progress=progress,
        cancel=cancel,
        page_hook=mark,
    )
    votes = tuple(
        (
            b.project_id,
            b.number,
            sum(1 for s in sheets if s.status == "valid" and b.project_id in dict(s.marks)),
        )
        for b in layout.boxes
    )
    titles = tuple((b.project_id, b.title) for b in layout.boxes)
    expected = ExpectedCount(
        layout.template_hash, layout.residence.id, layout.style.index, batch, sheets, votes, titles
    )
    return TestDeck(printed, expected)


def expected_to_json(expected: ExpectedCount) -> str:
    """The `FILE.expected.json` written beside the deck (documented in docs/ballots.md).

    Projects are named by id, number and title, so that a person can check a count by hand.
    """
    names = expected.titles()
    data = {
        "format": DECK_FORMAT,
        "version": 1,
        "template_hash": expected.template_hash,
        "residence_id": expected.residence_id,
        "style_index": expected.style_index,
        "batch": expected.batch,
        "ballots": len(expected.sheets),
        "valid": expected.total("valid"),
        "blank": expected.total("blank"),
        "invalid": expected.total("invalid"),
        "votes": [
            {"project_id": p, "number": n, "title": names[p][1], "votes": v}
            for p, n, v in expected.votes
        ],
        "sheets": [
            {
                "page": s.page,
                "status": s.status,
                "marks": [
                    {"project_id": p, "number": names[p][0], "title": names[p][1], "kind": k.value}
                    for p, k in s.marks
                ],
            }
            for s in expected.sheets
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def expected_from_json(text: str) -> ExpectedCount:
    data = json.loads(text)
    if data.get("format") != DECK_FORMAT or data.get("version") != 1:
        raise ValueError("not a BP Terrain test deck expectation file")
    sheets = tuple(
        DeckSheet(
            int(s["page"]),
            tuple((str(m["project_id"]), MarkKind(m["kind"])) for m in s["marks"]),
            str(s["status"]),
        )
        for s in data["sheets"]
    )
    votes = tuple((str(v["project_id"]), int(v["number"]), int(v["votes"])) for v in data["votes"])
    titles = tuple((str(v["project_id"]), str(v["title"])) for v in data["votes"] if "title" in v)
    return ExpectedCount(
        str(data["template_hash"]),
        str(data["residence_id"]),
        int(data["style_index"]),
        int(data["batch"]),
        sheets,
        votes,
        titles,
    )
