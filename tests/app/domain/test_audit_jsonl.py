from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.domain import signing
from app.domain.audit import ChainBroken, verify_chain
from app.domain.audit.jsonl import (
    append_jsonl,
    catch_up_jsonl,
    entry_line,
    parse_jsonl,
    verify_jsonl,
    write_jsonl,
)
from tests.helpers.audit import build_session

KEY = signing.generate_key()
ENTRIES = build_session(KEY, sheets=4, batch_size=2).entries


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "audit.jsonl"
    write_jsonl(path, ENTRIES)
    return path


def test_written_file_is_one_canonical_line_per_entry(log_file: Path) -> None:
    data = log_file.read_bytes()
    assert data.endswith(b"\n")
    lines = data.split(b"\n")[:-1]
    assert lines == [entry.canonical() for entry in ENTRIES]
    assert json.loads(lines[0])["event"] == "session_opened"
    result = verify_jsonl(log_file, require_sealed=True)
    assert result.ok and result.entries == len(ENTRIES)


def _seq_of_line(data: bytes, position: int) -> int:
    return data[:position].count(b"\n") + 1


def _other_byte(byte: int) -> int:
    if chr(byte).isdigit():
        return ord("0") + (byte - ord("0") + 1) % 10
    for first in (ord("a"), ord("A")):
        if first <= byte <= first + 25:
            return first + (byte - first + 1) % 26
    return byte ^ 0x01


def _positions(data: bytes) -> list[int]:
    """Every byte of the first line, of a signed checkpoint and of the last line (with its
    newline), and every 17th byte of the others: each verification re-reads the chain, so
    every byte of every line would take a minute; the chain tests change every field instead."""
    starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]
    spans = list(zip(starts, starts[1:], strict=False))
    signed = next(i for i, (a, b) in enumerate(spans) if b'"signature"' in data[a:b])
    full = {0, signed, len(spans) - 1}
    return [
        position
        for index, (start, end) in enumerate(spans)
        for position in range(start, end, 1 if index in full else 17)
    ]


def test_changing_any_byte_of_the_file_names_its_entry(log_file: Path) -> None:
    data = log_file.read_bytes()
    for position in _positions(data):
        changed = bytearray(data)
        changed[position] = _other_byte(data[position])
        end = changed.find(b"\n", data.find(b"\n", position) + 1)
        result = verify_chain(parse_jsonl(bytes(changed[: end + 1] if end >= 0 else changed)))
        assert result.failure is not None, position
        assert result.failure.seq == _seq_of_line(data, position), (position, result.failure)


def test_equivalent_but_non_canonical_json_is_refused(log_file: Path) -> None:
    lines = log_file.read_bytes().split(b"\n")[:-1]
    index = next(i for i, line in enumerate(lines) if "é".encode() in line)
    value = json.loads(lines[index])
    variants = (
        json.dumps(value, sort_keys=True, separators=(", ", ": "), ensure_ascii=False),
        json.dumps(dict(reversed(value.items())), separators=(",", ":"), ensure_ascii=False),
        json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True),
        lines[index].decode() + " ",  # trailing white space
        lines[index].decode().replace("Awa Diallo", "Awa\\u0020Diallo", 1),  # needless escape
        lines[index].decode()[:-1] + ',"seq":' + str(value["seq"]) + "}",  # duplicate key
    )
    for variant in variants:
        assert variant.encode() != lines[index]
        edited = [*lines[:index], variant.encode(), *lines[index + 1 :]]
        result = verify_chain(parse_jsonl(b"\n".join(edited) + b"\n"))
        assert result.failure is not None, variant
        assert (result.failure.seq, result.failure.code) == (index + 1, "not_canonical"), variant


def test_a_half_written_last_line_is_reported(log_file: Path) -> None:
    data = log_file.read_bytes()
    cut = data[: len(data) - 40]
    result = verify_chain(parse_jsonl(cut))
    assert result.failure is not None
    assert (result.failure.seq, result.failure.code) == (len(ENTRIES), "truncated")
    assert "incomplète" in result.failure.message


def test_catch_up_repairs_a_crashed_copy_and_refuses_a_forged_one(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    assert catch_up_jsonl(path, ENTRIES[:3]) == 3  # created from nothing
    with path.open("ab") as stream:
        stream.write(entry_line(ENTRIES[3])[:25])  # crash in the middle of a line
    assert catch_up_jsonl(path, ENTRIES) == len(ENTRIES) - 3
    assert path.read_bytes() == b"".join(entry_line(e) for e in ENTRIES)
    assert catch_up_jsonl(path, ENTRIES) == 0
    data = path.read_bytes().replace(b"Awa Diallo", b"Awa Diallx", 1)
    path.write_bytes(data)
    with pytest.raises(ChainBroken) as info:
        catch_up_jsonl(path, ENTRIES)
    assert (info.value.seq, info.value.code) == (1, "copy_differs")
    write_jsonl(path, ENTRIES)
    with pytest.raises(ChainBroken):
        catch_up_jsonl(path, ENTRIES[:-2])  # the copy is ahead of the database


def test_a_copy_ahead_of_an_older_read_snapshot_is_not_tampering(tmp_path: Path) -> None:
    """Another process committed entries (and wrote them to the copy) after the caller read
    the database: the copy is longer than the caller's entries, yet nothing was altered."""
    path = tmp_path / "audit.jsonl"
    write_jsonl(path, ENTRIES)
    older = ENTRIES[:-2]
    assert catch_up_jsonl(path, older, committed=lambda: len(ENTRIES)) == 0
    assert path.read_bytes() == b"".join(entry_line(e) for e in ENTRIES)  # untouched
    with pytest.raises(ChainBroken) as info:  # the database holds fewer: the copy was forged
        catch_up_jsonl(path, older, committed=lambda: len(ENTRIES) - 1)
    assert (info.value.seq, info.value.code) == (len(older) + 1, "copy_differs")
    path.write_bytes(path.read_bytes().replace(b"Awa Diallo", b"Awa Diallx", 1))
    with pytest.raises(ChainBroken):  # the common part is still compared
        catch_up_jsonl(path, older, committed=lambda: len(ENTRIES))


_SEED = bytes(range(32))
_WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {support!r})
from app.domain import signing
from app.domain.audit.jsonl import append_jsonl
from tests.helpers.audit import build_session
key = signing.Ed25519PrivateKey.from_private_bytes({seed!r})
entries = build_session(key, sheets=200, batch_size=20).entries
path = Path(sys.argv[1])
print(len(entries), flush=True)
while True:
    path.unlink(missing_ok=True)
    for entry in entries:
        append_jsonl(path, [entry])
"""


def test_killing_the_writer_leaves_a_verifiable_prefix(tmp_path: Path) -> None:
    """kill -9 while appending: every complete line verifies, and catching up from the
    database's entries (the same deterministic session here) restores the whole copy."""
    path = tmp_path / "audit.jsonl"
    script = _WRITER.format(support=str(Path(__file__).parents[3]), seed=_SEED)
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    total = int(process.stdout.readline())
    deadline = time.monotonic() + 20
    while (not path.exists() or path.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    items = parse_jsonl(path.read_bytes())
    result = verify_chain(items)
    assert 0 < result.entries <= total
    if result.failure is not None:  # killed in the middle of a line
        assert result.failure.code == "truncated"
        assert result.failure.seq == result.entries + 1
    database = build_session(signing.Ed25519PrivateKey.from_private_bytes(_SEED), 200, 20).entries
    assert len(database) == total
    assert catch_up_jsonl(path, database) == total - result.entries
    repaired = verify_jsonl(path, require_sealed=True)
    assert repaired.ok and repaired.entries == total


def test_append_adds_lines_in_order(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    for entry in ENTRIES:
        append_jsonl(path, [entry])
    assert verify_jsonl(path).ok
