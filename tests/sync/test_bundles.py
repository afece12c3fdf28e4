"""Offline bundles on real files: a laptop exports what the server has not acknowledged, the server
imports it with the rules of a push and writes a reply that the laptop imports. Importing twice
changes nothing; unknown devices, bad signatures and truncated files are refused clearly."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.storage.db import open_database
from app.storage.uow import device_id
from sync.core.tables import Role
from sync.server import db_url_for
from sync.server.devices import revoke
from sync.server.store import open_engine
from tests.sync.conftest import Server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def residences(folder: Path) -> dict[str, int]:
    services = open_services(folder)
    try:
        return {r.name: r.dwellings for r in services.campaigns.list_residences()}
    finally:
        services.close()


def pending(folder: Path) -> int:
    services = open_services(folder)
    try:
        return services.status.campaign_status().pending_sync_changes
    finally:
        services.close()


def server_records(server: Server) -> int:
    from sqlalchemy import func, select

    from sync.server.store import ServerRecord, transaction

    engine = open_engine(server.db_url)
    try:
        with transaction(engine) as session:
            return int(session.scalar(select(func.count()).select_from(ServerRecord)) or 0)
    finally:
        engine.dispose()


def enrolled_laptop(
    server: Server, folder: Path, capsys: pytest.CaptureFixture[str], role: Role
) -> None:
    cli(capsys, "sync", "--data-dir", str(folder), "--server", server.url, "--code",
        server.code(role))  # fmt: skip


def offline_work(folder: Path) -> str:
    """A campaign created on this laptop, then edited while there is no network."""
    services = open_services(folder)
    campaign = services.campaigns.create_campaign(CampaignInput(name="BP Clé", short_code="CLE"))
    residence = services.campaigns.add_residence("Les Saules", dwellings=10,
                                                 campaign_id=campaign.id)  # fmt: skip
    services.close()
    return residence.id


def test_a_bundle_carries_the_outbox_and_its_reply_clears_it(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    residence_id = offline_work(a_dir)
    enrolled_laptop(server, a_dir, capsys, Role.CONSULTANT)
    enrolled_laptop(server, b_dir, capsys, Role.FIELD)
    services = open_services(a_dir)  # now offline for days
    services.campaigns.update_residence(residence_id, name="Les Saules", dwellings=11)
    services.campaigns.add_residence("Les Peupliers", dwellings=25)
    services.close()
    waiting = pending(a_dir)
    assert waiting >= 2

    bundle = tmp_path / "usb" / "a.bpsync"
    exported = cli(capsys, "sync", "export", "--data-dir", str(a_dir), "--out", str(bundle))
    assert exported["changes"] == 2 and bundle.is_file()
    assert pending(a_dir) == waiting  # exporting acknowledges nothing

    before = server_records(server)
    first = cli(capsys, "sync", "import", str(bundle), "--db", server.db_url)
    assert first["accepted"] == 2 and first["refused"] == 0 and first["conflicts"] == 0
    reply = Path(first["reply"])
    assert reply == tmp_path / "usb" / "a.reponse.bpsync" and reply.is_file()
    after = server_records(server)
    assert after == before + 1  # one new residence, one edited
    again = cli(capsys, "sync", "import", str(bundle), "--db", server.db_url)
    assert again["accepted"] == 2  # the same batches, replayed
    assert server_records(server) == after

    got = cli(capsys, "sync", "import", str(reply), "--data-dir", str(a_dir))
    assert got["acknowledged"] == 2
    assert pending(a_dir) == 0
    cli(capsys, "sync", "import", str(reply), "--data-dir", str(a_dir))  # twice: nothing more
    assert pending(a_dir) == 0

    b_report = cli(capsys, "sync", "--data-dir", str(b_dir))
    assert b_report["conflicts"] == []
    assert residences(b_dir) == residences(a_dir) == {"Les Saules": 11, "Les Peupliers": 25}
    a_report = cli(capsys, "sync", "--data-dir", str(a_dir))
    assert a_report["sent"] == 0 and a_report["new_conflicts"] == 0


def test_without_the_reply_the_next_sync_acknowledges_without_doubles(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir = tmp_path / "a"
    residence_id = offline_work(a_dir)
    enrolled_laptop(server, a_dir, capsys, Role.CONSULTANT)
    services = open_services(a_dir)
    services.campaigns.update_residence(residence_id, name="Les Saules", dwellings=12)
    services.close()
    bundle = tmp_path / "a.bpsync"
    cli(capsys, "sync", "export", "--data-dir", str(a_dir), "--out", str(bundle))
    cli(capsys, "sync", "import", str(bundle), "--db", server.db_url)
    held = server_records(server)
    # the reply is lost; an edit made after the export is still pending too
    services = open_services(a_dir)
    services.campaigns.add_residence("Les Aulnes", dwellings=3)
    services.close()
    second = tmp_path / "a2.bpsync"
    exported = cli(capsys, "sync", "export", "--data-dir", str(a_dir), "--out", str(second))
    assert exported["changes"] == 2  # the unacknowledged edit travels again, with the new one
    report = cli(capsys, "sync", "import", str(second), "--db", server.db_url)
    assert report["conflicts"] == 0 and report["refused"] == 0
    assert server_records(server) == held + 1  # only Les Aulnes is new
    online = cli(capsys, "sync", "--data-dir", str(a_dir))
    assert online["new_conflicts"] == 0 and online["conflicts"] == []
    assert pending(a_dir) == 0
    assert residences(a_dir) == {"Les Saules": 12, "Les Aulnes": 3}


def test_unknown_device_bad_signature_and_truncated_file_are_refused(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir = tmp_path / "a"
    offline_work(a_dir)
    assert "inscrit sur aucun serveur" in refused(
        capsys, "sync", "export", "--data-dir", str(a_dir), "--out", str(tmp_path / "x.bpsync")
    )
    enrolled_laptop(server, a_dir, capsys, Role.CONSULTANT)
    services = open_services(a_dir)
    services.campaigns.add_residence("Les Houx", dwellings=4)
    services.close()
    bundle = tmp_path / "a.bpsync"
    cli(capsys, "sync", "export", "--data-dir", str(a_dir), "--out", str(bundle))
    data = bundle.read_bytes()
    before = server_records(server)

    other = tmp_path / "other-server"
    open_engine(db_url_for(other)).dispose()
    assert "inconnu de ce serveur" in refused(
        capsys, "sync", "import", str(bundle), "--data-dir", str(other)
    )

    envelope = json.loads(gzip.decompress(data))
    body = json.loads(envelope["body"])
    change = body["batches"][0]["request"]["changes"][0]
    change["fields"]["dwellings"] = 400  # someone edits the file
    envelope["body"] = json.dumps(body)
    forged = tmp_path / "forged.bpsync"
    forged.write_bytes(gzip.compress(json.dumps(envelope).encode()))
    assert "signature" in refused(capsys, "sync", "import", str(forged), "--db", server.db_url)

    truncated = tmp_path / "truncated.bpsync"
    truncated.write_bytes(data[: len(data) // 2])
    assert "tronqué" in refused(capsys, "sync", "import", str(truncated), "--db", server.db_url)
    stranger = tmp_path / "notes.bpsync"
    stranger.write_text("pas un paquet")
    assert "tronqué" in refused(capsys, "sync", "import", str(stranger), "--db", server.db_url)
    assert "pas le dossier d'un serveur" in refused(
        capsys, "sync", "import", str(bundle), "--data-dir", str(a_dir)
    )
    assert server_records(server) == before  # nothing imported

    db = open_database(a_dir)
    laptop = device_id(db)
    db.close()
    engine = open_engine(server.db_url)
    try:
        revoke(engine, laptop)
    finally:
        engine.dispose()
    assert "révoqué" in refused(capsys, "sync", "import", str(bundle), "--db", server.db_url)
    assert server_records(server) == before


def test_a_reply_is_for_its_laptop_only(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    offline_work(a_dir)
    enrolled_laptop(server, a_dir, capsys, Role.CONSULTANT)
    enrolled_laptop(server, b_dir, capsys, Role.FIELD)
    bundle = tmp_path / "a.bpsync"
    cli(capsys, "sync", "export", "--data-dir", str(a_dir), "--out", str(bundle))
    reply = Path(cli(capsys, "sync", "import", str(bundle), "--db", server.db_url)["reply"])
    assert "destiné au poste" in refused(
        capsys, "sync", "import", str(reply), "--data-dir", str(b_dir)
    )
    assert "s'importe sur le poste" in refused(
        capsys, "sync", "import", str(reply), "--db", server.db_url
    )


def test_a_bundle_carries_the_files_and_the_sealed_ballot_keys(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a network, a project's picture and the ballot key go from the laptop that made
    the campaign to a field laptop through the server, on a USB key (docs/sync.md)."""
    import os

    from PIL import Image

    from app.services.ideas import ProjectInput

    a_dir, b_dir = tmp_path / "office", tmp_path / "field"
    server_dir = server.data_dir if server.db_url.startswith("sqlite") else None
    where = ["--data-dir", str(server_dir)] if server_dir else ["--db", server.db_url]
    enrolled_laptop(server, b_dir, capsys, Role.FIELD)  # the server knows both laptops, and A
    enrolled_laptop(server, a_dir, capsys, Role.CONSULTANT)  # learns that B should get keys
    residence_id = offline_work(a_dir)  # then A works offline: a campaign, a pictured project
    source = tmp_path / "photo.png"
    Image.new("RGB", (400, 300), tuple(os.urandom(3))).save(source)
    services = open_services(a_dir)
    try:
        campaign_id = services.campaigns.get_residence(residence_id).campaign_id
        project = services.projects.create_project(
            ProjectInput(title="Jardin", residence_id=residence_id), campaign_id=campaign_id
        )
        relative = Path(services.projects.set_picture(project.id, source).picture_path)
        a_key = services.campaigns.campaign_secret(campaign_id)
    finally:
        services.close()

    exported = cli(capsys, "sync", "export", "--data-dir", str(a_dir), "--out",
                   str(tmp_path / "a.bpsync"))  # fmt: skip
    # one sealed key per laptop of the server that lacks it: B, and any laptop other tests
    # enrolled on this shared server
    assert exported["files"] == 1 and exported["keys_sealed"] >= 1
    imported = cli(capsys, "sync", "import", str(tmp_path / "a.bpsync"), *where)
    assert imported["files_received"] == 1
    assert imported["keys_stored"] == exported["keys_sealed"]
    again = cli(capsys, "sync", "import", str(tmp_path / "a.bpsync"), *where)
    assert again["files_received"] == 0 and again["keys_stored"] == 0  # twice: nothing new

    cli(capsys, "sync", "export", "--data-dir", str(b_dir), "--out", str(tmp_path / "b.bpsync"))
    back = cli(capsys, "sync", "import", str(tmp_path / "b.bpsync"), *where)
    assert back["files_back"] >= 1
    report = cli(capsys, "sync", "import", back["reply"], "--data-dir", str(b_dir))
    assert report["files_received"] >= 1 and report["files_pending"] == 0
    assert report["keys_received"] >= 1 and report["problems"] == []
    assert (b_dir / relative).read_bytes() == (a_dir / relative).read_bytes()
    services = open_services(b_dir)
    try:
        assert services.campaigns.campaign_secret(campaign_id) == a_key != b""
    finally:
        services.close()
