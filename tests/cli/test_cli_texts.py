"""Command-line summaries are whole translated sentences: plurals, numbers, no French glue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.domain import models as m
from app.i18n import set_language
from app.services.printing.types import PrintBatch
from scanner.result import MarkReading, PageReading
from ui.cli.ballots import batch_line
from ui.cli.scan import summary


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("fr")


def _mark(number: int, decision: str) -> MarkReading:
    return MarkReading(f"P{number}", number, decision, 0.5, 0.5, 0.5, 0.0, 0, 0.0, (0.0, 0.0))


def _page(status: str, *marks: MarkReading, reasons: tuple[str, ...] = ()) -> PageReading:
    return PageReading("scan.png", 1, status, reasons, mode="live", marks=marks)


PRINTED = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def _batch(count: int, kind: str = "ballots") -> PrintBatch:
    meta = m.RecordMeta("b1", PRINTED, PRINTED, "device")
    return PrintBatch(
        meta, "c1", "r1", "Les Tilleuls", "s1", "Standard", 3, count, kind == "test_deck", False,
        kind, "hash", "root",
    )  # fmt: skip


def test_scan_summary_in_french() -> None:
    review = _page("needs_review", _mark(2, "marked"), _mark(3, "review"), _mark(4, "review"))
    text = summary(review)
    assert text.startswith("scan.png, page 1 : cases cochées : n° 2. À revoir : cases n° 3, n° 4.")
    blank = summary(_page("valid", _mark(1, "unmarked")))
    assert blank == "scan.png, page 1 : cases cochées : aucune (bulletin blanc)."


def test_scan_summary_in_english_has_no_french_numbering(english: None) -> None:
    text = summary(_page("needs_review", _mark(2, "marked"), _mark(3, "review")))
    assert "no. 2" in text and "To review: boxes no. 3." in text
    assert "n°" not in text and "cases" not in text and " : " not in text


def test_batch_line_plurals() -> None:
    assert batch_line(_batch(1)).endswith("(Standard) — 1 bulletin, réel")
    assert batch_line(_batch(0)).endswith("(Standard) — 0 bulletin, réel")  # French: 0 is singular
    assert batch_line(_batch(12, "test_deck")).endswith("— jeu d'essai de 12 bulletins, essai")


def test_batch_line_in_english(english: None) -> None:
    assert batch_line(_batch(1)).endswith("(Standard) — 1 ballot, live")
    assert batch_line(_batch(12, "test_deck")).endswith("— test deck of 12 ballots, test")
    assert batch_line(_batch(1)).startswith("Batch no. 3 — Tuesday 3 March 2026 at ")
