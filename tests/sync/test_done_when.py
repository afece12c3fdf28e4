"""Issue 11's "done when", as one scenario: a campaign run on two laptops and a server, the network
cut and restored (through the fault proxy), one laptop killed with kill -9 in the middle of a sync;
it ends with the same `bp-terrain status --json` figures on both laptops and on the server, and
the same results.

The server holds no campaign database of its own: its figures are those of a fresh laptop that
pulls everything it holds (`observer`), which is what any new laptop of the campaign would see."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import open_services
from sync.core.tables import Role
from tests.helpers.faultproxy import FaultProxy
from tests.sync.conftest import ROOT, Server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def figures(capsys: pytest.CaptureFixture[str], folder: Path) -> dict:
    status = cli(capsys, "status", "--data-dir", str(folder))
    status.pop("last_sync")
    return status


def results(capsys: pytest.CaptureFixture[str], folder: Path) -> dict[str, dict]:
    services = open_services(folder)
    try:
        names = [r.name for r in services.campaigns.list_residences()]
    finally:
        services.close()
    return {
        name: cli(capsys, "results", "--data-dir", str(folder), "--residence", name)
        for name in names
    }


def test_two_laptops_a_cut_network_and_a_killed_laptop_end_identical(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    officer, consultant, observer = (tmp_path / n for n in ("officer", "consultant", "observer"))
    assert main(["demo", "--with-count", "--data-dir", str(officer)]) == 0  # a counted campaign
    capsys.readouterr()
    proxy = FaultProxy(("127.0.0.1", 0))
    proxy.point_to(server.url)
    try:
        for folder, role in ((officer, Role.OFFICER), (consultant, Role.CONSULTANT)):
            cli(capsys, "sync", "--data-dir", str(folder), "--server", proxy.url, "--code",
                server.code(role))  # fmt: skip

        proxy.offline = True  # the network is cut: both work offline
        assert main(["sync", "--data-dir", str(officer)]) == 2
        assert "ne répond pas" in capsys.readouterr().err
        services = open_services(consultant)
        services.campaigns.add_residence("Les Glycines", dwellings=14)
        services.close()
        services = open_services(officer)
        first = services.campaigns.list_residences()[0]
        services.campaigns.update_residence(
            first.id, name=first.name, address="2 place du Marché", dwellings=first.dwellings
        )
        services.close()
        assert main(["sync", "--data-dir", str(consultant)]) == 2
        capsys.readouterr()

        proxy.offline = False  # the network is back; the officer's laptop dies mid-sync
        killed = subprocess.run(
            [sys.executable, "-m", "tests.helpers.killpoint", "sync", "--data-dir", str(officer)],
            cwd=ROOT, capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "BP_TERRAIN_FAULT_POINT": "mid_acknowledge"},
        )  # fmt: skip
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()

        for folder in (officer, consultant, officer, consultant):
            report = cli(capsys, "sync", "--data-dir", str(folder))
            assert report["refused"] == 0 and report["conflicts"] == []
        cli(capsys, "sync", "--data-dir", str(observer), "--server", server.url, "--code",
            server.code(Role.CONSULTANT))  # fmt: skip
    finally:
        proxy.close()
    assert proxy.faults["offline"] >= 2

    held = [figures(capsys, folder) for folder in (officer, consultant, observer)]
    assert held[0] == held[1] == held[2]
    assert held[0]["pending_sync_changes"] == 0 and held[0]["sheets_counted"] > 0
    counted = [results(capsys, folder) for folder in (officer, consultant, observer)]
    assert counted[0] == counted[1] == counted[2]
    assert any(r["valid"] > 0 for r in counted[0].values()), counted[0]
    names = {name for name in counted[0]}
    assert "Les Glycines" in names
