"""The laptop applies server states in bulk (`LocalStore.apply_all`, staged writes): the rows and
shadows it writes, and a row the laptop's database refuses still named in the French message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.storage.db import open_database
from app.storage.tables import ResidenceRow, SyncShadow
from app.storage.uow import device_id
from sync.client.local import LocalStore
from sync.client.records import read_fields, synced_tables, to_fields
from sync.core.errors import SyncError
from sync.core.protocol import RecordState
from ui.cli import main


def laptop(folder: Path) -> str:
    services = open_services(folder)
    try:
        return services.campaigns.create_campaign(
            CampaignInput(name="BP Essai", short_code="ESSAI")
        ).id
    finally:
        services.close()


def residence(record_id: str, campaign: str, seq: int, **values: Any) -> RecordState:
    fields = {"campaign_id": campaign, "name": f"Résidence {record_id}", "address": "1 rue",
              "dwellings": 10, "budget_cents": 0, "_deleted": False, **values}  # fmt: skip
    return RecordState(
        table="residence", record_id=record_id, values=fields,
        versions={name: 1 for name in fields}, seq=seq,
    )  # fmt: skip


def test_states_are_written_at_once_and_a_record_met_twice_ends_as_its_last_state(
    tmp_path: Path,
) -> None:
    campaign = laptop(tmp_path)
    db = open_database(tmp_path)
    try:
        store = LocalStore(db, device_id(db))
        states = [residence(f"r{n}", campaign, 10 + n) for n in range(5)]
        states.append(residence("r2", campaign, 20, name="Les Tilleuls", dwellings=42))
        with db.sessions() as session, session.begin():
            assert store.apply_all(session, states) == 6
        with db.sessions() as session, session.begin():  # the same states again: nothing new
            assert store.apply_all(session, states) == 0
        with db.sessions() as session:
            rows = {r.id: r for r in session.scalars(select(ResidenceRow))}
            assert set(rows) == {f"r{n}" for n in range(5)}
            assert (rows["r2"].name, rows["r2"].dwellings) == ("Les Tilleuls", 42)
            assert rows["r1"].name == "Résidence r1"
            shadow = session.get(SyncShadow, ("residence", "r2"))
            assert shadow is not None and shadow.seq == 20
    finally:
        db.close()


@pytest.mark.parametrize("new", [True, False], ids=["new rows", "changed rows"])
def test_a_refused_row_is_named_and_nothing_is_applied(tmp_path: Path, new: bool) -> None:
    campaign = laptop(tmp_path)
    db = open_database(tmp_path)
    try:
        store = LocalStore(db, device_id(db))
        if not new:
            with db.sessions() as session, session.begin():
                store.apply_all(session, [residence(f"r{n}", campaign, 1 + n) for n in range(4)])
        states = [residence(f"r{n}", campaign, 10 + n, dwellings=11) for n in range(4)]
        states[2] = residence("r2", "no-such-campaign", 12)  # a foreign key the laptop refuses
        with pytest.raises(SyncError, match=r"« residence » r2 reçu du serveur"):
            with db.sessions() as session, session.begin():
                store.apply_all(session, states)
        with db.sessions() as session:  # the whole transaction rolled back
            count = session.scalar(select(func.count()).select_from(ResidenceRow))
            seqs = set(session.scalars(select(SyncShadow.seq)))
            assert count == (0 if new else 4)
            assert seqs == (set() if new else {1, 2, 3, 4})
    finally:
        db.close()


def test_rows_read_straight_from_the_driver_are_the_fields_sqlalchemy_gives(
    tmp_path: Path,
) -> None:
    """`read_fields` (the push's reader) agrees with `to_fields` on every synced table of a
    counted demo campaign, text in another form than the canonical one included."""
    folder = tmp_path / "demo"
    assert main(["demo", "--with-count", "--data-dir", str(folder)]) == 0
    db = open_database(folder)
    try:
        with db.sessions() as session, session.begin():
            first = session.scalars(select(ResidenceRow.id)).first()
            session.connection().exec_driver_sql(  # an older writer's form: no microseconds
                "UPDATE residence SET created_at = '2026-03-01T09:30:00+00:00' WHERE id = ?",
                (first,),
            )
        compared = 0
        with db.sessions() as session:
            for table in synced_tables().values():
                rows = session.execute(select(table)).mappings().all()
                ids = [row["id"] for row in rows][:400]
                fast = read_fields(session, table, ids)
                assert fast == {row["id"]: to_fields(table, row) for row in rows[:400]}
                compared += len(fast)
                for record_id, fields in fast.items():  # of one type, as SQLAlchemy's
                    slow = to_fields(table, next(r for r in rows if r["id"] == record_id))
                    assert [type(v) for v in fields.values()] == [type(v) for v in slow.values()]
        assert compared > 100
        with db.sessions() as session:
            residence_table = synced_tables()["residence"]
            fields = read_fields(session, residence_table, [first])[first]
            assert fields["created_at"] == "2026-03-01T09:30:00.000000+00:00"
    finally:
        db.close()
