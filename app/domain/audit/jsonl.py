"""The JSON-lines copy of the audit log: one canonical entry per line, UTF-8, `\\n` after each.

The copy sits beside the database and goes into the verification bundle. Each line must be
byte for byte the canonical form of its entry, so that changing any byte of the file (even white
space or the order of keys) is detected, not only changes that alter the parsed values.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from app.domain.audit.canonical import dumps_unchecked
from app.domain.audit.chain import failure
from app.domain.audit.entry import AuditEntry
from app.domain.audit.verify import Item, Unreadable, VerificationResult, verify_chain
from app.i18n import _
from ballots.replace import replacing

logger = logging.getLogger(__name__)


def entry_line(entry: AuditEntry) -> bytes:
    """The entry's line in the copy: its canonical JSON and a newline."""
    return entry.canonical() + b"\n"


def write_jsonl(path: Path, entries: Iterable[AuditEntry]) -> None:
    """Write a whole chain atomically (temporary file, fsync, rename): for exports."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as stream:
        for entry in entries:
            stream.write(entry_line(entry))


def append_jsonl(path: Path, entries: Iterable[AuditEntry]) -> None:
    """Append entries after they were committed to the database, and fsync."""
    with path.open("ab") as stream:
        for entry in entries:
            stream.write(entry_line(entry))
        stream.flush()
        os.fsync(stream.fileno())


def parse_jsonl(data: bytes) -> list[Item]:
    """Parse the copy's bytes into entries to verify; bad lines become `Unreadable` items."""
    lines = data.split(b"\n")
    tail = lines.pop()  # empty when the file ends with a newline
    items: list[Item] = [_parse_line(line) for line in lines]
    if tail:
        items.append(Unreadable("truncated"))
    return items


def _parse_line(line: bytes) -> Item:
    try:
        value: Any = json.loads(line.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as error:
        return Unreadable("unreadable", str(error))
    except RecursionError:  # arrays or objects nested thousands of levels deep
        return Unreadable("unreadable", _("imbrication trop profonde"))
    try:
        if dumps_unchecked(value) != line:
            return Unreadable("not_canonical")
    except (TypeError, ValueError) as error:  # lone surrogates written as \\ud800 escapes
        return Unreadable("unreadable", str(error))
    except RecursionError:
        return Unreadable("unreadable", _("imbrication trop profonde"))
    if not isinstance(value, dict):
        return Unreadable("malformed", _("une ligne doit contenir un objet JSON"))
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def read_jsonl(path: Path) -> list[Item]:
    return parse_jsonl(path.read_bytes())


def verify_jsonl(path: Path, **options: Any) -> VerificationResult:
    """Verify a JSON-lines file; `options` are those of `verify_chain`."""
    return verify_chain(read_jsonl(path), **options)


def catch_up_jsonl(
    path: Path, entries: Sequence[AuditEntry], committed: Callable[[], int] | None = None
) -> int:
    """Bring the copy up to date with the database's entries; returns the lines appended.

    After a crash the copy may lack the last entries or end with a half-written line: the
    incomplete line is dropped and the missing entries appended. A complete line that differs
    from the database is never overwritten: `ChainBroken` is raised, since one of the two was
    altered and a person must look.

    `committed` counts the entries the database holds now, outside the caller's read
    snapshot: a copy longer than `entries` is legitimate when another process committed the
    extra entries after that snapshot (only the common part is then compared; the next
    verification compares the rest).
    """
    data = path.read_bytes() if path.exists() else b""
    complete = data[: data.rfind(b"\n") + 1]
    lines = complete.split(b"\n")[:-1] if complete else []
    if len(lines) > len(entries):
        if committed is None or committed() < len(lines):
            raise failure("copy_differs", len(entries) + 1)
        lines = lines[: len(entries)]
    for index, line in enumerate(lines):
        if line + b"\n" != entry_line(entries[index]):
            raise failure("copy_differs", index + 1)
    if len(complete) != len(data):
        logger.warning("dropping an incomplete last line from %s", path)
        with path.open("r+b") as stream:
            stream.truncate(len(complete))
            os.fsync(stream.fileno())
    missing = entries[len(lines) :]
    if missing:
        append_jsonl(path, missing)
    return len(missing)
