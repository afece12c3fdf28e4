"""Migrations: from nothing, from the previous revision, backups, and refusals."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.errors import StorageError
from app.paths import database_path
from app.services import open_services
from app.storage.db import alembic_config, head_revision, make_engine, quick_head_revision
from app.storage.tables import Base


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _upgrade(path: Path, target: str) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    engine.dispose()


def test_upgrade_from_empty_database_matches_the_models(tmp_path):
    services = open_services(tmp_path)
    with services.db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() == head_revision()
        assert compare_metadata(ctx, Base.metadata) == []
    services.close()


def test_upgrade_from_previous_revision_keeps_data_and_backs_up(tmp_path):
    revisions = _revisions()
    assert len(revisions) >= 2
    path = database_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    _upgrade(path, revisions[-2])
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO campaign (id, name, organiser, description, rules_text, short_code, timezone, "
        "secret_key, themes, created_at, updated_at, device_id) VALUES ('c1', 'Ancienne campagne', "
        "'', '', '', 'OLD', 'Europe/Paris', x'00', '[]', '2026-01-01T00:00:00.000000+00:00', "
        "'2026-01-01T00:00:00.000000+00:00', 'dev')"
    )
    conn.commit()
    conn.close()
    with open_services(tmp_path) as services:
        assert [c.name for c in services.campaigns.list_campaigns()] == ["Ancienne campagne"]
        assert services.db.backup_path is not None and services.db.backup_path.exists()
        backup = sqlite3.connect(services.db.backup_path)
        version = backup.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        backup.close()
        assert version == revisions[-2]


def test_no_backup_when_nothing_to_migrate(tmp_path):
    open_services(tmp_path).close()
    services = open_services(tmp_path)
    assert services.db.backup_path is None
    services.close()


def test_newer_database_is_refused_and_untouched(tmp_path):
    open_services(tmp_path).close()
    path = database_path(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="version plus récente"):
        open_services(tmp_path)
    assert path.read_bytes() == before


def test_corrupt_database_is_refused_and_untouched(tmp_path):
    path = database_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    path.write_bytes(b"this is not a database" * 500)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="endommagé"):
        open_services(tmp_path)
    assert path.read_bytes() == before


def test_damaged_pages_are_refused(tmp_path):
    services = open_services(tmp_path)
    services.close()
    path = database_path(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 6)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError):
        open_services(tmp_path)


def test_foreign_sqlite_database_is_refused(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    conn = sqlite3.connect(database_path(tmp_path))
    conn.execute("CREATE TABLE recettes (nom TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="pas une base BP Terrain"):
        open_services(tmp_path)


def test_the_head_read_without_alembic_is_alembics_head():
    assert quick_head_revision() == head_revision() == _revisions()[-1]


def test_a_store_at_the_head_opens_without_loading_alembic(migrated_dir):
    """Alembic (and Mako) load only when a migration is pending: a command starts faster."""
    script = (
        "import sys; from pathlib import Path; from app.storage.db import open_database; "
        "open_database(Path(sys.argv[1])).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(migrated_dir)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    empty = migrated_dir.parent / "empty"
    done = subprocess.run(
        [sys.executable, "-c", script, str(empty)], capture_output=True, text=True
    )
    assert "'alembic'" in done.stdout  # a new store is migrated by Alembic


def test_0007_moves_the_poster_times_onto_the_residence_and_queues_what_must_travel(tmp_path):
    """The poster's voting times left `local_meta` (which never syncs) for the residence; the
    residences that had some and the batches printed here are queued for the next sync."""
    path = database_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    _upgrade(path, "0006_interop")
    stamp = "'2026-01-01T00:00:00.000000+00:00'"
    conn = sqlite3.connect(path)
    conn.executescript(
        "INSERT INTO campaign (id, name, organiser, description, rules_text, short_code, "
        "timezone, secret_key, themes, created_at, updated_at, device_id) VALUES ('c1', 'C', '', "
        f"'', '', 'C', 'Europe/Paris', x'00', '[]', {stamp}, {stamp}, 'dev');"
        "INSERT INTO residence (id, campaign_id, name, address, dwellings, budget_cents, "
        f"created_at, updated_at, device_id) VALUES ('r1', 'c1', 'Les Pins', '', 4, 0, {stamp}, "
        f"{stamp}, 'dev'), ('r2', 'c1', 'Les Ifs', '', 4, 0, {stamp}, {stamp}, 'dev');"
        "INSERT INTO local_meta (key, value) VALUES "
        "('vote_sessions:r1', '12/03/2027 17:00-19:00 Salle commune'), "
        "('poster_contact:r1', 'Mme Durand'), ('vote_sessions:gone', 'x'), "
        "('active_campaign', 'c1');"
        "INSERT INTO ballot_style (id, campaign_id, residence_id, style_index, name, language, "
        "large_print, project_order, rule_kind, project_ids, created_at, updated_at, device_id) "
        f"VALUES ('s1', 'c1', 'r1', 1, 'S', 'fr', 0, 'fixed', 'approval', '[]', {stamp}, "
        f"{stamp}, 'dev');"
        "INSERT INTO print_batch (id, campaign_id, residence_id, style_id, batch_number, count, "
        "mode, with_serials, template_hash, layout_json, merkle_root, kind, created_at, "
        f"updated_at, device_id) VALUES ('b1', 'c1', 'r1', 's1', 1, 1, 'live', 1, 'h', '{{}}', "
        f"'', 'ballots', {stamp}, {stamp}, 'dev');"
        "INSERT INTO issued_serial (serial_hash, batch_id) VALUES ('aa', 'b1');"
    )
    conn.commit()
    conn.close()
    services = open_services(tmp_path)
    try:
        assert services.ballots.vote_sessions_text("r1") == "12/03/2027 17:00-19:00 Salle commune"
        assert services.ballots.poster_contact_text("r1") == "Mme Durand"
        assert services.ballots.vote_sessions_text("r2") == ""
        with services.db.engine.connect() as conn:
            keys = {row[0] for row in conn.exec_driver_sql("SELECT key FROM local_meta")}
            queued = set(conn.exec_driver_sql("SELECT table_name, record_id FROM pending_change"))
        assert not any(k.startswith(("vote_sessions:", "poster_contact:")) for k in keys)
        assert "active_campaign" in keys
        # (and 0008 queues the campaign, whose key check value now travels)
        assert queued == {("residence", "r1"), ("print_batch", "b1"), ("campaign", "c1")}
    finally:
        services.close()


def test_0008_fills_the_key_check_and_the_file_hashes_and_queues_them(tmp_path):
    """The campaigns whose key this laptop holds get their key check value; the projects and
    survey forms whose file is in the data folder get its SHA-256; all are queued for sync."""
    import hashlib

    from app.domain.keycheck import key_check

    path = database_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    _upgrade(path, "0007_permanences")
    (tmp_path / "pictures").mkdir()
    picture = b"\xff\xd8 a picture"
    (tmp_path / "pictures" / "p1.jpg").write_bytes(picture)
    stamp = "'2026-01-01T00:00:00.000000+00:00'"
    key = bytes(range(32))
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO campaign (id, name, organiser, description, rules_text, short_code, "
        "timezone, secret_key, themes, created_at, updated_at, device_id) VALUES (?, 'C', '', "
        f"'', '', 'C', 'Europe/Paris', ?, '[]', {stamp}, {stamp}, 'dev')",
        ("c1", key),
    )
    conn.execute(
        "INSERT INTO campaign (id, name, organiser, description, rules_text, short_code, "
        "timezone, secret_key, themes, created_at, updated_at, device_id) VALUES (?, 'D', '', "
        f"'', '', 'D', 'Europe/Paris', ?, '[]', {stamp}, {stamp}, 'dev')",
        ("c2", b""),  # pulled from the server, key not received: nothing to check
    )
    conn.executescript(
        "INSERT INTO residence (id, campaign_id, name, address, dwellings, budget_cents, "
        f"created_at, updated_at, device_id) VALUES ('r1', 'c1', 'Les Pins', '', 4, 0, {stamp}, "
        f"{stamp}, 'dev');"
        "INSERT INTO project (id, campaign_id, residence_id, number, title, short_description, "
        "long_description, theme, status, picture_path, source_id, created_at, updated_at, "
        "device_id) VALUES ('p1', 'c1', 'r1', 1, 'P', '', '', '', 'draft', 'pictures/p1.jpg', "
        f"'', {stamp}, {stamp}, 'dev'), ('p2', 'c1', 'r1', 2, 'Q', '', '', '', 'draft', "
        f"'pictures/gone.jpg', '', {stamp}, {stamp}, 'dev');"
    )
    conn.commit()
    conn.close()
    services = open_services(tmp_path)
    try:
        with services.db.engine.connect() as conn:
            checks = {
                r[0]: r[1] for r in conn.exec_driver_sql("SELECT id, key_check FROM campaign")
            }
            hashes = {
                r[0]: r[1] for r in conn.exec_driver_sql("SELECT id, picture_sha256 FROM project")
            }
            queued = set(conn.exec_driver_sql("SELECT table_name, record_id FROM pending_change"))
        assert checks == {"c1": key_check(key), "c2": ""}
        assert hashes == {"p1": hashlib.sha256(picture).hexdigest(), "p2": ""}
        assert queued == {("campaign", "c1"), ("project", "p1")}
    finally:
        services.close()


def test_a_table_rebuilt_by_a_migration_keeps_the_rows_that_point_at_it(tmp_path):
    """0008 rebuilds `project` (SQLite cannot drop a constraint in place); an idea that became a
    project points at it, so the rebuild must not run with foreign keys on (the old table's drop
    would be refused, and the laptop could not open its data: found on a demo made before)."""
    path = database_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    _upgrade(path, "0007_permanences")
    stamp = "'2026-01-01T00:00:00.000000+00:00'"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(
        "INSERT INTO campaign (id, name, organiser, description, rules_text, short_code, "
        "timezone, secret_key, themes, created_at, updated_at, device_id) VALUES ('c1', 'C', '', "
        f"'', '', 'C', 'Europe/Paris', x'00', '[]', {stamp}, {stamp}, 'dev');"
        "INSERT INTO residence (id, campaign_id, name, address, dwellings, budget_cents, "
        f"created_at, updated_at, device_id) VALUES ('r1', 'c1', 'Les Pins', '', 4, 0, {stamp}, "
        f"{stamp}, 'dev');"
        "INSERT INTO project (id, campaign_id, residence_id, number, title, short_description, "
        "long_description, theme, status, picture_path, source_id, created_at, updated_at, "
        f"device_id) VALUES ('p1', 'c1', 'r1', 1, 'Bancs', '', '', '', 'draft', '', '', {stamp}, "
        f"{stamp}, 'dev');"
        "INSERT INTO idea (id, campaign_id, residence_id, title, description, theme, location, "
        f"project_id, created_at, updated_at, device_id) VALUES ('i1', 'c1', 'r1', 'Des bancs', "
        f"'', '', '', 'p1', {stamp}, {stamp}, 'dev');"
    )
    conn.commit()
    conn.close()
    services = open_services(tmp_path)
    try:
        with services.db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT id, title FROM project").fetchall() == [
                ("p1", "Bancs")
            ]
            assert conn.exec_driver_sql("SELECT id, project_id FROM idea").fetchall() == [
                ("i1", "p1")
            ]
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        services.close()
