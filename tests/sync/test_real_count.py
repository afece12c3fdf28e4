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
    finally:
        stop_server(server)
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
