"""`bp-terrain` that kills itself with SIGKILL at a named point of a sync (a laptop killed mid-sync).

    BP_TERRAIN_FAULT_POINT=mid_acknowledge python -m tests.helpers.killpoint sync --data-dir D

The point is read from the environment variable; the process then dies with kill -9 (no cleanup,
no rollback by Python, the SQLite journal is all that is left) the first time it reaches it. A
point the sync never reaches (nothing to push) lets the command finish normally.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from sync.client.http import Transport
from sync.client.local import LocalStore

POINTS = (
    "after_push_committed",  # the server committed the batch; the laptop never saw the reply
    "mid_acknowledge",  # inside the transaction that applies the reply and clears the outbox
    "after_acknowledge",  # the outbox is cleared, nothing pulled yet
    "after_first_pull_page",  # a page is received, nothing applied
    "after_stash",  # a pulled page and the cursor past it are kept in the inbox, not applied
    "mid_apply_inbox",  # inside the transaction that applies the pulled records
    "before_mark_synced",  # everything applied, `last_sync` not written yet
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _after(owner: Any, name: str, when: Callable[..., bool] = lambda *a: True) -> None:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if when(*args):
            die()
        return result

    setattr(owner, name, wrapper)


def _inside(outer: str) -> None:
    """Die once the first applied records are written inside `LocalStore.<outer>` (its writes are
    staged and written at once, and the shadows of the records a push created are written in
    one statement: mid-transaction, before the commit)."""
    original_outer = getattr(LocalStore, outer)
    inside = [False]

    def outer_wrapper(*args: Any, **kwargs: Any) -> Any:
        inside[0] = True
        return original_outer(*args, **kwargs)

    def dying(name: str) -> None:
        original = getattr(LocalStore, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if inside[0]:
                die()
            return result

        setattr(LocalStore, name, wrapper)

    setattr(LocalStore, outer, outer_wrapper)
    dying("_flush_staged")
    dying("_take_created")


def install(point: str) -> None:
    if point not in POINTS:
        raise SystemExit(f"unknown fault point {point!r}; known: {', '.join(POINTS)}")
    if point == "after_push_committed":
        _after(Transport, "post", lambda _self, path, *_: path == "/v1/push")
    elif point == "after_first_pull_page":
        _after(Transport, "post", lambda _self, path, *_: path == "/v1/pull")
    elif point == "mid_acknowledge":
        _inside("acknowledge")
    elif point == "after_acknowledge":
        _after(LocalStore, "acknowledge")
    elif point == "after_stash":
        _after(LocalStore, "stash")
    elif point == "mid_apply_inbox":
        _inside("apply_inbox")
    elif point == "before_mark_synced":
        LocalStore.mark_synced = lambda self: die()  # type: ignore[assignment,method-assign,misc,return-value]


def main() -> int:
    from ui.cli import main as cli_main

    point = os.environ.get("BP_TERRAIN_FAULT_POINT")
    if point:
        install(point)
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
