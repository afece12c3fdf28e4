"""The SQLite store: settings, sync metadata on every record, the sync outbox."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC

from sqlalchemy import text

from app.ids import new_id
from app.services.ideas import IdeaInput


def test_connection_settings(services):
    with services.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_ids_are_uuid7_and_time_ordered():
    ids = [new_id() for _ in range(2000)]
    assert all(uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_records_carry_sync_metadata(services, campaign, residence):
    idea = services.ideas.create_idea(IdeaInput(title="Bancs", residence_id=residence.id))
    assert idea.meta.created_at.tzinfo is not None
    assert idea.meta.created_at.utcoffset() == UTC.utcoffset(None)
    assert idea.meta.device_id == services.uow.device_id
    assert uuid.UUID(idea.meta.device_id).version == 7
    before = idea.meta.updated_at
    updated = services.ideas.update_idea(
        idea.id, IdeaInput(title="Bancs en bois", residence_id=residence.id)
    )
    assert updated.meta.updated_at > before
    assert updated.meta.created_at == idea.meta.created_at


def test_every_write_is_queued_for_sync(services, campaign, residence):
    start = services.status.campaign_status().pending_sync_changes
    idea = services.ideas.create_idea(IdeaInput(title="Bancs", residence_id=residence.id))
    services.ideas.delete_idea(idea.id)
    conn = sqlite3.connect(services.db.path)
    rows = conn.execute(
        "SELECT table_name, record_id, op FROM pending_change ORDER BY seq DESC LIMIT 2"
    ).fetchall()
    conn.close()
    assert rows == [("idea", idea.id, "delete"), ("idea", idea.id, "upsert")]
    assert services.status.campaign_status().pending_sync_changes == start + 2


def test_device_id_is_stable_across_openings(tmp_path):
    from app.services import open_services

    first = open_services(tmp_path)
    device = first.uow.device_id
    first.close()
    second = open_services(tmp_path)
    assert second.uow.device_id == device
    second.close()


def test_foreign_keys_are_enforced(services, campaign):
    conn = sqlite3.connect(services.db.path)
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        conn.execute(
            "INSERT INTO residence (id, campaign_id, name, address, dwellings, budget_cents, "
            "created_at, updated_at, device_id) VALUES ('x', 'missing', 'n', '', 0, 0, 't', 't', 'd')"
        )
        raised = False
    except sqlite3.IntegrityError:
        raised = True
    finally:
        conn.close()
    assert raised
