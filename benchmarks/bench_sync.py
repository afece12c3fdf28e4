"""Benchmark the sync: push and pull 100,000 changes, 20 laptops at once, bytes per record, the
time from the network coming back to an empty outbox (targets in docs/benchmarks.md).

Run from the repository root:

    .venv/bin/python benchmarks/bench_sync.py [--changes N] [--laptops N] [--postgresql]

A real server process (`bp-terrain serve`) on loopback, on a SQLite file (and on PostgreSQL with
`--postgresql`, a throwaway cluster as in the tests). Laptops are real data folders; their
changes are queued with the unit of work's bulk insert (`insert_synced`, as an import does) and
sent by `sync_once`, the code behind `bp-terrain sync`:

- push: one laptop with N new residences (one change each) syncs: outbox read, diff, batches of
  1,000 over HTTP, the server merges and commits each, the laptop applies each acknowledgement;
- pull: a second, empty laptop syncs and receives the N records (pages of 1,000, one transaction);
- 20 laptops, each with 200 changes, sync at the same moment (threads): every one must succeed,
  then each pulls what the others sent (on a second server, so that a laptop's first sync does
  not pull the N records above);
- bytes per record: the request bytes of the push divided by N (JSON, as sent);
- network back: a laptop with 1,000 changes made offline; the time from the server answering again
  to `pending_sync_changes` = 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 10.0


def laptop_with_changes(folder: Path, count: int, label: str) -> None:
    from app.errors import UserError
    from app.services import open_services
    from app.services.campaigns import CampaignInput
    from app.storage.tables import ResidenceRow
    from app.storage.uow import insert_synced

    services = open_services(folder)
    try:
        campaign = services.campaigns.active_campaign_id()
    except UserError:
        campaign = services.campaigns.create_campaign(
            CampaignInput(name=f"BP {label}", short_code=label[:8].upper())
        ).id
    services.close()
    from app.storage.db import open_database
    from app.storage.uow import device_id

    db = open_database(folder)
    device = device_id(db)
    with db.sessions() as session, session.begin():
        session.info["device_id"] = device
        for start in range(0, count, 10_000):
            rows = [
                {"campaign_id": campaign, "name": f"{label} résidence {i}",
                 "address": f"{i} rue des Tilleuls", "dwellings": i % 900, "budget_cents": 0}
                for i in range(start, min(count, start + 10_000))
            ]  # fmt: skip
            insert_synced(session, ResidenceRow, rows)
    db.close()


def pending(folder: Path) -> int:
    from app.services import open_services

    services = open_services(folder)
    try:
        return services.status.campaign_status().pending_sync_changes
    finally:
        services.close()


class CountingTransport:
    """Counts the bytes of every request body the client sends."""

    sent = 0

    @classmethod
    def install(cls) -> None:
        from sync.client.http import Transport

        original = Transport.post

        def post(self, path, body, reply_type):  # type: ignore[no-untyped-def]
            if path == "/v1/push":
                cls.sent += len(body if isinstance(body, str) else body.model_dump_json())
            return original(self, path, body, reply_type)

        Transport.post = post  # type: ignore[method-assign]


def server_cpu(server: object) -> float:
    """The CPU time (user + system) the server process has used so far, in seconds (Linux)."""
    pid = server.process.pid  # type: ignore[attr-defined]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(
    engine: str, new_db: Callable[[], str | None], changes: int, laptops: int, root: Path
) -> dict:
    from sync.client import sync_once
    from sync.core.tables import Role
    from tests.sync.conftest import start_server, stop_server

    figures: dict = {"engine": engine}
    server = start_server(root / "server", new_db())
    try:
        a, b = root / "a", root / "b"
        laptop_with_changes(a, 0, "Poussée")
        sync_once(a, server=server.url, code=server.code(Role.CONSULTANT))
        laptop_with_changes(a, changes, "Poussée")
        CountingTransport.sent = 0
        start, cpu, served = time.perf_counter(), time.process_time(), server_cpu(server)
        report = sync_once(a)
        figures["push_s"] = round(time.perf_counter() - start, 2)
        figures["push_client_cpu_s"] = round(time.process_time() - cpu, 2)
        figures["push_server_cpu_s"] = round(server_cpu(server) - served, 2)
        assert report.sent == changes, report
        figures["bytes_per_record"] = round(CountingTransport.sent / changes)
        assert pending(a) == 0

        code = server.code(Role.FIELD)
        start, cpu, served = time.perf_counter(), time.process_time(), server_cpu(server)
        report = sync_once(b, server=server.url, code=code)
        figures["pull_s"] = round(time.perf_counter() - start, 2)
        figures["pull_client_cpu_s"] = round(time.process_time() - cpu, 2)
        figures["pull_server_cpu_s"] = round(server_cpu(server) - served, 2)
        assert report.received >= changes, report
        print(figures, flush=True)  # push and pull first: the rest takes a while

        # The 20 laptops and the network test on a server of their own: on the big one each
        # laptop's first sync would pull the whole campaign above before the measured sync.
        stop_server(server)
        server = start_server(root / "server-laptops", new_db())
        folders = [root / f"l{n}" for n in range(laptops)]
        for number, folder in enumerate(folders):
            laptop_with_changes(folder, 0, f"Poste{number}")
            sync_once(folder, server=server.url, code=server.code(Role.FIELD))
            laptop_with_changes(folder, 200, f"Poste{number}")
        errors: list[str] = []

        def one(folder: Path) -> None:
            try:
                sync_once(folder)
            except Exception as exc:  # noqa: BLE001 - counted and printed
                errors.append(f"{folder.name}: {exc}")

        threads = [threading.Thread(target=one, args=(f,)) for f in folders]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures["laptops"] = laptops
        figures["laptops_s"] = round(time.perf_counter() - start, 2)
        figures["laptops_errors"] = errors
        assert all(pending(folder) == 0 for folder in folders)

        c = root / "c"
        laptop_with_changes(c, 0, "Retour")
        sync_once(c, server=server.url, code=server.code(Role.FIELD))
        stop_server(server)  # the network is gone
        laptop_with_changes(c, 1000, "Retour")
        server = start_server(root / "server-laptops", server.db_url)
        _point_to(c, server.url)
        start = time.perf_counter()  # the server answers again
        sync_once(c)
        assert pending(c) == 0
        figures["network_back_to_empty_outbox_s"] = round(time.perf_counter() - start, 2)
    finally:
        stop_server(server)
    return figures


def _point_to(folder: Path, url: str) -> None:
    from app.storage.db import open_database
    from app.storage.tables import LocalMeta

    db = open_database(folder)
    with db.sessions() as session, session.begin():
        session.merge(LocalMeta(key="sync_server", value=url))
    db.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--laptops", type=int, default=20)
    parser.add_argument("--postgresql", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    CountingTransport.install()
    ok = True
    with ExitStack() as stack:
        engines: list[tuple[str, Callable[[], str | None]]] = [("sqlite", lambda: None)]
        if args.postgresql:
            from tests.helpers.postgres import new_database, postgres_cluster

            base = stack.enter_context(postgres_cluster())
            engines.append(("postgresql", lambda: new_database(base)))
        for engine, new_db in engines:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-sync-")))
            figures = run(engine, new_db, args.changes, args.laptops, root)
            print(figures, flush=True)
            if engine == "sqlite" and args.changes >= 100_000:
                ok &= figures["push_s"] <= TARGET_S and figures["pull_s"] <= TARGET_S
            ok &= not figures["laptops_errors"]
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    print("OK" if ok else "target missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
