"""The garbage collector during a sync: young generations only, between batches and pages.

A big sync keeps its records alive for a while (a pull applies 100,000 states at once), and
CPython's full collections walk every live object each time: about a fifth of a laptop's time in
a push or a pull of 100,000 changes (docs/benchmarks.md, "Sync"). While a sync runs, automatic
collection is paused and the young generations are collected after each batch and page
(`collect_young`), which reclaims the short-lived cycles a batch leaves (sessions, results)
without walking the records kept. The first full collection after the sync finds the rest.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0  # syncs running now (two laptops' data folders can sync in one process)
_was_enabled = True  # automatic collection before the first of them


@contextmanager
def young_collections() -> Iterator[None]:
    """Pause automatic collection for the block (nested or in several threads: resumed by the
    last one out, and only if it was on before the first)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def collect_young() -> None:
    """Collect the two young generations (what one batch or page left), not the old one."""
    gc.collect(1)
