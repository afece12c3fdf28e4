"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a Unix socket only.

PostgreSQL comes from Debian's packages (`tools/bootstrap.py` installs it when run as root). When
the tests run as root, the cluster runs as the `postgres` user (through runuser), as PostgreSQL
refuses to run as root. A missing PostgreSQL is a set-up error, never a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin_dir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if versions:
        return Path(versions[-1]).parent
    raise RuntimeError(
        "PostgreSQL est introuvable (initdb) : lancez « python3 tools/bootstrap.py setup » en "
        "root, ou installez le paquet Debian postgresql."
    )


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster; yield a base URL (`postgresql+psycopg://…/{database}` to format)."""
    bin_dir = _bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="bp-terrain-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    user = "bp_terrain"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    try:
        subprocess.run(
            _as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-A", "trust",
                       "--no-sync", "-E", "UTF8", "--locale", "C"]),
            **quiet,
        )  # fmt: skip
        options = f"-k {sockets} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                       "-l", str(folder / "log"), "start"]),
            **quiet,
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr.decode()}") from exc
    try:
        yield f"postgresql+psycopg://{user}@/{{database}}?host={sockets}"
    finally:
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


def new_database(base_url: str) -> str:
    """A fresh, empty database in the cluster; its URL."""
    import psycopg

    name = f"bp_{uuid.uuid4().hex[:12]}"
    admin = base_url.format(database="postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return base_url.format(database=name)
