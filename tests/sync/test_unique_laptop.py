"""The laptop's side of unique keys (migration 0008_syncmerge) on a real data folder with a real
count (`demo --with-count`): a pulled sheet may repeat one of this laptop's image pages (the
server flags both); a pulled tombstone of a results rule or a project does not hold its key, a
pulled live duplicate still does (the server never sends one: `sync.core.unique`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from app.storage.db import Database, open_database
from app.storage.uow import device_id
from sync.client.local import LocalStore
from sync.client.records import synced_tables, to_fields
from sync.core.errors import SyncError
from sync.core.protocol import DELETED, RecordState
from ui.cli import main


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("officer")
    assert main(["demo", "--with-count", "--data-dir", str(folder)]) == 0
    return folder


@pytest.fixture
def db(counted: Path) -> Iterator[Database]:
    database = open_database(counted)
    yield database
    database.close()


def a_row(db: Database, table_name: str, where: str = "deleted_at IS NULL") -> dict[str, Any]:
    table = synced_tables()[table_name]
    with db.sessions() as session:
        row = session.execute(select(table).where(text(where)).limit(1)).mappings().first()
        assert row is not None, table_name
        return to_fields(table, row)


def pulled(db: Database, table: str, values: dict[str, Any]) -> str:
    """Apply one record as pulled from the server (new id); its id."""
    record_id = str(uuid.uuid4())
    state = RecordState(
        table=table,
        record_id=record_id,
        values=values,
        versions={name: 1 for name in values},
        seq=10**9 + len(values),
    )
    store = LocalStore(db, device_id(db))
    with db.sessions() as session, session.begin():
        store.apply_all(session, [state])
    return record_id


def count(db: Database, sql: str, **params: Any) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(sql), params).scalar_one())


def test_a_pulled_sheet_may_repeat_an_image_page_of_this_laptop(db: Database) -> None:
    mine = a_row(db, "count_sheet", "device_id <> 'server' AND image_sha256 NOT LIKE 'hand:%'")
    sql = (
        "SELECT count(*) FROM count_sheet WHERE session_id = :s AND image_sha256 = :i AND page = :p"
    )
    key = {"s": mine["session_id"], "i": mine["image_sha256"], "p": mine["page"]}
    assert count(db, sql, **key) == 1
    pulled(db, "count_sheet", mine)
    assert count(db, sql, **key) == 2
    # this laptop itself still cannot record one image page twice in a session
    columns = [c.name for c in synced_tables()["count_sheet"].c if c.name != "id"]
    names = ", ".join(columns)
    with db.engine.begin() as connection, pytest.raises(Exception, match="UNIQUE"):
        connection.execute(
            text(
                f"INSERT INTO count_sheet (id, {names}) SELECT :id, {names} FROM count_sheet "
                "WHERE device_id <> 'server' AND image_sha256 = :i AND page = :p "
                "AND session_id = :s"
            ),
            {"id": str(uuid.uuid4()), **key},
        )


def test_a_pulled_tombstone_frees_the_key_a_live_duplicate_does_not(db: Database) -> None:
    project = a_row(db, "project")
    pulled(db, "project", {**project, "title": "Doublon", DELETED: True})
    with pytest.raises(SyncError, match="project"):
        pulled(db, "project", {**project, "title": "Doublon vivant"})
    campaign = project["campaign_id"]
    rule = {"campaign_id": campaign, "rule": "mes", "threshold": 0, "lot_order": [],
            "options": {}, DELETED: False}  # fmt: skip
    live_rules = "SELECT count(*) FROM results_rule WHERE deleted_at IS NULL AND campaign_id = :c"
    assert count(db, live_rules, c=campaign) == 0  # the demo declares none
    pulled(db, "results_rule", {**rule, DELETED: True})
    pulled(db, "results_rule", rule)
    pulled(db, "results_rule", {**rule, "rule": "greedy", DELETED: True})
    with pytest.raises(SyncError, match="results_rule"):
        pulled(db, "results_rule", {**rule, "rule": "greedy"})
    assert count(db, live_rules, c=campaign) == 1
