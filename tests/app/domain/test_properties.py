"""Hypothesis properties of three pure cores: the audit log's canonical JSON, money in French,
and the tally. Each property states what must hold for every input, not for a few examples."""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.audit.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalJsonError,
    canonical_hash,
    canonical_json,
    freeze,
    thaw,
)
from app.domain.counting.models import OUTCOMES, VALID, SheetFacts, SheetOutcome
from app.domain.counting.tally import resolve_all, tally
from app.domain.money import MAX_CENTS, NNBSP, amount_text, format_euros, parse_euros
from app.errors import UserError

# --- canonical JSON -----------------------------------------------------------------------------

KEYS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@given(VALUES)
def test_canonical_bytes_read_back_to_the_value_and_are_a_fixed_point(value: Any) -> None:
    data = canonical_json(value)
    assert json.loads(data.decode("utf-8")) == value
    assert canonical_json(json.loads(data)) == data
    assert canonical_json(freeze(value)) == data  # frozen entries hash like plain ones
    assert thaw(freeze(value)) == value


@given(st.dictionaries(KEYS, SCALARS, min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_key_order_never_changes_the_bytes(value: dict[str, Any], rnd: random.Random) -> None:
    items = list(value.items())
    rnd.shuffle(items)
    assert canonical_json(dict(items)) == canonical_json(value)
    assert canonical_hash(dict(items)) == canonical_hash(value)


@given(VALUES, st.floats(allow_nan=False) | st.integers(MAX_SAFE_INTEGER + 1, 2**80))
def test_a_float_or_a_huge_integer_anywhere_is_refused(value: Any, bad: Any) -> None:
    for wrapped in ([value, bad], {"a": value, "b": [bad]}, bad):
        with pytest.raises(CanonicalJsonError):
            canonical_json(wrapped)


# --- money ----------------------------------------------------------------------------------------

CENTS = st.integers(0, MAX_CENTS)


@given(CENTS, st.sampled_from([None, True, False]))
def test_formatted_amounts_parse_back_to_the_same_cents(
    cents: int, with_cents: bool | None
) -> None:
    text = format_euros(cents, with_cents=with_cents)
    if with_cents is False and cents % 100:
        assert parse_euros(text) == cents - cents % 100  # asked without cents: whole euros
    else:
        assert parse_euros(text) == cents
    assert text.endswith("\u00a0€") and "." not in text


@given(CENTS)
def test_thousands_are_grouped_by_three_with_narrow_spaces(cents: int) -> None:
    euros = format_euros(cents, with_cents=False).removesuffix("\u00a0€")
    groups = euros.split(NNBSP)
    assert all(g.isdigit() for g in groups) and 1 <= len(groups[0]) <= 3
    assert all(len(g) == 3 for g in groups[1:])
    assert int("".join(groups)) == cents // 100


@given(st.integers(1, MAX_CENTS))
def test_negative_amounts_are_written_with_a_sign_and_refused_when_typed(cents: int) -> None:
    text = format_euros(-cents)
    assert text.startswith("-") and text[1:] == format_euros(cents)
    with pytest.raises(UserError, match="négatif"):
        parse_euros(text)


# --- the tally ------------------------------------------------------------------------------------

PROJECTS = ("p1", "p2", "p3", "p4", "p5")
OUTCOME_LISTS = st.lists(
    st.tuples(st.sampled_from(OUTCOMES), st.lists(st.sampled_from(PROJECTS), unique=True)),
    max_size=40,
)


def _outcomes(drawn: list[tuple[str, list[str]]]) -> list[SheetOutcome]:
    return [
        SheetOutcome(f"s{i}", outcome, tuple(choices) if outcome == VALID else ())
        for i, (outcome, choices) in enumerate(drawn)
    ]


@given(OUTCOME_LISTS, st.randoms(use_true_random=False))
def test_every_sheet_is_counted_once_and_only_valid_ballots_carry_votes(
    drawn: list[tuple[str, list[str]]], rnd: random.Random
) -> None:
    outcomes = _outcomes(drawn)
    t = tally([], outcomes)
    parts = (t.valid, t.blank, t.invalid, t.set_aside, t.rejected, t.pending, t.skipped)
    assert sum(parts) == t.sheets == len(outcomes)
    expected = Counter(p for o in outcomes if o.outcome == VALID for p in o.choices)
    assert t.votes == dict(expected) and all(n > 0 for n in t.votes.values())
    assert all(n <= t.valid for n in t.votes.values())
    shuffled = list(outcomes)
    rnd.shuffle(shuffled)
    assert tally([], shuffled) == t  # the order the sheets were read in does not matter


@given(st.lists(st.lists(st.sampled_from(("marked", "unmarked")), min_size=5, max_size=5)))
def test_clean_readings_count_as_read(readings: list[list[str]]) -> None:
    """Sheets read without doubt and without decisions: marked boxes are the votes."""
    sheets = [
        SheetFacts(
            id=f"s{i}", seq=i, status="read", reasons=(), template_hash=None,
            serial_hash=f"serial-{i}", marks=tuple(zip(PROJECTS, row, [0.5] * 5, strict=True)),
        )
        for i, row in enumerate(readings)
    ]  # fmt: skip
    t = tally(sheets, resolve_all(sheets, [], {}))
    marked = [[p for p, v in zip(PROJECTS, row, strict=True) if v == "marked"] for row in readings]
    assert t.valid == sum(1 for m in marked if m) and t.blank == sum(1 for m in marked if not m)
    assert t.votes == dict(Counter(p for m in marked for p in m))
    assert t.pending == 0 and t.sheets == len(readings)


@settings(max_examples=50)
@given(st.lists(st.sampled_from(("marked", "unmarked", "review")), min_size=5, max_size=5))
def test_a_box_in_doubt_keeps_the_sheet_out_of_the_count(row: list[str]) -> None:
    sheet = SheetFacts(
        id="s", seq=1, status="read", reasons=(), template_hash=None, serial_hash="x",
        marks=tuple(zip(PROJECTS, row, [0.5] * 5, strict=True)),
    )  # fmt: skip
    [outcome] = resolve_all([sheet], [], {})
    if "review" in row:
        assert outcome.outcome == "pending" and tally([sheet], [outcome]).votes == {}
    else:
        assert outcome.outcome in ("valid", "blank")


@given(st.integers(-MAX_CENTS, MAX_CENTS), st.sampled_from([None, True, False]))
def test_the_amount_alone_is_the_formatted_amount_without_its_sign(
    cents: int, with_cents: bool | None
) -> None:
    assert format_euros(cents, with_cents=with_cents) == (
        amount_text(cents, with_cents=with_cents) + "\u00a0€"
    )
