"""Conflicts resolved on a consultant's laptop (`bp-terrain sync conflicts|resolve`), the
resolution reaching every laptop; and a laptop whose token expired, enrolled again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from sync.core.tables import Role
from tests.sync.conftest import Server
from tests.sync.test_server_auth import expire
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def dwellings(folder: Path) -> dict[str, int]:
    services = open_services(folder)
    try:
        return {r.name: r.dwellings for r in services.campaigns.list_residences()}
    finally:
        services.close()


def clash(folder_a: Path, folder_b: Path, residence_id: str, a: int, b: int) -> None:
    for folder, value in ((folder_a, a), (folder_b, b)):
        services = open_services(folder)
        residence = next(r for r in services.campaigns.list_residences() if r.id == residence_id)
        services.campaigns.update_residence(residence_id, name=residence.name, dwellings=value)
        services.close()


def test_a_consultant_resolves_and_every_laptop_follows(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir = tmp_path / "consultant", tmp_path / "field"
    a = open_services(a_dir)
    campaign = a.campaigns.create_campaign(CampaignInput(name="BP Les Hauts", short_code="HAUTS"))
    pins = a.campaigns.add_residence("Les Pins", dwellings=10, campaign_id=campaign.id)
    a.close()
    cli(capsys, "sync", "--data-dir", str(a_dir), "--server", server.url, "--code",
        server.code(Role.CONSULTANT))  # fmt: skip
    cli(capsys, "sync", "--data-dir", str(b_dir), "--server", server.url, "--code",
        server.code(Role.FIELD))  # fmt: skip

    # 1. A wrote 11 first, B's 13 clashes: the consultant keeps B's value ("theirs" for A)
    clash(a_dir, b_dir, pins.id, 11, 13)
    cli(capsys, "sync", "--data-dir", str(a_dir))
    cli(capsys, "sync", "--data-dir", str(b_dir))
    cli(capsys, "sync", "--data-dir", str(a_dir))
    [conflict] = cli(capsys, "sync", "conflicts", "--data-dir", str(a_dir))  # type: ignore[misc]
    assert (conflict["kept_value"], conflict["other_value"], conflict["local_value"]) == (
        11,
        13,
        11,
    )
    assert cli(capsys, "sync", "conflicts", "--data-dir", str(b_dir)) == [conflict | {
        "local_value": 11, "mine_is_other": True}]  # fmt: skip

    # a field laptop sees the conflict but may not resolve it
    assert main(["sync", "resolve", conflict["conflict_id"], "--keep", "mine",
                 "--data-dir", str(b_dir)]) == 2  # fmt: skip
    assert "Seul un poste de consultant" in capsys.readouterr().err

    done = cli(capsys, "sync", "resolve", conflict["conflict_id"][:8], "--keep", "theirs",
               "--data-dir", str(a_dir))  # fmt: skip
    assert done["resolved_value"] == 13  # type: ignore[index]
    assert dwellings(a_dir) == {"Les Pins": 13}
    assert cli(capsys, "status", "--data-dir", str(a_dir))["conflicts"] == 0  # type: ignore[index]
    # resolving twice is refused before it is sent
    assert main(["sync", "resolve", conflict["conflict_id"], "--value", "2",
                 "--data-dir", str(a_dir)]) == 2  # fmt: skip
    capsys.readouterr()
    report = cli(capsys, "sync", "--data-dir", str(a_dir))
    assert report["new_conflicts"] == 0 and report["conflicts"] == []  # type: ignore[index]
    cli(capsys, "sync", "--data-dir", str(b_dir))
    assert dwellings(b_dir) == {"Les Pins": 13}
    for folder in (a_dir, b_dir):
        status = cli(capsys, "status", "--data-dir", str(folder))
        assert status["conflicts"] == 0 and status["pending_sync_changes"] == 0  # type: ignore[index]

    # 2. another clash, resolved with a value of the consultant's own; then one kept "mine"
    clash(a_dir, b_dir, pins.id, 20, 21)
    for folder in (a_dir, b_dir, a_dir):
        cli(capsys, "sync", "--data-dir", str(folder))
    [second] = cli(capsys, "sync", "conflicts", "--data-dir", str(a_dir))  # type: ignore[misc]
    cli(capsys, "sync", "resolve", second["conflict_id"], "--value", "25", "--data-dir", str(a_dir))
    clash(a_dir, b_dir, pins.id, 30, 31)  # A edits again before it syncs: its own value, 30
    for folder in (a_dir, b_dir, a_dir):
        cli(capsys, "sync", "--data-dir", str(folder))
    [third] = cli(capsys, "sync", "conflicts", "--data-dir", str(a_dir))  # type: ignore[misc]
    assert third["conflict_id"] != second["conflict_id"]
    cli(capsys, "sync", "resolve", third["conflict_id"], "--keep", "mine", "--data-dir", str(a_dir))
    for folder in (a_dir, b_dir):
        cli(capsys, "sync", "--data-dir", str(folder))
        assert dwellings(folder) == {"Les Pins": 30}
        assert cli(capsys, "sync", "conflicts", "--data-dir", str(folder)) == []


def test_an_expired_token_says_so_and_a_new_code_enrols_again(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "laptop"
    services = open_services(folder)
    services.campaigns.create_campaign(CampaignInput(name="BP Expiré", short_code="EXP"))
    services.close()
    cli(capsys, "sync", "--data-dir", str(folder), "--server", server.url, "--code",
        server.code(Role.FIELD))  # fmt: skip
    services = open_services(folder)
    device = str(services.uow.get_meta("device_id"))
    number = services.uow.get_meta("sync_device_number")
    services.campaigns.add_residence("Les Cèdres", dwellings=4)
    services.close()
    expire(server, device)
    assert main(["sync", "--data-dir", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "a expiré le 2020-01-01" in err and "réinscrivez" in err
    # a new code, without --server (the laptop remembers it): same number, nothing lost
    report = cli(capsys, "sync", "--data-dir", str(folder), "--code", server.code(Role.FIELD))
    assert report["sent"] >= 1 and report["refused"] == 0  # type: ignore[index]
    services = open_services(folder)
    try:
        assert services.uow.get_meta("sync_device_number") == number
        assert services.status.campaign_status().pending_sync_changes == 0
    finally:
        services.close()
