"""Real printed ballots (through the ballots library), rendered once per test session."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pytest

from benchmarks.scanner_eval.draw import Canvas, Pen, draw_kind
from benchmarks.scanner_eval.factory import OTHER_CAMPAIGN, Printed, make_spec, print_batch
from scanner import KnownSerials, ReadContext, keyed_serial_hash

KEY = bytes(range(32))
SERIAL_KEY = b"s" * 32
BLACK = Pen("ballpoint_black", 30.0, 0.45, 0.0)


@dataclass(frozen=True)
class Ballots:
    approval: Printed  # 6 projects, up to 3 choices
    budget: Printed
    test: Printed
    other: Printed  # another campaign
    ctx: ReadContext


def context(*printed: Printed, mode: str | None = "live") -> ReadContext:
    batches = {
        p.result.batch: frozenset(keyed_serial_hash(SERIAL_KEY, s) for s in p.result.serials)
        for p in printed
    }
    return ReadContext.create(
        [p.layout for p in printed],
        KEY,
        mode=mode,
        serial_lookup=KnownSerials(SERIAL_KEY, batches),
        serial_key=SERIAL_KEY,
    )


@pytest.fixture(scope="session")
def ballots() -> Ballots:
    approval = print_batch(make_spec(6, "approval", 11), 3, KEY, batch=1)
    budget = print_batch(make_spec(5, "budget", 12, style_index=1), 1, KEY, batch=2)
    test = print_batch(make_spec(6, "approval", 11), 1, KEY, batch=3, test=True)
    other = print_batch(make_spec(6, "approval", 13, campaign=OTHER_CAMPAIGN), 1, KEY, batch=1)
    for printed in (approval, budget, test, other):
        for page in printed.pages:
            page.setflags(write=False)  # shared by the whole session: a test or reader that
            # writes into a page fails here instead of changing what later tests read
    return Ballots(approval, budget, test, other, context(approval, budget, test))


def marked(
    printed: Printed, index: int, kinds: dict[int, str], pen: Pen = BLACK, seed: int = 1
) -> np.ndarray:
    """A copy of rendered page `index` with marks of `kinds` drawn in boxes (by box index)."""
    page = printed.pages[index].copy()
    s = printed.dpi / 25.4
    canvas = Canvas(page.shape, s)
    rnd = random.Random(seed)
    boxes = printed.layout["boxes"]
    for i, kind in kinds.items():
        draw_kind(canvas, kind, boxes[i], boxes[i]["label"], pen, rnd)
    canvas.apply(page, pen, rnd)
    return page
