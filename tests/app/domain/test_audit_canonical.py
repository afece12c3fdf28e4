from __future__ import annotations

import json
import math

import pytest

from app.domain.audit.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalJsonError,
    canonical_hash,
    canonical_json,
    freeze,
    is_sha256_hex,
    sha256_hex,
    thaw,
)


def test_canonical_form_is_sorted_compact_utf8() -> None:
    value = {"b": [1, True, None], "a": {"z": "é", "y": -3}, "A": "x"}
    assert canonical_json(value) == '{"A":"x","a":{"y":-3,"z":"é"},"b":[1,true,null]}'.encode()
    assert "é".encode() in canonical_json(value)  # raw UTF-8, not \u00e9


def test_canonical_form_matches_the_documented_one_liner() -> None:
    value = {"payload": {"reason": "Rature « nette »\n", "n": 12}, "seq": 3, "actor": "Zoé"}
    by_hand = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == by_hand.encode("utf-8")


def test_control_characters_are_escaped() -> None:
    assert canonical_json({"t": "a\nb\x01"}) == b'{"t":"a\\nb\\u0001"}'


@pytest.mark.parametrize(
    "bad",
    [
        1.0,
        0.5,
        math.nan,
        math.inf,
        {"count": 2.0},
        {"nested": [1, 2, {"x": 1e3}]},
        MAX_SAFE_INTEGER + 1,
        -(MAX_SAFE_INTEGER + 1),
        2**64 - 1,
        b"bytes",
        {1: "non-text key"},
        {"clé": "non-ASCII key"},
        {"": "empty key"},
        "\ud800 lone surrogate",
        {1, 2},
        object(),
    ],
)
def test_non_canonical_values_are_refused(bad: object) -> None:
    with pytest.raises(CanonicalJsonError) as info:
        canonical_json(bad)
    assert "Valeur refusée" in info.value.message


def test_float_message_says_integers_only() -> None:
    with pytest.raises(CanonicalJsonError, match="entiers"):
        canonical_json({"payload": {"votes": 3.5}})


def test_safe_integer_bounds_and_booleans_are_accepted() -> None:
    assert canonical_json([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, True, False, 0]) == (
        b"[9007199254740991,-9007199254740991,true,false,0]"
    )


def test_deep_nesting_is_refused() -> None:
    value: object = 1
    for _ in range(40):
        value = [value]
    with pytest.raises(CanonicalJsonError):
        canonical_json(value)


def test_sha256_known_vector_and_hex_check() -> None:
    digest = sha256_hex(b"abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert is_sha256_hex(digest)
    assert not is_sha256_hex(digest.upper())
    assert not is_sha256_hex(digest[:-1])
    assert canonical_hash({"a": 1}) == sha256_hex(b'{"a":1}')


def test_freeze_makes_payloads_read_only_and_keeps_their_form() -> None:
    original = {"b": [1, {"c": [2, 3]}], "a": "x"}
    frozen = freeze(original)
    with pytest.raises(TypeError):
        frozen["a"] = "y"  # type: ignore[index]
    assert isinstance(frozen["b"], tuple)
    assert canonical_json(frozen) == canonical_json(original)
    assert thaw(frozen) == original
