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
from sync.core.errors import SyncError
from sync.core.protocol import RecordState


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
