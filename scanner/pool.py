"""Worker pools that are safe to start from any process, a Qt application included.

Forking a process that already runs threads (Qt's, OpenCV's own thread pool) can copy a lock
held by another thread into the child, which then waits forever: seen here with OpenCV. The
pools therefore start their workers from a clean "forkserver" process (spawn where fork is not
available), preloaded with the scanner so that each worker starts fast.
"""

from __future__ import annotations

import multiprocessing
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


def process_pool(
    workers: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers never inherit the caller's threads."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=safe_context(), initializer=initializer, initargs=initargs
    )
