"""`bp-terrain server enrol|devices|revoke` on a server data folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from sync.core.protocol import PROTOCOL_VERSION
from sync.server.store import open_engine
from tests.sync.conftest import Server
from ui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_enrol_devices_revoke(
    server: Server, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = server.admin_args()
    code, out, _err = run(capsys, "server", "enrol", *db, "--role", "officer")
    assert code == 0
    enrol_code = out.strip().splitlines()[-1]  # the code is on the last line
    body = {"protocol": PROTOCOL_VERSION, "code": enrol_code, "device_id": "cli-officer"}
    reply = httpx.post(f"{server.url}/v1/enrol", json=body)
    assert reply.status_code == 200 and reply.json()["role"] == "officer"
    token = reply.json()["token"]
    assert len(token) >= 40
    code, out, _err = run(capsys, "server", "devices", *db, "--json")
    [device] = [d for d in json.loads(out) if d["device_id"] == "cli-officer"]
    assert device["role"] == "officer" and device["revoked_at"] is None
    engine = open_engine(server.db_url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text("SELECT * FROM device"))]
    engine.dispose()
    stored = repr(rows)
    assert token not in stored  # only its hash is stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    code, out, _err = run(capsys, "server", "revoke", *db, "cli-officer")
    assert code == 0 and "révoqué" in out
    pull = {"protocol": PROTOCOL_VERSION, "cursor": 0}
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.post(f"{server.url}/v1/pull", json=pull, headers=headers).status_code == 401
    code, _out, err = run(capsys, "server", "revoke", *db, "nobody")
    assert code == 2 and "Aucun poste" in err


def test_a_newer_server_database_is_refused_untouched(tmp_path: Path) -> None:
    from sync.core.errors import SyncError

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE server_meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    before = (tmp_path / "server.sqlite3").read_bytes()
    with pytest.raises(SyncError, match="version plus récente"):
        open_engine(url)
    assert (tmp_path / "server.sqlite3").read_bytes() == before
