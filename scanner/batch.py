"""Read files, one or many: the entry points the count and the `scan` command call.

Many files are read by a pool of worker processes (one per core by default): reading is CPU
bound and OpenCV's own threads are switched off in the workers so two pages really run side by
side and results never depend on the thread count.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

import cv2

from scanner.context import ReadContext
from scanner.interpret import interpret_image
from scanner.loading import iter_pages
from scanner.pool import process_pool
from scanner.reasons import Reason
from scanner.result import REJECTED, PageReading

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class CancelFlag(Protocol):
    """Anything with a `cancelled` attribute (app.errors.CancelToken fits)."""

    @property
    def cancelled(self) -> bool: ...


class BatchCancelled(Exception):
    """Raised by `interpret_files` when the cancel flag was set; carries what was read."""

    def __init__(self, done: list[PageReading]) -> None:
        super().__init__("cancelled")
        self.done = done


def file_sha256(path: str | Path) -> str:
    """The file's SHA-256; "" for a file that cannot be read or is not a regular file (a FIFO
    or a device would block or never end)."""
    h = hashlib.sha256()
    if not Path(path).is_file():
        return ""
    try:
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def interpret_file(path: str | Path, ctx: ReadContext) -> list[PageReading]:
    """Read every page of one file (image or PDF); never raises for a bad file."""
    return list(iter_file(path, ctx))


def iter_file(path: str | Path, ctx: ReadContext) -> Iterator[PageReading]:
    """Read the pages of one file one by one (a long PDF shows progress as it goes)."""
    name = str(path)
    sha = file_sha256(path)
    for src in iter_pages(path):
        if src.image is None:
            reason = str(src.reason or Reason.CORRUPT_IMAGE)
            yield PageReading(
                file=name, page=src.page, status=REJECTED, reasons=(reason,), file_sha256=sha
            )
            continue
        try:
            yield interpret_image(src.image, ctx, file=name, page=src.page, sha=sha)
        except Exception:  # a reader bug must not stop a count: reject, log the traceback
            log.exception("reader failure on %s page %d", name, src.page)
            yield PageReading(
                file=name,
                page=src.page,
                status=REJECTED,
                reasons=(str(Reason.READER_ERROR),),
                file_sha256=sha,
            )


def stream_files(
    paths: Sequence[str | Path], ctx: ReadContext, *, workers: int | None = None
) -> Iterator[PageReading]:
    """Readings in the order of `paths`, each file's pages as soon as that file is read.

    Several files are read by a pool of worker processes (one per core by default), so a
    pile of scans streams at the speed of both cores; a single file (a long PDF) is read page
    by page in this process, so its progress shows as it goes.
    """
    items = list(paths)
    n = workers if workers is not None else min(len(items), os.cpu_count() or 1)
    if n <= 1 or len(items) <= 1:
        for path in items:
            yield from iter_file(path, ctx)
        return
    pool = process_pool(n, initializer=_init_worker, initargs=(ctx,))
    try:
        futures = [pool.submit(_worker_read, p) for p in items]
        for fut in futures:
            yield from fut.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_WORKER_CTX: ReadContext | None = None


def _init_worker(ctx: ReadContext) -> None:
    """Runs once per worker: the context (all layouts) is sent once, not with every file."""
    global _WORKER_CTX
    cv2.setNumThreads(1)
    _WORKER_CTX = ctx


def _worker_read(path: str | Path) -> list[PageReading]:
    assert _WORKER_CTX is not None
    return interpret_file(path, _WORKER_CTX)


def interpret_files(
    paths: Sequence[str | Path],
    ctx: ReadContext,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> list[PageReading]:
    """Read many files in parallel; readings come back in the order of `paths`."""
    n = workers if workers is not None else min(len(paths), os.cpu_count() or 1)
    if n <= 1:
        return _serial(paths, ctx, progress, cancel)
    results: dict[int, list[PageReading]] = {}
    with process_pool(n, initializer=_init_worker, initargs=(ctx,)) as pool:
        futures: list[Future[list[PageReading]]] = [pool.submit(_worker_read, p) for p in paths]
        for i, fut in enumerate(futures):
            if cancel is not None and cancel.cancelled:
                for f in futures[i:]:
                    f.cancel()
                raise BatchCancelled(_flatten(results))
            results[i] = fut.result()
            if progress is not None:
                progress(i + 1, len(paths))
    return _flatten(results)


def _flatten(results: dict[int, list[PageReading]]) -> list[PageReading]:
    return [r for i in sorted(results) for r in results[i]]


def _serial(
    paths: Iterable[str | Path],
    ctx: ReadContext,
    progress: Progress | None,
    cancel: CancelFlag | None,
) -> list[PageReading]:
    items = list(paths)
    out: list[PageReading] = []
    for i, p in enumerate(items):
        if cancel is not None and cancel.cancelled:
            raise BatchCancelled(out)
        out.extend(interpret_file(p, ctx))
        if progress is not None:
            progress(i + 1, len(items))
    return out
