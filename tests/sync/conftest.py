"""A real sync server process on a free loopback port, and devices enrolled on it."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import pytest

from sync.core.protocol import PROTOCOL_VERSION
from sync.core.tables import Role
from sync.server import db_url_for
from sync.server.devices import new_code
from sync.server.store import open_engine
from tests.helpers.postgres import new_database, postgres_cluster

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    data_dir: Path
    db_url: str
    process: subprocess.Popen[bytes]
    log: list[bytes] = field(default_factory=list)
    """What the server wrote (stdout and stderr), read as it comes: a pipe nobody reads fills
    up, and a server that logs into a full pipe stops answering."""

    def drain(self) -> None:
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            self.log.append(line)

    def code(self, role: Role) -> str:
        engine = open_engine(self.db_url)
        try:
            return new_code(engine, role)
        finally:
            engine.dispose()

    def admin_args(self) -> list[str]:
        """What `bp-terrain server ...` needs to reach this server's database."""
        return ["--db", self.db_url]

    def enrol(self, role: Role, device_id: str) -> str:
        reply = httpx.post(
            f"{self.url}/v1/enrol",
            json={"protocol": PROTOCOL_VERSION, "code": self.code(role), "device_id": device_id},
        )
        assert reply.status_code == 200, reply.text
        return str(reply.json()["token"])


def start_server(data_dir: Path, db_url: str | None = None) -> Server:
    port = free_port()
    db_url = db_url or db_url_for(data_dir)
    command = [sys.executable, "-m", "ui.cli", "serve", "--db", db_url]
    process = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded CI machine can take long to import
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "died")
        try:
            if httpx.get(f"{url}/v1/hello", timeout=1).status_code == 200:
                server = Server(url, data_dir, db_url, process)
                server.drain()
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the sync server did not answer within 120 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole run (its base URL)."""
    with postgres_cluster() as base_url:
        yield base_url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server process per test module, on each engine: a SQLite file, then PostgreSQL."""
    data_dir = tmp_path_factory.mktemp("server")
    db_url = None
    if request.param == "postgresql":
        db_url = new_database(request.getfixturevalue("postgres"))
    running = start_server(data_dir, db_url)
    yield running
    stop_server(running)
