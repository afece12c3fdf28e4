"""Issue 9, finding 8: what the count stores and publishes says nothing about when or in what
order a ballot was scanned (a sign-in sheet gives each voter's time and order)."""

from __future__ import annotations

import json
import sqlite3
import uuid
import zipfile
from pathlib import Path

from app.paths import database_path
from app.services import open_services
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck, stored

SHEET_EVENTS = {
    "sheet_ingested", "sheet_interpreted", "sheet_rejected", "duplicate_serial",
    "hand_keyed_ballot", "decision",
}  # fmt: skip


def test_sheets_keep_no_file_name_no_exact_time_and_the_log_no_scan_order(tmp_path):
    with open_services(tmp_path / "data") as services:
        setup = make_setup(services)
        deck = print_deck(setup, [[i % 4] for i in range(8)], tmp_path / "scans")
        renamed = []
        for i, path in enumerate(deck.files):  # names as a scanner writes them: a time each
            target = path.with_name(f"scan_20270115_1432{i:02d}.png")
            path.rename(target)
            renamed.append(target)
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
        )
        report = services.counting.ingest(session.id, renamed, workers=1)
        # the officer's report follows the files as given, under their own names
        assert [r.file_name for r in report.recorded] == [p.name for p in renamed]
        hand = services.counting.hand_key(session.id, [setup.project_ids[0]], "déchiré")
        services.counting.close_batch(session.id, PASSPHRASE)
        services.counting.seal(session.id, PASSPHRASE)
        bundle = services.counting.export_bundle(session.id, tmp_path / "paquet.zip")

    conn = sqlite3.connect(database_path(tmp_path / "data"))
    try:
        names = [r[0] for r in conn.execute("SELECT file_name FROM count_sheet")]
        assert sorted(n for n in names if n) == sorted(stored(p) for p in renamed)
        assert not any("2027" in n for n in names)
        for table in ("count_sheet", "count_audit"):
            for created, updated in conn.execute(f"SELECT created_at, updated_at FROM {table}"):
                assert created[13:26] == ":00:00.000000" and updated[13:26] == ":00:00.000000"
        changed = conn.execute(
            "SELECT changed_at FROM pending_change WHERE table_name IN "
            "('count_sheet', 'count_audit')"
        ).fetchall()
        assert changed and all(c[0][13:26] == ":00:00.000000" for c in changed)
        ids = [r[0] for r in conn.execute("SELECT id FROM count_sheet")]
        assert hand in ids and all(uuid.UUID(i).version == 4 for i in ids)
    finally:
        conn.close()

    log = [json.loads(line) for line in zipfile.ZipFile(bundle).read("log.jsonl").splitlines()]
    opened = log[0]["time"]
    for entry in log:
        if entry["event"] in SHEET_EVENTS:
            # the hour only, or an earlier entry's time (times never go backwards)
            assert entry["time"][13:] == ":00:00.000000Z" or entry["time"] in {
                e["time"] for e in log if e["seq"] < entry["seq"]
            }
            assert entry["time"] >= opened[:13]
    # the log's order is not the order the files were given (8! orders, drawn at random)
    shas = {p.name: json.loads(_reading(tmp_path, stored(p)))["file_sha256"] for p in renamed}
    logged = [e["payload"]["image_sha256"] for e in log if e["event"] == "sheet_ingested"]
    assert sorted(logged) == sorted(shas.values())
    assert logged != [shas[p.name] for p in renamed]


def _reading(tmp_path: Path, name: str) -> str:
    conn = sqlite3.connect(database_path(tmp_path / "data"))
    try:
        return conn.execute(
            "SELECT reading_json FROM count_sheet WHERE file_name = ?", (name,)
        ).fetchone()[0]
    finally:
        conn.close()


def test_migration_0005_removes_file_names_and_exact_times(tmp_path):
    from alembic import command

    from app.storage.db import alembic_config, make_engine

    path = database_path(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    engine = make_engine(path)
    with engine.begin() as conn:
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    engine.dispose()
    sha = "ab" * 32
    exact = "2027-01-15T14:32:07.123456+00:00"
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO count_sheet (id, session_id, image_sha256, file_name, page, source, status, "
        "reasons, template_hash, style_index, serial_hash, reading_json, reading_sha256, "
        "hand_keyed, choices, audit_seq, created_at, updated_at, device_id) VALUES ('s1', 'x', "
        f"'{sha}', 'scan_20270115_143207.PNG', 1, 'file', 'valid', '[]', NULL, NULL, NULL, '', "
        f"'', 0, '[]', 2, '{exact}', '{exact}', 'dev')"
    )
    conn.execute(
        "INSERT INTO count_audit (id, session_id, seq, event, entry, hash, prev_hash, "
        f"created_at, updated_at, device_id) VALUES ('a1', 'x', 1, 'session_opened', '{{}}', "
        f"'h', 'p', '{exact}', '{exact}', 'dev')"
    )
    conn.commit()
    conn.close()
    open_services(tmp_path).close()  # migrates to the head
    conn = sqlite3.connect(path)
    try:
        name, created = conn.execute("SELECT file_name, created_at FROM count_sheet").fetchone()
        assert name == sha + ".png"
        assert created == "2027-01-15T14:00:00.000000+00:00"
        audit = conn.execute("SELECT created_at, updated_at FROM count_audit").fetchone()
        assert audit == ("2027-01-15T14:00:00.000000+00:00",) * 2
        try:  # the audit rows are append-only again
            conn.execute("UPDATE count_audit SET seq = 2")
            raise AssertionError("count_audit accepted an update")
        except sqlite3.IntegrityError as error:
            assert "append-only" in str(error)
    finally:
        conn.close()
