"""The garbage collector during a sync (sync/client/collector.py) and in the server process.

Full collections walk every live object; a big sync keeps 100,000 records alive, so the laptop
collects only the young generations while it syncs, and the server puts its modules out of the
collector's sight at start-up (`gc.freeze`). Both save about a fifth of the time of a push or a
pull of 100,000 changes (benchmarks/bench_sync.py)."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

import pytest

from sync.client import sync_once
from sync.client.collector import collect_young, young_collections
from sync.client.http import Transport
from sync.core.errors import SyncError
from sync.core.tables import Role
from tests.sync.conftest import Server
from ui.cli import main


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_automatic_collection_is_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    with young_collections():
        assert not gc.isenabled()
        with young_collections():  # nested: still paused when the inner one ends
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), young_collections():
        raise RuntimeError("a failed sync")
    assert gc.isenabled()  # resumed after an error too


def test_two_syncs_in_two_threads_resume_it_once_both_are_done() -> None:
    first_in, second_out, states = threading.Event(), threading.Event(), []

    def first() -> None:
        with young_collections():
            first_in.set()
            second_out.wait(10)
            states.append(gc.isenabled())  # the other one ended: still paused for this one

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with young_collections():
        pass
    second_out.set()
    thread.join(10)
    assert states == [False] and gc.isenabled()


def test_it_stays_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with young_collections():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collect_young_frees_a_batch_cycle_while_paused() -> None:
    with young_collections():
        gc.collect()  # start from empty young generations
        node = Node()
        alive = weakref.ref(node)
        del node
        assert alive() is not None  # not collected automatically: paused
        collect_young()
        assert alive() is None


def test_a_sync_runs_with_the_collector_paused_and_resumes_it(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    post = Transport.post

    def spy(self: Transport, path: str, body: object, reply_type: type) -> object:
        seen.append(gc.isenabled())
        return post(self, path, body, reply_type)  # type: ignore[arg-type]

    monkeypatch.setattr(Transport, "post", spy)
    sync_once(tmp_path / "a", server=server.url, code=server.code(Role.FIELD))
    assert seen and not any(seen)  # every request of the sync: paused
    assert gc.isenabled()
    with pytest.raises(SyncError):  # a laptop never enrolled: a French message, and resumed
        sync_once(tmp_path / "b")
    assert gc.isenabled()


def test_the_server_freezes_what_it_built_before_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    import sync.server.public.retention as retention

    frozen: list[int] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: frozen.append(gc.get_freeze_count()))
    monkeypatch.setattr(retention, "start_daily", lambda engine: threading.Event())
    try:
        assert main(["serve", "--data-dir", str(tmp_path / "server"), "--port", "0"]) == 0
    finally:
        gc.unfreeze()
    assert frozen and frozen[0] > 10_000  # the modules and the app: out of the collector's walk
