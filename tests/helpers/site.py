"""The demo campaign published on a real server process: a laptop (a real data folder with the
demo and its count) pushes it with the real sync client, as a consultant would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from sync.core.tables import Role
from tests.sync.conftest import Server, start_server, stop_server
from ui.cli import main
from ui.cli.base import ensure_demo

CAMPAIGN = "hs26"


def demo_laptop(folder: Path) -> Path:
    """A data folder with the demo (published) and its count (results published)."""
    ensure_demo(folder, with_count=True)
    return folder


def push(server: Server, laptop: Path, role: Role = Role.OFFICER) -> None:
    """Enrol the laptop (first time) and sync it once with `bp-terrain sync`. The demo laptop
    holds the count, so it syncs as the tally officer's: everything travels, the count too."""
    args = ["sync", "--data-dir", str(laptop), "--json"]
    marker = laptop / "enrolled.txt"
    if not marker.exists():
        args += ["--server", server.url, "--code", server.code(role)]
    assert main(args) == 0
    marker.write_text(server.url)


@contextmanager
def published_demo_server(folder: Path, db_url: str | None = None) -> Iterator[tuple[str, str]]:
    """A fresh server holding the pushed demo: yields (base URL, campaign slug)."""
    server = start_server(folder / "server", db_url)
    try:
        push(server, demo_laptop(folder / "laptop"))
        yield server.url, CAMPAIGN
    finally:
        stop_server(server)


def site_pages(base: str, campaign: str) -> list[tuple[str, str]]:
    """Every page of the campaign's site as (name, path), residences and projects included."""
    root = f"/c/{campaign}/"
    pages = [("index", "/"), ("home", root)]
    pages += [(name, root + name) for name in
              ("regles", "calendrier", "actualites", "resultats", "suivi", "contact")]  # fmt: skip
    home = httpx.get(base + root).text
    for slug in sorted(set(re.findall(rf'href="{root}residences/([a-z0-9-]+)"', home))):
        pages.append((f"residence-{slug}", f"{root}residences/{slug}"))
    first = httpx.get(base + pages[-1][1]).text
    for slug in re.findall(rf'href="{root}residences/([a-z0-9-]+)/idee"', first)[:1]:
        pages.append(("idee", f"{root}residences/{slug}/idee"))  # online ideas, when open
    for project in re.findall(rf'href="{root}projets/([0-9a-f-]+)"', first)[:1]:
        pages.append(("projet", f"{root}projets/{project}"))
    return pages
