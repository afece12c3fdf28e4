"""Keeping several writers of one count in order: the database's write lock and a lock on the
JSON-lines copy.

Two programs may write to the same session at once (the counting screen and a `bp-terrain
count` command, or two windows). Each change reads the log's head and appends the next entry,
so the head must be read under SQLite's write lock, not before it: `take_write_lock` starts the
transaction with a write. The JSON-lines copy is appended after the commit; without a lock two
writers could append out of order (seq 60 before 59) and the next start would find a copy that
differs from the database and block the count. `CopyLocks` serialises every write to a
session's copy (append and catch-up) between processes (`flock`) and threads (a re-entrant
lock), and `last_complete_seq` lets a writer check that its entries follow the copy's last line.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads of one process only
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

_TAIL = 1 << 16  # an entry line is far shorter than this


#: Milliseconds a count change waits for another writer before giving up (a loaded laptop
#: verifying a long log can hold the lock for a few seconds; waiting beats failing).
WRITE_WAIT_MS = 60_000


def take_write_lock(session: Session) -> None:
    """Begin the transaction with a write, so SQLite's write lock is held from now on (other
    writers wait, up to `WRITE_WAIT_MS`). A statement that changes no row is enough: SQLite
    takes the lock when a writing statement starts."""
    session.execute(text(f"PRAGMA busy_timeout = {WRITE_WAIT_MS}"))
    session.execute(text("UPDATE count_session SET id = id WHERE 0"))


class _FileLock:
    """Exclusive across processes (flock on a lock file) and threads; re-entrant in a thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def acquire(self) -> None:
        self._thread_lock.acquire()
        if self._depth == 0:
            try:
                self._fd = self._lock_file()
            except OSError:
                self._thread_lock.release()
                raise
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
        self._thread_lock.release()

    def _lock_file(self) -> int | None:
        if fcntl is None:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            os.close(fd)
            raise
        return fd


class CopyLocks:
    """One lock per session's JSON-lines copy, kept for the life of the process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._locks: dict[str, _FileLock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, session_id: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.get(session_id)
            if lock is None:
                lock = self._locks[session_id] = _FileLock(self.folder / f".{session_id}.lock")
        lock.acquire()
        try:
            yield
        finally:
            lock.release()


def last_complete_seq(path: Path) -> int | None:
    """The seq of the copy's last line; 0 for an empty or missing copy; None when the copy
    ends with a half-written line or its last line cannot be read (a catch-up must look)."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return 0
            fh.seek(max(0, size - _TAIL))
            tail = fh.read()
    except FileNotFoundError:
        return 0
    if not tail.endswith(b"\n"):
        return None
    line = tail[:-1].rsplit(b"\n", 1)[-1]
    try:
        seq = json.loads(line.decode("utf-8")).get("seq")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None
