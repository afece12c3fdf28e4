"""`verify` never shows a traceback: every damaged bundle gives a typed failure (a `UserError`
of the application's tree) with a French message naming a file. Finding 5 of issue 9
reproduced (a flipped byte in a compressed member gave `zlib.error`, a manifest nested 100,000
levels deep `RecursionError`), then fuzzed with Hypothesis: random byte flips, truncations,
nesting, wrong types and huge members."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.services import open_services
from app.verify import VerifyReport, verify_bundle
from app.verify import bundle as bundle_module
from tests.helpers.verify import live_count, write_bundle, write_zip

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEALED_OR_SIGNED = ("log.jsonl", "readings.jsonl", "sheets.json", "decisions.json",
                    "results.json", "public_key.pem")  # fmt: skip


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    tmp = tmp_path_factory.mktemp("damaged")
    with open_services(tmp / "data") as services:
        counted = live_count(services, tmp / "scans", [[0], [1], [0, 1], []])
        path = write_bundle(services, counted.session_id, tmp / "paquet.zip", False)
    assert verify_bundle(path).ok
    return path.read_bytes()


def _check(path: Path) -> VerifyReport:
    """Verify; any exception escaping is the bug this file hunts."""
    report = verify_bundle(path)
    if not report.ok:
        failure = report.failure
        assert isinstance(failure, UserError)
        assert failure.code and failure.where and failure.message
        assert "Traceback" not in failure.message
    return report


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _with(tmp: Path, data: bytes, name: str, content: bytes, *, fix_manifest: bool) -> Path:
    files = _members(data)
    files[name] = content
    if fix_manifest and name != "manifest.json":
        import hashlib

        manifest = json.loads(files["manifest.json"])
        manifest["files"][name] = hashlib.sha256(content).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
    return write_zip(files, tmp / "x.zip")


# --- the findings, deterministic ------------------------------------------------------------


def _compressed_span(data: bytes, name: str) -> tuple[int, int]:
    """Offset and length of a member's compressed bytes inside the zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    start = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
    begin = start + 30 + name_len + extra_len
    return begin, info.compress_size


def test_a_flipped_byte_in_a_compressed_member_is_a_damaged_zip_not_a_zlib_error(genuine, tmp_path):
    begin, size = _compressed_span(genuine, "log.jsonl")
    seen_zlib_error = False
    for offset in range(size):
        data = bytearray(genuine)
        data[begin + offset] ^= 0xFF
        try:  # what the verifier used to let through
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
                zf.read("log.jsonl")
        except zlib.error:
            seen_zlib_error = True
        except zipfile.BadZipFile:
            continue
        else:
            continue
        path = tmp_path / "flip.zip"
        path.write_bytes(bytes(data))
        report = _check(path)
        assert report.failure is not None and report.failure.code == "not_a_zip"
        assert "n'est pas un zip lisible" in report.failure.message
        break
    assert seen_zlib_error, "no byte of the member gave zlib.error: the test proves nothing"


@pytest.mark.parametrize("name", ["manifest.json", "sheets.json", "election.json", "log.jsonl"])
def test_json_nested_100000_levels_deep_is_refused_with_a_message(genuine, tmp_path, name):
    nested = b"[" * 100_000 + b"]" * 100_000
    content = nested + (b"\n" if name == "log.jsonl" else b"")
    report = _check(_with(tmp_path, genuine, name, content, fix_manifest=True))
    assert not report.ok
    assert report.failure is not None and name in report.failure.where
    if name != "log.jsonl":
        assert report.failure.code in ("manifest", "unreadable")


def test_a_truncated_zip_is_refused(genuine, tmp_path):
    path = tmp_path / "court.zip"
    path.write_bytes(genuine[: len(genuine) // 2])
    report = _check(path)
    assert report.failure is not None and report.failure.code == "not_a_zip"


def test_a_member_over_the_cap_is_refused_without_decompressing_it_all(
    genuine, tmp_path, monkeypatch
):
    monkeypatch.setattr(bundle_module, "MAX_FILE_BYTES", 1024 * 1024)
    bomb = b"0" * (8 * 1024 * 1024)  # 8 MB of zeros: a few kB compressed
    report = _check(_with(tmp_path, genuine, "images/bombe.png", bomb, fix_manifest=True))
    assert report.failure is not None and report.failure.code == "too_big"
    assert report.failure.where == "images/bombe.png"


def test_the_members_together_are_capped_while_decompressing(genuine, tmp_path, monkeypatch):
    """The total cap is enforced chunk by chunk while reading, not from the headers' claims."""
    monkeypatch.setattr(bundle_module, "MAX_TOTAL_BYTES", 64 * 1024)
    report = _check(_with(tmp_path, genuine, "images/grand.png", b"1" * 200_000,
                          fix_manifest=True))  # fmt: skip
    assert report.failure is not None and report.failure.code == "too_big"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("manifest.json", {"format": "bp-terrain-count-bundle", "version": 2, "files": []}),
        ("sheets.json", {"pas": "une liste"}),
        ("sheets.json", [1, "deux", None]),
        ("decisions.json", "texte"),
        ("results.json", [[]]),
        ("election.json", {"format": "bp-terrain-election", "version": 2, "sessions": [1],
                           "selected": "x"}),
        ("election.json", []),
        ("public_key.pem", "pas une clé"),
    ],
)  # fmt: skip
def test_wrong_types_are_typed_failures(genuine, tmp_path, name, value):
    content = json.dumps(value).encode()
    report = _check(_with(tmp_path, genuine, name, content, fix_manifest=True))
    assert not report.ok


@pytest.mark.parametrize("name", ["log.jsonl", "readings.jsonl", "election.json",
                                  "public_key.pem", "manifest.json"])  # fmt: skip
def test_a_missing_member_is_named(genuine, tmp_path, name):
    files = _members(genuine)
    files.pop(name)
    report = _check(write_zip(files, tmp_path / "x.zip"))
    assert report.failure is not None
    assert report.failure.code == "missing_file" and report.failure.where == name


# --- fuzzing ---------------------------------------------------------------------------------


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1, max_size=4))
def test_random_byte_flips_in_the_zip_never_crash(genuine, tmp_path, flips):
    data = bytearray(genuine)
    for at, mask in flips:
        data[at % len(data)] ^= mask
    path = tmp_path / "f.zip"
    path.write_bytes(bytes(data))
    _check(path)


@FUZZ
@given(st.integers(min_value=0))
def test_truncations_never_crash_and_never_verify(genuine, tmp_path, cut):
    path = tmp_path / "t.zip"
    path.write_bytes(genuine[: cut % len(genuine)])
    assert not _check(path).ok


@FUZZ
@given(
    st.sampled_from(sorted(_name for _name in SEALED_OR_SIGNED)),
    st.integers(min_value=0),
    st.integers(1, 255),
    st.booleans(),
)
def test_a_flipped_byte_in_a_signed_or_sealed_file_always_fails(
    genuine, tmp_path, name, at, mask, fix_manifest
):
    content = bytearray(_members(genuine)[name])
    content[at % len(content)] ^= mask
    report = _check(_with(tmp_path, genuine, name, bytes(content), fix_manifest=fix_manifest))
    assert not report.ok, (name, at % len(content), mask)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                  max_size=4),
    max_leaves=12,
)  # fmt: skip


def _replace_somewhere(value: Any, path: list[int], new: Any) -> Any:
    """`value` with one of its subtrees (chosen by `path`) replaced by `new`."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    value[key] = _replace_somewhere(value[key], path[1:], new)
    return value


@FUZZ
@given(
    st.sampled_from(["manifest.json", "sheets.json", "decisions.json", "results.json",
                     "election.json", "layouts"]),
    st.lists(st.integers(min_value=0), max_size=5),
    JSON_VALUES,
)  # fmt: skip
def test_wrong_types_anywhere_in_a_json_file_never_crash(genuine, tmp_path, name, path, new):
    files = _members(genuine)
    if name == "layouts":
        name = next(n for n in files if n.startswith("layouts/"))
    doc = _replace_somewhere(json.loads(files[name]), path, new)
    _check(_with(tmp_path, genuine, name, json.dumps(doc).encode(), fix_manifest=True))


@FUZZ
@given(st.integers(min_value=0), JSON_VALUES)
def test_a_changed_reading_line_never_crashes(genuine, tmp_path, line, new):
    lines = _members(genuine)["readings.jsonl"].splitlines()
    index = line % len(lines)
    doc = _replace_somewhere(json.loads(lines[index]), [line // len(lines)], new)
    lines[index] = json.dumps(doc).encode()
    content = b"\n".join(lines) + b"\n"
    _check(_with(tmp_path, genuine, "readings.jsonl", content, fix_manifest=True))


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.sampled_from(["manifest.json", "election.json", "sheets.json", "results.json"]),
       st.integers(min_value=1_000, max_value=200_000))  # fmt: skip
def test_deep_nesting_at_any_depth_never_crashes(genuine, tmp_path, name, depth):
    nested = b'{"a":' * depth + b"1" + b"}" * depth
    assert not _check(_with(tmp_path, genuine, name, nested, fix_manifest=True)).ok


def test_a_key_file_naming_an_unknown_algorithm_is_a_typed_failure(genuine, tmp_path):
    """Found by the fuzzing above: one bit flipped in the key's algorithm identifier made
    `cryptography` raise `UnsupportedAlgorithm`, which escaped as a traceback."""
    pem = _members(genuine)["public_key.pem"]
    body = pem.split(b"\n")[1]
    flipped = body[:8] + bytes([body[8] ^ 1]) + body[9:]
    bad = pem.replace(body, flipped)
    report = _check(_with(tmp_path, genuine, "public_key.pem", bad, fix_manifest=True))
    assert report.failure is not None and report.failure.where == "public_key.pem"
