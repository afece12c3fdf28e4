"""Faults between a laptop and the server: a reply lost after the server committed, a server
killed with kill -9. Afterwards nothing acknowledged is lost, nothing is doubled, the next sync
converges."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from sync.client.http import Transport
from sync.core.errors import SyncUnavailable
from sync.core.tables import Role
from tests.sync.conftest import Server, start_server, stop_server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def residences(folder: Path) -> dict[str, int]:
    with open_services(folder) as services:
        return {r.name: r.dwellings for r in services.campaigns.list_residences()}


def two_laptops(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path, str]:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a = open_services(a_dir)
    campaign = a.campaigns.create_campaign(CampaignInput(name="BP Pannes", short_code="PAN"))
    residence = a.campaigns.add_residence("Les Cèdres", dwellings=30, campaign_id=campaign.id)
    a.close()
    for folder, role in ((a_dir, Role.CONSULTANT), (b_dir, Role.FIELD)):
        cli(capsys, "sync", "--data-dir", str(folder), "--server", server.url, "--code",
            server.code(role))  # fmt: skip
    return a_dir, b_dir, residence.id


def test_a_reply_lost_after_the_server_committed(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    a_dir, b_dir, residence_id = two_laptops(server, tmp_path, capsys)
    a = open_services(a_dir)
    a.campaigns.update_residence(residence_id, name="Les Cèdres", dwellings=31)
    a.campaigns.add_residence("Les Ormes", dwellings=8)
    a.close()
    b = open_services(b_dir)
    b.campaigns.update_residence(residence_id, name="Les Cèdres", dwellings=32)
    b.close()
    cli(capsys, "sync", "--data-dir", str(a_dir))

    real_post = Transport.post
    lost: list[str] = []

    def post_then_lose_the_reply(self: Transport, path: str, body: Any, reply_type: Any) -> Any:
        reply = real_post(self, path, body, reply_type)  # the server has committed
        if path == "/v1/push" and not lost:
            lost.append(path)
            raise SyncUnavailable("réponse perdue")
        return reply

    monkeypatch.setattr(Transport, "post", post_then_lose_the_reply)
    assert main(["sync", "--data-dir", str(b_dir)]) == 2
    capsys.readouterr()
    monkeypatch.setattr(Transport, "post", real_post)
    report = cli(capsys, "sync", "--data-dir", str(b_dir))
    # the same batch again: the server replays the reply it stored (the clash recorded the first
    # time, once), which is how this laptop learns of it
    assert report["new_conflicts"] == 1
    assert len(report["conflicts"]) == 1
    cli(capsys, "sync", "--data-dir", str(a_dir))
    assert residences(a_dir) == residences(b_dir) == {"Les Cèdres": 31, "Les Ormes": 8}
    status_a = cli(capsys, "status", "--data-dir", str(a_dir))
    status_b = cli(capsys, "status", "--data-dir", str(b_dir))
    assert status_a["conflicts"] == status_b["conflicts"] == 1
    assert status_a["pending_sync_changes"] == status_b["pending_sync_changes"] == 0


def test_a_server_killed_with_kill_9_loses_nothing_it_acknowledged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = start_server(tmp_path / "server")
    try:
        a_dir, b_dir, residence_id = two_laptops(server, tmp_path, capsys)
        a = open_services(a_dir)
        a.campaigns.add_residence("Les Frênes", dwellings=9)
        a.close()
        cli(capsys, "sync", "--data-dir", str(a_dir))  # acknowledged
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        b = open_services(b_dir)
        b.campaigns.update_residence(residence_id, name="Les Cèdres", dwellings=33)
        b.close()
        assert main(["sync", "--data-dir", str(b_dir)]) == 2
        assert "ne répond pas" in capsys.readouterr().err
        server = start_server(tmp_path / "server")  # same database, a new port
        for folder in (a_dir, b_dir):
            _point_to(folder, server.url)
        cli(capsys, "sync", "--data-dir", str(b_dir))
        cli(capsys, "sync", "--data-dir", str(a_dir))
        expected = {"Les Cèdres": 33, "Les Frênes": 9}
        assert residences(a_dir) == residences(b_dir) == expected
    finally:
        stop_server(server)


def _point_to(folder: Path, url: str) -> None:
    from app.storage.db import open_database
    from app.storage.tables import LocalMeta

    db = open_database(folder)
    with db.sessions() as session, session.begin():
        session.merge(LocalMeta(key="sync_server", value=url))
    db.close()
