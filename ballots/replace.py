"""Replace a file atomically: the project's one atomic writer (standard library only).

A temporary file beside the target (same file system, so the rename is atomic), written, flushed
to disk (fsync), renamed over the target; on any exception the temporary file is removed and the
target is left as it was. Used by the documents and exports (through `ballots.atomic`, which says
an `OSError` in French), the scanned image store, the officers' key files, the project pictures,
the audit log's JSON-lines copy and its high-water mark (which keep their own words for errors).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)


@contextmanager
def replacing_path(
    target: Path, *, final_mode: int | None = None, sync_folder: bool = False
) -> Iterator[Path]:
    """Yield a temporary path beside `target` for the caller to write; on success fsync it,
    give it `final_mode` if any, rename it over `target` (and fsync the folder if asked).

    Any exception (cancel, disk full, bug) removes the temporary file, leaves `target` as it
    was, and goes on as is.
    """
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        _fsync(tmp)
        if final_mode is not None:
            os.chmod(tmp, final_mode)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    if sync_folder:
        _fsync_folder(target.parent)


@contextmanager
def replacing(
    target: Path, *, mode: int = 0o600, final_mode: int | None = None, sync_folder: bool = False
) -> Iterator[BinaryIO]:
    """Like `replacing_path`, with the temporary file open for binary writing. It is created
    with `mode` (owner only by default, before any byte is written: a key never lies readable)."""
    with replacing_path(target, final_mode=final_mode, sync_folder=sync_folder) as tmp:
        handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(handle, "wb") as stream:
            yield stream


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; a folder that cannot be opened or synced is left be."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove temporary file %s", path)
