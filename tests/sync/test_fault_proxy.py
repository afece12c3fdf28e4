"""Real faults between real laptops and a real server process (tests/helpers/faultproxy.py):
dropped and truncated requests, delays, replies cut after the server committed, duplicated
requests, the network cut, the server killed with kill -9 and restarted, laptops killed with
kill -9 at named points of a sync (tests/helpers/killpoint.py), a full disk on the server.
Afterwards every laptop and the server hold the same data: nothing lost, nothing doubled, and
not a single conflict (a laptop never clashes with its own lost batch)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.storage.db import open_database
from app.storage.tables import LocalMeta, ResidenceRow
from app.storage.uow import device_id, insert_synced
from sync.client import sync_once
from sync.core.errors import SyncError
from sync.core.tables import Role
from sync.server.store import ServerRecord, open_engine, transaction
from tests.helpers.faultproxy import FAULTS, FaultProxy
from tests.helpers.killpoint import POINTS
from tests.helpers.postgres import new_database
from tests.sync.conftest import ROOT, Server, start_server, stop_server
from ui.cli import main

STORM_FAULTS = {"sqlite": 200, "postgresql": 120}
"""Faults injected per engine (320 in a run), about 15 s each on the 2-core machine."""


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def point_to(folder: Path, url: str) -> None:
    db = open_database(folder)
    with db.sessions() as session, session.begin():
        session.merge(LocalMeta(key="sync_server", value=url))
    db.close()


def residence_names(folder: Path) -> list[tuple[str, int]]:
    """Every live residence of the laptop, as (name, dwellings), doubles included."""
    services = open_services(folder)
    try:
        return sorted((r.name, r.dwellings) for r in services.campaigns.list_residences())
    finally:
        services.close()


def server_residences(db_url: str) -> list[tuple[str, int]]:
    engine = open_engine(db_url)
    try:
        with transaction(engine) as session:
            rows = session.query(ServerRecord).filter(ServerRecord.table_name == "residence")
            values = [json.loads(row.values_json) for row in rows]
    finally:
        engine.dispose()
    return sorted((v["name"], v["dwellings"]) for v in values if not v.get("_deleted"))


def status(capsys: pytest.CaptureFixture[str], folder: Path) -> dict:
    figures = cli(capsys, "status", "--data-dir", str(folder))
    figures.pop("last_sync")
    return figures


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def own_server(
    engine_name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[list[Server]]:
    """A server of this test only (it gets killed); a list, so that a restart replaces it."""
    db_url = None
    if engine_name == "postgresql":
        db_url = new_database(request.getfixturevalue("postgres"))
    held = [start_server(tmp_path / "server", db_url)]
    yield held
    stop_server(held[0])


class Laptops:
    """Three laptops of one campaign, each owning the residences it creates (the model)."""

    def __init__(self, root: Path, server: Server, capsys: pytest.CaptureFixture[str]) -> None:
        self.dirs = {name: root / name for name in ("a", "b", "c")}
        services = open_services(self.dirs["a"])
        campaign = services.campaigns.create_campaign(
            CampaignInput(name="BP Tempête", short_code="TEMP")
        )
        services.close()
        self.campaign_id = campaign.id
        self.expected: dict[str, int] = {}
        self.ids: dict[str, tuple[str, str]] = {}  # name -> (owner, id)
        self.made = Counter[str]()
        for name, role in (("a", Role.CONSULTANT), ("b", Role.FIELD), ("c", Role.FIELD)):
            cli(capsys, "sync", "--data-dir", str(self.dirs[name]), "--server", server.url,
                "--code", server.code(role))  # fmt: skip
        for name in ("a", "b", "c"):
            cli(capsys, "sync", "--data-dir", str(self.dirs[name]))

    def work(self, rng: random.Random, owner: str) -> None:
        """One to three offline edits on `owner`: add, edit or delete one of its residences."""
        services = open_services(self.dirs[owner])
        try:
            for _step in range(rng.randint(1, 3)):
                mine = [name for name, (who, _id) in self.ids.items() if who == owner]
                action = rng.random()
                if not mine or action < 0.4:
                    self.made[owner] += 1
                    name = f"Résidence {owner}{self.made[owner]}"
                    dwellings = rng.randint(1, 500)
                    row = services.campaigns.add_residence(
                        name, dwellings=dwellings, campaign_id=self.campaign_id
                    )
                    self.ids[name] = (owner, row.id)
                    self.expected[name] = dwellings
                elif action < 0.9:
                    name = rng.choice(mine)
                    dwellings = rng.randint(1, 500)
                    services.campaigns.update_residence(
                        self.ids[name][1], name=name, dwellings=dwellings
                    )
                    self.expected[name] = dwellings
                else:
                    name = rng.choice(mine)
                    services.campaigns.delete_residence(self.ids.pop(name)[1])
                    del self.expected[name]
        finally:
            services.close()

    def sync(self, owner: str) -> bool:
        try:
            sync_once(self.dirs[owner])
        except SyncError:
            return False
        return True

    def converged(self, capsys: pytest.CaptureFixture[str], db_url: str) -> None:
        for _round in range(2):  # the first round pushes, the second pulls what others pushed
            for name in self.dirs:
                assert self.sync(name), name
        expected = sorted(self.expected.items())
        assert server_residences(db_url) == expected
        figures = [status(capsys, folder) for folder in self.dirs.values()]
        for folder, held in zip(self.dirs.values(), figures, strict=True):
            assert residence_names(folder) == expected, folder.name
            assert held["pending_sync_changes"] == 0, folder.name
            assert held["conflicts"] == 0, folder.name  # never a clash with a lost batch of its own
        assert figures[0] == figures[1] == figures[2]


def test_a_storm_of_network_faults_loses_nothing_and_doubles_nothing(
    own_server: list[Server],
    engine_name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = own_server[0]
    laptops = Laptops(tmp_path, server, capsys)
    proxy = FaultProxy(("127.0.0.1", 0))
    proxy.point_to(server.url)
    for folder in laptops.dirs.values():
        point_to(folder, proxy.url)
    rng = random.Random(f"storm-{engine_name}")
    lock = threading.Lock()

    def plan(_path: str) -> str | None:
        with lock:
            return rng.choice(FAULTS) if rng.random() < 0.6 else None

    proxy.plan = plan
    target = STORM_FAULTS[engine_name]
    rounds = ok = 0
    killed = False
    try:
        while proxy.total_faults < target:
            rounds += 1
            owner = rng.choice("abc")
            laptops.work(rng, owner)
            proxy.offline = rng.random() < 0.1  # the network is cut for this sync
            ok += laptops.sync(owner)
            proxy.offline = False
            if not killed and proxy.total_faults >= target // 2:
                killed = True  # kill -9 of the server mid-storm, restarted on the same database
                server.process.send_signal(signal.SIGKILL)
                server.process.wait()
                laptops.work(rng, "b")
                assert not laptops.sync("b")
                server = start_server(server.data_dir, server.db_url)
                own_server[0] = server
                proxy.point_to(server.url)
        proxy.plan = lambda _path: None
        laptops.converged(capsys, server.db_url)
    finally:
        proxy.close()
    injected = {name: proxy.faults[name] for name in (*FAULTS, "offline")}
    assert sum(injected.values()) >= target and all(injected.values()), injected
    assert 0 < ok < rounds  # some syncs went through, some did not
    print(f"\n{engine_name}: {sum(injected.values())} faults in {rounds} syncs: {injected}")


def test_a_laptop_killed_at_every_point_of_a_sync_converges(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptops = Laptops(tmp_path, server, capsys)
    rng = random.Random("kill")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for point in POINTS:
        laptops.work(rng, "b")
        laptops.work(rng, "a")
        laptops.sync("a")  # so that b has something to pull
        process = subprocess.run(
            [sys.executable, "-m", "tests.helpers.killpoint", "sync", "--data-dir",
             str(laptops.dirs["b"])],
            cwd=ROOT, env={**env, "BP_TERRAIN_FAULT_POINT": point}, capture_output=True,
        )  # fmt: skip
        assert process.returncode == -signal.SIGKILL, (point, process.stderr.decode())
    laptops.converged(capsys, server.db_url)


def test_a_full_disk_on_the_server_gets_a_clear_message_and_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server's data folder on a small tmpfs (root, as in CI), filled up while it runs."""
    assert os.geteuid() == 0, "this test mounts a tmpfs: run the suite as root, as CI does"
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], check=True)
    server = None
    try:
        server = start_server(disk / "server")
        laptop = tmp_path / "laptop"
        services = open_services(laptop)
        services.campaigns.create_campaign(CampaignInput(name="BP Disque", short_code="DISK"))
        services.close()
        cli(capsys, "sync", "--data-dir", str(laptop), "--server", server.url, "--code",
            server.code(Role.CONSULTANT))  # fmt: skip
        services = open_services(laptop)
        for number in range(200):
            services.campaigns.add_residence(f"Résidence {number}", address="x" * 2000)
        waiting = services.status.campaign_status().pending_sync_changes
        services.close()
        filler = disk / "filler"
        with open(filler, "wb") as stream:
            try:
                while True:
                    stream.write(b"\0" * 65536)
            except OSError:
                pass
        assert main(["sync", "--data-dir", str(laptop)]) == 2
        err = capsys.readouterr().err
        assert "disque du serveur est plein" in err and "Traceback" not in err
        services = open_services(laptop)
        assert services.status.campaign_status().pending_sync_changes == waiting
        services.close()
        filler.unlink()
        cli(capsys, "sync", "--data-dir", str(laptop))
        assert status(capsys, laptop)["pending_sync_changes"] == 0
        assert len(server_residences(server.db_url)) == 200
    finally:
        if server is not None:
            stop_server(server)
        subprocess.run(["umount", "-l", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)


def test_a_laptop_killed_with_two_batches_in_flight_sends_both_again_and_converges(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A push sends the next batch before it acknowledges the one before: killed inside that
    acknowledgement, the laptop keeps both batches, sends them again under their own ids, and
    the server holds every record once, with no conflict (no clash with its own batches)."""
    laptop = tmp_path / "two"
    services = open_services(laptop)
    campaign = services.campaigns.create_campaign(CampaignInput(name="BP Vol", short_code="VOL"))
    services.close()
    cli(capsys, "sync", "--data-dir", str(laptop), "--server", server.url, "--code",
        server.code(Role.CONSULTANT))  # fmt: skip
    db = open_database(laptop)
    with db.sessions() as session, session.begin():
        session.info["device_id"] = device_id(db)
        insert_synced(session, ResidenceRow, [
            {"campaign_id": campaign.id, "name": f"Vol {i}", "address": "", "dwellings": i,
             "budget_cents": 0} for i in range(2500)
        ])  # fmt: skip
    db.close()
    process = subprocess.run(
        [sys.executable, "-m", "tests.helpers.killpoint", "sync", "--data-dir", str(laptop)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT),
                       "BP_TERRAIN_FAULT_POINT": "mid_acknowledge"}, capture_output=True,
    )  # fmt: skip
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()
    db = open_database(laptop)
    with db.sessions() as session:
        held = session.query(LocalMeta).filter(LocalMeta.key.startswith("sync_inflight")).count()
    db.close()
    assert held == 2  # the first batch, not acknowledged, and the second, sent
    report = cli(capsys, "sync", "--data-dir", str(laptop))
    assert report["new_conflicts"] == 0 and report["conflicts"] == []
    assert status(capsys, laptop)["pending_sync_changes"] == 0
    on_server = [name for name, _ in server_residences(server.db_url) if name.startswith("Vol ")]
    assert sorted(on_server) == sorted(f"Vol {i}" for i in range(2500))  # each once
    assert sum(1 for name, _ in residence_names(laptop) if name.startswith("Vol ")) == 2500
