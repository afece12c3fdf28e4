"""An officer's laptop with a real count (printed ballots, read, audit chain) syncs to the server
and to a consultant's laptop: the server accepts the whole audit chain, and both laptops give the
same `status --json` figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.core.tables import Role
from tests.sync.conftest import start_server, stop_server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_a_real_count_travels_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    officer, consultant = tmp_path / "officer", tmp_path / "consultant"
    assert main(["demo", "--with-count", "--data-dir", str(officer)]) == 0
    capsys.readouterr()
    server = start_server(tmp_path / "server")
    try:
        sent = cli(capsys, "sync", "--data-dir", str(officer), "--server", server.url,
                   "--code", server.code(Role.OFFICER))  # fmt: skip
        got = cli(capsys, "sync", "--data-dir", str(consultant), "--server", server.url,
                  "--code", server.code(Role.CONSULTANT))  # fmt: skip
        scans = _server_scans(server.db_url)
    finally:
        stop_server(server)
    # the officer's scans are on the server (a backup of the count), checked against their
    # hashes; the consultant's laptop did not fetch them (nor would a field laptop)
    from app.services.counting.store import find_image
    from app.services.files import sha256_file

    expected = _sheet_images(officer)
    assert expected and scans == expected
    assert sent["files_sent"] >= len(expected) and sent["problems"] == []
    for sha in expected:
        assert sha256_file(find_image(officer, sha)) == sha  # type: ignore[arg-type]
    assert find_image(consultant, next(iter(expected))) is None
    assert not (consultant / "count").exists()
    # the officer's signing key never leaves the officer's laptop; its public key does
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from app.domain.signing import load_or_create_key
    from app.services.counting.keys import keys_dir
    from app.services.demo.count import DEMO_PASSPHRASE

    [key_file] = list(keys_dir(officer).glob("*.key.pem"))
    private, created = load_or_create_key(key_file, DEMO_PASSPHRASE)
    assert not created
    raw = private.private_bytes_raw()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    blob = b"".join(f.read_bytes() for f in (tmp_path / "server").iterdir() if f.is_file())
    assert public.hex().encode() in blob
    for secret in (raw, raw.hex().encode(), raw.hex().upper().encode(), key_file.read_bytes()):
        assert secret not in blob
    assert sent["refused"] == 0 and sent["sent"] > 0
    assert got["received"] == sent["sent"]
    status = [cli(capsys, "status", "--data-dir", str(folder)) for folder in (officer, consultant)]
    for figures in status:
        figures.pop("last_sync")
    assert status[0] == status[1]
    assert status[0]["sheets_counted"] > 0 and status[0]["pending_sync_changes"] == 0
    # ballot secrecy: the count's records keep the hour only on the receiving laptop too
    from sqlalchemy import text

    from app.storage.db import open_database

    db = open_database(consultant)
    with db.engine.connect() as connection:
        times = [
            value
            for table in ("count_sheet", "count_decision", "count_audit")
            for row in connection.execute(text(f"SELECT created_at, updated_at FROM {table}"))
            for value in row
        ]
    db.close()
    assert times and all(value[14:26] == "00:00.000000" for value in times), times[:4]


def _sheet_images(folder: Path) -> set[str]:
    from sqlalchemy import text

    from app.storage.db import open_database

    db = open_database(folder)
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT DISTINCT image_sha256 FROM count_sheet"))
            return {row[0] for row in rows if not row[0].startswith("hand:")}
    finally:
        db.close()


def _server_scans(db_url: str) -> set[str]:
    from sqlalchemy import select

    from sync.server.files import ServerFile
    from sync.server.store import open_engine, transaction

    engine = open_engine(db_url)
    try:
        with transaction(engine) as session:
            rows = session.execute(select(ServerFile.sha256, ServerFile.kind)).all()
    finally:
        engine.dispose()
    return {sha for sha, kind in rows if kind == "scan"}
