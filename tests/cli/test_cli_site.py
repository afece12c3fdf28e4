"""`bp-terrain site status|publish|news|inbox` on a small campaign."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from ui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_publish_write_news_and_read_the_inbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "data")
    services = open_services(Path(folder))
    services.campaigns.create_campaign(CampaignInput(name="BP Les Cèdres", short_code="BPC"))
    services.campaigns.add_residence("Les Cèdres", dwellings=80)
    services.close()
    state = json.loads(run(capsys, "site", "status", "--data-dir", folder, "--json"))
    assert state == {"campaign": False, "projects": 0, "projects_total": 0, "results": 0,
                     "news": 0, "followups": 0}  # fmt: skip
    run(capsys, "site", "publish", "--campaign", "--data-dir", folder)
    body = tmp_path / "post.txt"
    body.write_text("Première **actualité**.", encoding="utf-8")
    post_id = run(capsys, "site", "news", "--title", "Bienvenue", "--body-file", str(body),
                  "--publish", "--data-dir", folder).strip()  # fmt: skip
    state = json.loads(run(capsys, "site", "status", "--data-dir", folder, "--json"))
    assert state["campaign"] is True and state["news"] == 1
    run(capsys, "site", "publish", "--news", post_id, "--withdraw", "--data-dir", folder)
    assert json.loads(run(capsys, "site", "status", "--data-dir", folder, "--json"))["news"] == 0
    assert json.loads(run(capsys, "site", "inbox", "--data-dir", folder, "--json")) == []
    assert "Aucun message" in run(capsys, "site", "inbox", "--data-dir", folder)


def test_publish_without_saying_what_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "data")
    services = open_services(Path(folder))
    services.campaigns.create_campaign(CampaignInput(name="BP", short_code="BP"))
    services.close()
    assert main(["site", "publish", "--data-dir", folder]) != 0
    assert "Dites quoi publier" in capsys.readouterr().err
