"""Benchmark: the public site of a large campaign (40 residences, 400 projects) on the SQLite
server: response times of the home and results pages, requests per second at 50 concurrent
clients (a bounded local load generator), and page weight at phone width.

Run:  .venv/bin/python benchmarks/bench_site.py [--requests 2000] [--clients 50]
Targets (issue 12): home and results under 50 ms; under 200 kB each, images included.
The campaign is written straight into a fresh server database as synced records (the same
records a laptop's push writes), then a real `bp-terrain serve` process answers.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.ids import new_id  # noqa: E402
from sync.core.protocol import DELETED  # noqa: E402
from sync.server import db_url_for  # noqa: E402
from sync.server.store import SqlStore, open_engine, transaction  # noqa: E402
from tests.sync.conftest import start_server, stop_server  # noqa: E402

RESIDENCES, PER_RESIDENCE = 40, 10


def _picture() -> str:
    image = Image.new("RGB", (640, 480), (90, 140, 90))
    for x in range(0, 640, 40):
        image.paste((200, 180 - x // 8, 60), (x, 300, x + 20, 480))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=72, optimize=True, progressive=True)
    return base64.b64encode(buffer.getvalue()).decode()


def populate(db_url: str) -> None:
    engine = open_engine(db_url)
    now = datetime.now(UTC)
    today = date.today()
    picture = _picture()
    with transaction(engine) as session, SqlStore(session).writing() as store:

        def put(table: str, values: dict[str, Any]) -> str:
            record_id = new_id()
            values = {**values, "created_at": now.isoformat(), DELETED: False}
            store.put(table, record_id, values, {k: 1 for k in values})
            return record_id

        campaign = put("campaign", {
            "name": "Grand budget participatif 2027", "organiser": "Bailleur de banc d'essai",
            "description": "Quarante résidences choisissent leurs projets.", "rules_text": "",
            "short_code": "BIG27", "timezone": "Europe/Paris", "published": True,
            "ideas_start": (today - timedelta(days=60)).isoformat(),
            "vote_start": (today - timedelta(days=10)).isoformat(),
            "vote_end": (today - timedelta(days=3)).isoformat(),
            "results_date": today.isoformat(), "themes": [],
        })  # fmt: skip
        for n in range(RESIDENCES):
            residence = put("residence", {
                "campaign_id": campaign, "name": f"Résidence numéro {n + 1:02d}",
                "address": f"{n + 1} rue du Banc, 69000 Lyon", "dwellings": 100 + n,
                "budget_cents": 3_000_000,
            })  # fmt: skip
            lines, selected = [], []
            for k in range(PER_RESIDENCE):
                project = put("project", {
                    "campaign_id": campaign, "residence_id": residence, "number": k + 1,
                    "title": f"Projet {k + 1} de la résidence {n + 1}",
                    "short_description": "Une description courte du projet, sur une ou deux lignes.",
                    "long_description": "", "cost_cents": 250_000 * (k + 1), "theme": "Cadre de vie",
                    "status": "admissible", "published": True,
                    "web_picture": picture if k == 0 else "",
                })  # fmt: skip
                lines.append({"project_id": project, "number": k + 1,
                              "title": f"Projet {k + 1} de la résidence {n + 1}", "source_id": "",
                              "cost_cents": 250_000 * (k + 1), "votes": 60 - 5 * k,
                              "status": "funded" if k < 3 else "not_funded"})  # fmt: skip
                if k < 3:
                    selected.append(project)
            put("public_result", {
                "campaign_id": campaign, "residence_id": residence, "published": True,
                "published_at": now.isoformat(),
                "payload": {"budget_cents": 3_000_000, "valid": 80, "blank": 3, "invalid": 1,
                            "review": 0, "selected": selected, "projects": lines,
                            "dwellings": 100 + n, "seals": [], "explanation": {}},
            })  # fmt: skip
            put("meeting", {
                "campaign_id": campaign, "residence_id": residence, "kind": "workshop",
                "starts_at": (now + timedelta(days=n)).isoformat(), "place": "Salle commune",
            })  # fmt: skip
        for n in range(20):
            put("news_post", {
                "campaign_id": campaign, "title": f"Actualité {n + 1}", "body": "Texte " * 80,
                "web_picture": picture if n == 0 else "", "picture_alt": "Photo",
                "published": True, "published_at": (now - timedelta(days=n)).isoformat(),
            })  # fmt: skip
    engine.dispose()


def latency(client: httpx.Client, url: str, count: int) -> tuple[float, float]:
    client.get(url)  # warm
    times = []
    for _ in range(count):
        start = time.perf_counter()
        reply = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert reply.status_code == 200
    return statistics.median(times), sorted(times)[int(0.95 * len(times)) - 1]


async def load(base: str, paths: list[str], total: int, clients: int) -> tuple[float, int]:
    """Requests per second with `clients` connections; and how many requests had to be sent
    again because the server closed a kept-alive connection as the request left."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    resent = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        queue = iter(range(total))

        async def worker() -> None:
            nonlocal resent
            for n in queue:
                for _attempt in range(3):
                    try:
                        reply = await client.get(paths[n % len(paths)])
                        break
                    except httpx.TransportError:
                        resent += 1
                else:
                    raise RuntimeError("the server kept closing the connection")
                assert reply.status_code == 200

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return total / (time.perf_counter() - start), resent


def weight(client: httpx.Client, path: str) -> int:
    """HTML + stylesheet + images on the page, bytes as sent (phone and desktop get the same)."""
    html = client.get(path, headers={"Accept-Encoding": "gzip"})
    total = int(html.headers.get("content-length") or len(html.content))
    assets = re.findall(r'(?:src|href)="(/(?:static|c/[^"]+/images)/[^"]+)"', html.text)
    for asset in sorted(set(a for a in assets if not a.endswith(".xml"))):
        reply = client.get(asset, headers={"Accept-Encoding": "gzip"})
        total += int(reply.headers.get("content-length") or len(reply.content))
    return total


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bp-bench-site-") as folder:
        data = Path(folder)
        populate(db_url_for(data))
        server = start_server(data)
        try:
            home, results = "/c/big27/", "/c/big27/resultats"
            with httpx.Client(base_url=server.url, timeout=60) as client:
                for path in (home, results):
                    median, p95 = latency(client, path, args.samples)
                    print(f"{path}: median {median:.1f} ms, p95 {p95:.1f} ms "
                          f"({args.samples} sequential requests)")  # fmt: skip
                for path in (home, results, "/c/big27/residences/residence-numero-01"):
                    print(f"{path}: {weight(client, path) / 1000:.1f} kB with its CSS and images")
            cpu = server_cpu(server.process.pid)
            rate, resent = asyncio.run(
                load(server.url, [home, results], args.requests, args.clients)
            )
            cpu = server_cpu(server.process.pid) - cpu
            print(f"{args.clients} concurrent clients, {args.requests} requests (home and "
                  f"results alternately): {rate:.0f} requests/s; server CPU "
                  f"{1000 * cpu / args.requests:.1f} ms per request, i.e. at most "
                  f"{args.requests / cpu:.0f} requests/s per free core; {resent} sent again")  # fmt: skip
        finally:
            stop_server(server)
    print(f"load average: {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
