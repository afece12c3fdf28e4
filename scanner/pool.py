"""Worker pools that are safe to start from any process, a Qt application included.

Forking a process that already runs threads (Qt's, OpenCV's own thread pool) can copy a lock
held by another thread into the child, which then waits forever: seen here with OpenCV. The
pools therefore start their workers from a clean "forkserver" process (spawn where fork is not
available), preloaded with the scanner so that each worker starts fast.

Workers die with the process that started the pool: each one watches that process (a pidfd on
Linux, else a poll every second) and exits the moment it is gone, so a `kill -9` of a count
leaves no reader behind (the forkserver and the resource tracker then end by themselves, their
last client gone). Workers ignore Ctrl-C: the process that started them decides when to stop
(the count stops cleanly between sheets) and shuts the pool down.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def safe_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["scanner.interpret", "cv2", "numpy"])
        return ctx
    return multiprocessing.get_context("spawn")


def start_early() -> None:
    """Start the forkserver now (it imports the reader: OpenCV, NumPy), so that it does so on
    the other core while this process still prepares its work (the `scan` command opens the
    database meanwhile); the pool's workers then start at once. Nothing where there is no
    forkserver."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        safe_context()  # sets the modules the forkserver preloads
        forkserver.ensure_running()


def process_pool(
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers never inherit the caller's threads, ignore Ctrl-C
    and exit when the caller dies."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=safe_context(),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def watch_parent(pid: int, poll: float = 1.0) -> threading.Thread:
    """Exit this process as soon as process `pid` is gone (a daemon thread watches it)."""
    try:
        handle: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        handle = None

    def run() -> None:
        if handle is not None:
            select.select([handle], [], [])  # readable once the process has ended
        else:
            while _alive(pid):
                time.sleep(poll)
        os._exit(1)

    thread = threading.Thread(target=run, name="parent-watch", daemon=True)
    thread.start()
    return thread


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
