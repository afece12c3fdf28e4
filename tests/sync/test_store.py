"""The server store's writes: staged inside `with store.writing():`, written on leaving the block,
rolled back on an error, impossible outside it. On a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from sync.core.apply import apply_batch
from sync.core.protocol import PROTOCOL_VERSION, Change, PushRequest, RecordState
from sync.core.tables import Role
from sync.server import db_url_for
from sync.server.store import SqlStore, open_engine, transaction
from tests.helpers.postgres import new_database


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        url = new_database(request.getfixturevalue("postgres"))
    else:
        url = db_url_for(tmp_path)
    opened = open_engine(url)
    yield opened
    opened.dispose()


def stored(engine: Engine) -> dict[str, dict[str, object]]:
    with transaction(engine, read_only=True) as session:
        records, _more = SqlStore(session).since(0, 100_000)
    return {record.record_id: record.values for record in records}


def test_writes_land_on_leaving_the_block_and_commit_with_the_transaction(engine: Engine) -> None:
    with transaction(engine) as session, SqlStore(session).writing() as store:
        first = store.put("idea", "i1", {"title": "Bancs"}, {"title": 1})
        second = store.put("idea", "i2", {"title": "Arbres"}, {"title": 1})
        assert store.get("idea", "i1") == first  # read back while staged
    assert stored(engine) == {"i1": {"title": "Bancs"}, "i2": {"title": "Arbres"}}
    assert second.seq == first.seq + 1
    with transaction(engine) as session, SqlStore(session).writing([("idea", "i1")]) as store:
        held = store.get("idea", "i1")
        assert held is not None and held.values == {"title": "Bancs"}
        store.put("idea", "i1", {"title": "Bancs verts"}, {"title": 2})
    assert stored(engine)["i1"] == {"title": "Bancs verts"}


def test_an_error_inside_the_block_rolls_back_what_it_wrote_and_staged(engine: Engine) -> None:
    with transaction(engine) as session:
        with pytest.raises(ZeroDivisionError):
            with SqlStore(session).writing() as store:
                store.put("idea", "lost", {"title": "x"}, {"title": 1})
                apply_batch(  # writes the staged record and the batch's reply (mid-block)
                    store,
                    "dev1",
                    Role.CONSULTANT,
                    PushRequest(
                        protocol=PROTOCOL_VERSION,
                        batch_id="b1",
                        changes=[
                            Change(
                                change_id="c1",
                                table="idea",
                                record_id="i9",
                                kind="edit",
                                fields={"title": "y"},
                            )
                        ],
                    ),
                )
                _ = 1 / 0
        with SqlStore(session).writing() as store:  # the same transaction goes on
            assert store.get("idea", "lost") is None and store.get("idea", "i9") is None
            assert store.get_batch("dev1", "b1") is None
            store.put("idea", "kept", {"title": "z"}, {"title": 1})
    assert stored(engine) == {"kept": {"title": "z"}}


def test_a_put_outside_the_block_is_refused(engine: Engine) -> None:
    with transaction(engine) as session:
        store = SqlStore(session)
        with pytest.raises(RuntimeError, match="writing"):
            store.put("idea", "i1", {"title": "x"}, {"title": 1})
    assert stored(engine) == {}


def test_a_pull_page_written_from_the_stored_json_holds_the_same_records(engine: Engine) -> None:
    values = {"title": "Jardin « partagé » ✓", "votes": 3, "tags": ["a", "é"], "_deleted": False}
    with transaction(engine) as session, SqlStore(session).writing() as store:
        store.put("idea", "i1", values, {name: 1 for name in values})
        store.put("sync_flag", "f1", {"kind": "duplicate_serial"}, {"kind": 1})
        store.put("idea", "i2", {"title": 'a "quoted" \\ back'}, {"title": 4})
    with transaction(engine, read_only=True) as session:
        store = SqlStore(session)
        states, more = store.since(0, 2)
        texts, cursor, more_json = store.since_json(0, 2, lambda table: table == "idea")
        assert (cursor, more_json) == (states[-1].seq, more) == (states[-1].seq, True)
        assert [RecordState.model_validate_json(text) for text in texts] == [states[0]]
        texts, cursor, more_json = store.since_json(cursor, 2, lambda table: True)
        assert [RecordState.model_validate_json(t) for t in texts] == store.since(
            states[-1].seq, 2
        )[0]
        assert not more_json
