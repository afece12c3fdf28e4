"""`bp-terrain site preview`: the site as the server will show it, from a laptop's own data
(a real process on loopback), with or without what is not published yet."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.site import NewsInput
from tests.sync.conftest import ROOT, free_port


def laptop(folder: Path) -> Path:
    services = open_services(folder)
    try:
        services.campaigns.create_campaign(CampaignInput(name="BP Les Cèdres", short_code="BPC"))
        services.campaigns.add_residence("Les Cèdres", dwellings=80)
        services.site.publish_campaign(True)
        post = services.site.create_news(NewsInput("Publiée", "Texte"))
        services.site.publish_news(post.id)
        services.site.create_news(NewsInput("Brouillon à relire", "Texte"))
    finally:
        services.close()
    return folder


def preview(folder: Path, *extra: str) -> str:
    port = free_port()
    command = [sys.executable, "-m", "ui.cli", "site", "preview", "--data-dir", str(folder),
               "--port", str(port), *extra]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/c/bpc/actualites", timeout=2)
                if reply.status_code == 200:
                    return reply.text
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the preview did not answer within 60 s")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_preview_shows_what_the_site_will_show(tmp_path: Path) -> None:
    folder = laptop(tmp_path / "laptop")
    page = preview(folder)
    assert "Publiée" in page and "Brouillon à relire" not in page
    everything = preview(folder, "--all")
    assert "Publiée" in everything and "Brouillon à relire" in everything
