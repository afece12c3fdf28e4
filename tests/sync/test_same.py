"""`same`, the field comparison behind every diff, merge and rebase: it compares plain values
directly (for speed) and must agree exactly with the canonical-JSON comparison it replaces."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core.merge import _MISSING, canonical, same

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from([0, 1, 1.0, True, False, "1", "true", "", None]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "1", "é"]), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(values, values)
def test_same_agrees_with_canonical_json(a: Any, b: Any) -> None:
    assert same(a, b) == (canonical(a) == canonical(b))
    assert same(a, a)


def test_same_keeps_json_distinctions_and_ignores_key_order() -> None:
    assert not same(1, 1.0)
    assert not same(True, 1)
    assert not same(0, False)
    assert not same("1", 1)
    assert not same(None, "")
    assert same({"a": 1, "b": [1, "x"]}, {"b": [1, "x"], "a": 1})
    assert not same({"a": 1}, {"a": 1, "b": None})
    assert not same([1, 2], [2, 1])
    assert same({1: "x"}, {"1": "x"})  # JSON keys are text: as before
    assert same(date(2026, 12, 7), "2026-12-07")  # default=str: as before
    assert not same(_MISSING, _MISSING)
    assert not same(None, _MISSING)
