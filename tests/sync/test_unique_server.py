"""Unique keys two laptops satisfy separately, between two real laptops (data folders) and a real
server process (SQLite and PostgreSQL): a results rule declared on both laptops offline, and one
project number taken on both. Both syncs go through, every laptop converges, the clash is a
conflict every laptop sees, and a consultant resolves it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.ideas import ProjectInput
from sync.core.tables import Role
from tests.sync.conftest import Server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def two_laptops(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path, str, str]:
    a_dir, b_dir = tmp_path / "consultant", tmp_path / "field"
    with open_services(a_dir) as a:
        campaign = a.campaigns.create_campaign(CampaignInput(name="BP Uniques", short_code="UNI"))
        residence = a.campaigns.add_residence("Les Tilleuls", dwellings=20, campaign_id=campaign.id)
    for folder, role in ((a_dir, Role.CONSULTANT), (b_dir, Role.FIELD)):
        cli(capsys, "sync", "--data-dir", str(folder), "--server", server.url, "--code",
            server.code(role))  # fmt: skip
    return a_dir, b_dir, campaign.id, residence.id


def status(capsys: pytest.CaptureFixture[str], folder: Path) -> dict:
    """`status --json` without the moment of the last sync (each laptop has its own)."""
    figures = cli(capsys, "status", "--data-dir", str(folder))
    assert isinstance(figures, dict)
    figures.pop("last_sync")
    return figures


def rule_of(folder: Path, campaign_id: str) -> tuple[str, int]:
    with open_services(folder) as services:
        declared = services.counting.get_results_rule(campaign_id)
        return declared.rule, declared.threshold


def projects(folder: Path) -> dict[str, int]:
    with open_services(folder) as services:
        return {p.title: p.number for p in services.projects.list_projects()}


def test_a_results_rule_declared_on_two_laptops_offline_becomes_one_with_a_conflict(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir, campaign_id, _residence = two_laptops(server, tmp_path, capsys)
    for folder, rule, threshold in ((a_dir, "greedy", 0), (b_dir, "mes", 0)):
        with open_services(folder) as services:
            services.counting.set_results_rule(campaign_id, rule, threshold=threshold)
    cli(capsys, "sync", "--data-dir", str(a_dir))
    report = cli(capsys, "sync", "--data-dir", str(b_dir))  # used to stop: unique constraint
    assert report["refused"] == 0 and report["new_conflicts"] == 1  # type: ignore[index]
    cli(capsys, "sync", "--data-dir", str(a_dir))
    assert rule_of(a_dir, campaign_id) == rule_of(b_dir, campaign_id) == ("greedy", 0)
    [conflict] = cli(capsys, "sync", "conflicts", "--data-dir", str(a_dir))  # type: ignore[misc]
    assert (conflict["table"], conflict["field"]) == ("results_rule", "rule")
    assert (conflict["kept_value"], conflict["other_value"]) == ("greedy", "mes")
    assert cli(capsys, "sync", "conflicts", "--data-dir", str(b_dir)) == [
        conflict | {"mine_is_other": True}
    ]
    # the consultant keeps the field team's rule: both laptops follow, nothing left open
    cli(capsys, "sync", "resolve", conflict["conflict_id"], "--keep", "theirs",
        "--data-dir", str(a_dir))  # fmt: skip
    for folder in (a_dir, b_dir, a_dir):
        cli(capsys, "sync", "--data-dir", str(folder))
    assert rule_of(a_dir, campaign_id) == rule_of(b_dir, campaign_id) == ("mes", 0)
    statuses = [status(capsys, folder) for folder in (a_dir, b_dir)]
    assert statuses[0] == statuses[1]
    assert statuses[0]["conflicts"] == 0
    assert statuses[0]["pending_sync_changes"] == 0
    # and the rule can still be changed afterwards on the laptop that lost (its own is a tombstone)
    with open_services(b_dir) as services:
        services.counting.set_results_rule(campaign_id, "greedy-no-skip", threshold=3)
    cli(capsys, "sync", "--data-dir", str(b_dir))
    cli(capsys, "sync", "--data-dir", str(a_dir))
    assert rule_of(a_dir, campaign_id) == ("greedy-no-skip", 3)


def test_one_project_number_taken_on_two_laptops_is_renumbered_and_shown(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir, _campaign, residence_id = two_laptops(server, tmp_path, capsys)
    for folder, titles in ((a_dir, ("Bancs", "Arbres")), (b_dir, ("Jeux", "Vélos", "Compost"))):
        with open_services(folder) as services:
            for title in titles:
                services.projects.create_project(
                    ProjectInput(title=title, residence_id=residence_id)
                )
    assert projects(a_dir) == {"Bancs": 1, "Arbres": 2}
    assert projects(b_dir) == {"Jeux": 1, "Vélos": 2, "Compost": 3}
    cli(capsys, "sync", "--data-dir", str(a_dir))
    report = cli(capsys, "sync", "--data-dir", str(b_dir))
    assert report["refused"] == 0 and report["new_conflicts"] == 2  # type: ignore[index]
    cli(capsys, "sync", "--data-dir", str(a_dir))
    expected = {"Bancs": 1, "Arbres": 2, "Jeux": 4, "Vélos": 5, "Compost": 3}
    assert projects(a_dir) == projects(b_dir) == expected
    shown = cli(capsys, "sync", "conflicts", "--data-dir", str(b_dir))
    assert sorted((c["field"], c["other_value"], c["kept_value"]) for c in shown) == [  # type: ignore[union-attr]
        ("number", 1, 4),
        ("number", 2, 5),
    ]
    statuses = [status(capsys, folder) for folder in (a_dir, b_dir)]
    assert statuses[0] == statuses[1]
