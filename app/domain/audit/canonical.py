"""Canonical JSON and SHA-256 for the audit log.

Every hash and signature in the audit log is computed over one exact byte string, so that anyone
can recompute it with a few lines of Python (or any language) years later. The canonical form is
`json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")`
restricted to values that every JSON implementation reads back identically:

- objects with printable-ASCII keys (so that sorting by code point, by UTF-16 unit and by byte all
  agree), arrays, strings (valid Unicode, no lone surrogates), booleans and null;
- integers only, within the I-JSON safe range |n| <= 2**53 - 1 (RFC 7493). Floats are refused:
  their text form differs between languages, and counts and amounts are always whole numbers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from app.domain.audit.errors import InvalidPayload
from app.i18n import _

MAX_SAFE_INTEGER = 2**53 - 1
HASH_HEX_LENGTH = 64
ZERO_HASH = "0" * HASH_HEX_LENGTH
_MAX_DEPTH = 32


class CanonicalJsonError(InvalidPayload):
    """A value cannot be written in canonical JSON (a float, a huge integer, a bad key...)."""


def _fail(path: str, problem: str) -> CanonicalJsonError:
    return CanonicalJsonError(
        _("Valeur refusée dans le journal ({path}) : {problem}").format(path=path, problem=problem)
    )


def check_canonical_value(value: Any, path: str = "$") -> None:
    """Raise `CanonicalJsonError` unless `value` has one exact canonical JSON form.

    Tuples are accepted as arrays and any `Mapping` as an object, because entries keep their
    payloads frozen (tuples and read-only mappings). A fast pass runs first; the slow pass that
    names the faulty place runs only on failure (verification walks every entry at start-up).
    """
    if not _fast_ok(value, 0):
        _explain(value, path, 0)
        raise _fail(path, _("valeur non canonique"))


def _fast_ok(value: Any, depth: int) -> bool:
    kind = type(value)
    if kind is str:
        return not _has_surrogate(value)
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if value is None or kind is bool:
        return True
    if isinstance(value, str):
        return not _has_surrogate(value)
    if isinstance(value, int):
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if depth > _MAX_DEPTH:
        return False
    if isinstance(value, Mapping):
        return all(
            type(key) is str and key.isascii() and key.isprintable() and key != ""
            and _fast_ok(item, depth + 1)
            for key, item in value.items()
        )  # fmt: skip
    if kind is list or kind is tuple:
        return all(_fast_ok(item, depth + 1) for item in value)
    return False


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _explain(value: Any, path: str, depth: int) -> None:
    """Raise the precise error for the first non-canonical part of `value`."""
    if depth > _MAX_DEPTH:
        raise _fail(path, _("imbrication trop profonde"))
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise _fail(path, _("entier trop grand (plus de 2^53 - 1)"))
        return
    if isinstance(value, float):
        raise _fail(path, _("nombre à virgule interdit, seuls les entiers sont admis"))
    if isinstance(value, str):
        if _has_surrogate(value):
            raise _fail(path, _("texte Unicode invalide"))
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_key(key, path)
            _explain(item, f"{path}.{key}", depth + 1)
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _explain(item, f"{path}[{index}]", depth + 1)
        return
    raise _fail(path, _("type non admis ({type})").format(type=type(value).__name__))


def _check_key(key: object, path: str) -> None:
    if not isinstance(key, str) or not key:
        raise _fail(path, _("clé d'objet vide ou non textuelle"))
    if not (key.isascii() and key.isprintable()):
        raise _fail(path, _("clé d'objet hors de l'ASCII imprimable : {key!r}").format(key=key))


def _plain(value: Any) -> Any:
    """Turn frozen containers (tuples, read-only mappings) into lists and dicts for `json`."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _as_dict(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def dumps_unchecked(value: Any) -> bytes:
    """The canonical bytes without the canonical checks: for values already checked, or whose
    checks come right after (hashing an entry before validating it). Floats are written as
    Python writes them, so they are still refused by the later check."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_as_dict,
    ).encode("utf-8")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of `value`; raises `CanonicalJsonError` for non-canonical values."""
    check_canonical_value(value)
    return dumps_unchecked(value)


def sha256_hex(data: bytes) -> str:
    """Lowercase hexadecimal SHA-256, the only hash written in the log."""
    return hashlib.sha256(data).hexdigest()


def canonical_hash(value: Any) -> str:
    """SHA-256 of the canonical form of `value` (used for readings, results and entries)."""
    return sha256_hex(canonical_json(value))


def is_sha256_hex(value: object) -> bool:
    """True for a 64-character lowercase hexadecimal string."""
    return (
        isinstance(value, str)
        and len(value) == HASH_HEX_LENGTH
        and all(char in "0123456789abcdef" for char in value)
    )


def thaw(value: Any) -> Any:
    """A plain (mutable) copy of a frozen JSON value, for callers that need dicts and lists."""
    return _plain(value)


def freeze(value: Any) -> Any:
    """A deeply read-only copy: dicts become read-only mappings, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value
