"""Two laptops (real data folders) and one server process: edits on both, a same-field conflict
surfaced on both, nothing lost or doubled; `status --json` gives the same figures on both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.storage.db import open_database
from app.storage.tables import ResidenceRow
from app.storage.uow import device_id, insert_synced
from sync.client.local import LocalStore
from sync.core.tables import Role
from tests.sync.conftest import Server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def residence_values(folder: Path) -> dict[str, tuple]:
    with open_services(folder) as services:
        return {r.name: (r.dwellings, r.address) for r in services.campaigns.list_residences()}


def test_two_laptops_and_a_server(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir = tmp_path / "consultant", tmp_path / "field"
    a = open_services(a_dir)
    campaign = a.campaigns.create_campaign(CampaignInput(name="BP Les Hauts", short_code="HAUTS"))
    tilleuls = a.campaigns.add_residence("Les Tilleuls", dwellings=40, campaign_id=campaign.id)
    a.campaigns.add_residence("Les Lilas", dwellings=12, campaign_id=campaign.id)
    a.close()

    code_a, code_b = server.code(Role.CONSULTANT), server.code(Role.FIELD)
    first = cli(capsys, "sync", "--data-dir", str(a_dir), "--server", server.url, "--code", code_a)
    assert first["sent"] >= 3 and first["conflicts"] == []
    got = cli(capsys, "sync", "--data-dir", str(b_dir), "--server", server.url, "--code", code_b)
    assert got["received"] >= 3
    assert residence_values(b_dir) == residence_values(a_dir)

    # both edit the same residence offline: different fields merge, the same field clashes
    a = open_services(a_dir)
    a.campaigns.update_residence(tilleuls.id, name="Les Tilleuls", dwellings=41, address="1 rue A")
    a.close()
    b = open_services(b_dir)
    b.campaigns.update_residence(tilleuls.id, name="Les Tilleuls", dwellings=43)
    b.campaigns.add_residence("Les Érables", dwellings=20, campaign_id=campaign.id)
    b.close()

    cli(capsys, "sync", "--data-dir", str(a_dir))
    b_report = cli(capsys, "sync", "--data-dir", str(b_dir))
    assert b_report["new_conflicts"] == 1
    [conflict] = b_report["conflicts"]
    assert (conflict["field"], conflict["kept_value"], conflict["other_value"]) == (
        "dwellings",
        41,
        43,
    )
    cli(capsys, "sync", "--data-dir", str(a_dir))
    again = cli(capsys, "sync", "--data-dir", str(b_dir))
    assert again["sent"] == 0 and again["new_conflicts"] == 0  # nothing re-sent, no new conflict

    expected = {
        "Les Tilleuls": (41, "1 rue A"),
        "Les Lilas": (12, ""),
        "Les Érables": (20, ""),
    }
    assert residence_values(a_dir) == expected
    assert residence_values(b_dir) == expected
    status_a = cli(capsys, "status", "--data-dir", str(a_dir))
    status_b = cli(capsys, "status", "--data-dir", str(b_dir))
    assert status_a["conflicts"] == status_b["conflicts"] == 1
    assert status_a["last_sync"] and status_b["last_sync"]
    figures = (
        "residences",
        "meetings",
        "participants",
        "ideas",
        "projects",
        "pending_sync_changes",
    )
    assert {k: status_a[k] for k in figures} == {k: status_b[k] for k in figures}
    assert status_a["residences"] == 3 and status_a["pending_sync_changes"] == 0


def test_a_laptop_that_is_not_enrolled_gets_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--data-dir", str(tmp_path / "x")]) == 2
    assert "inscrit sur aucun serveur" in capsys.readouterr().err


def test_an_unreachable_server_loses_nothing(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "laptop"
    services = open_services(folder)
    services.campaigns.create_campaign(CampaignInput(name="BP Hors ligne", short_code="HL"))
    services.close()
    cli(capsys, "sync", "--data-dir", str(folder), "--server", server.url, "--code",
        server.code(Role.CONSULTANT))  # fmt: skip
    services = open_services(folder)
    services.campaigns.add_residence("Les Pins", dwellings=5)
    pending = services.status.campaign_status().pending_sync_changes
    services.close()
    assert pending >= 1
    from app.storage.db import open_database
    from app.storage.tables import LocalMeta

    db = open_database(folder)
    with db.sessions() as session, session.begin():
        session.merge(LocalMeta(key="sync_server", value="http://127.0.0.1:9"))
    db.close()
    assert main(["sync", "--data-dir", str(folder)]) == 2
    assert "ne répond pas" in capsys.readouterr().err
    services = open_services(folder)
    assert services.status.campaign_status().pending_sync_changes == pending
    services.close()


def test_the_demo_campaign_travels_whole_and_the_ballot_key_comes_sealed(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every table of the demo reaches a second laptop (same status figures). The ballot key
    does not come with the campaign: it comes sealed to the field laptop, and a consultant's
    laptop, which never receives it, refuses to print (never with an empty key)."""
    from app.errors import UserError

    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    assert main(["demo", "--data-dir", str(a_dir)]) == 0
    capsys.readouterr()
    cli(capsys, "sync", "--data-dir", str(a_dir), "--server", server.url, "--code",
        server.code(Role.CONSULTANT))  # fmt: skip
    cli(capsys, "sync", "--data-dir", str(b_dir), "--server", server.url, "--code",
        server.code(Role.FIELD))  # fmt: skip
    status_a = cli(capsys, "status", "--data-dir", str(a_dir))
    status_b = cli(capsys, "status", "--data-dir", str(b_dir))
    for key in ("last_sync",):
        status_a.pop(key), status_b.pop(key)
    assert status_a == status_b
    a = open_services(a_dir)
    residence = next(
        r for r in a.campaigns.list_residences() if a.ballots.admissible_projects(r.id)
    )
    style = a.ballots.ensure_default_style(residence.id)
    a.ballots.job(style.id)  # the laptop that created the campaign prints
    a.close()
    cli(capsys, "sync", "--data-dir", str(a_dir))  # A seals the key for B (a field laptop)
    cli(capsys, "sync", "--data-dir", str(b_dir))
    c_dir = tmp_path / "c"  # a consultant's laptop never receives it
    cli(capsys, "sync", "--data-dir", str(c_dir), "--server", server.url, "--code",
        server.code(Role.CONSULTANT))  # fmt: skip
    cli(capsys, "sync", "--data-dir", str(a_dir))
    cli(capsys, "sync", "--data-dir", str(c_dir))
    with open_services(c_dir) as c:
        with pytest.raises(UserError, match="clé des bulletins"):
            c.ballots.job(style.id)
    with open_services(a_dir) as a, open_services(b_dir) as b:
        assert b.ballots.job(style.id).key == a.ballots.job(style.id).key != b""


def test_a_record_edited_during_a_long_push_leaves_too(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """A push reads the next batches while the first is in flight, each starting where the last
    read stopped: a record of the first batch edited meanwhile (its new outbox row is behind
    that point once the first batch is acknowledged) still leaves before the push ends."""
    folder = tmp_path / "long"
    with open_services(folder) as services:
        campaign = services.campaigns.create_campaign(
            CampaignInput(name="BP Long", short_code="LONG")
        )
    cli(capsys, "sync", "--data-dir", str(folder), "--server", server.url, "--code",
        server.code(Role.CONSULTANT))  # fmt: skip
    db = open_database(folder)
    with db.sessions() as session, session.begin():
        session.info["device_id"] = device_id(db)
        ids = insert_synced(session, ResidenceRow, [
            {"campaign_id": campaign.id, "name": f"Long {i}", "address": "", "dwellings": i,
             "budget_cents": 0} for i in range(2500)
        ])  # fmt: skip
    db.close()
    reads = []
    original = LocalStore.read_outbox

    def read_and_edit(self: LocalStore, *args: object, **kwargs: object) -> object:
        reads.append(args)
        if len(reads) == 2:  # the first batch is in flight: edit one of its records
            with open_services(folder) as services:
                services.campaigns.update_residence(ids[0], name="Long 0 (renommée)")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(LocalStore, "read_outbox", read_and_edit)
    report = cli(capsys, "sync", "--data-dir", str(folder))
    assert report["sent"] == 2501 and report["new_conflicts"] == 0  # the edit: a 2nd change
    status = cli(capsys, "status", "--data-dir", str(folder))
    assert status["pending_sync_changes"] == 0
    fresh = tmp_path / "fresh"
    cli(capsys, "sync", "--data-dir", str(fresh), "--server", server.url, "--code",
        server.code(Role.FIELD))  # fmt: skip
    names = set(residence_values(fresh))
    assert "Long 0 (renommée)" in names and "Long 0" not in names
    assert len([n for n in names if n.startswith("Long ")]) == 2500
