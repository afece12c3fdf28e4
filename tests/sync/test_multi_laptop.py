"""Two printing laptops and a server (real data folders, a real server process): what used to
keep a laptop an island. Print batch numbers per laptop, the poster's voting times on a synced
record, and the campaign's ballot key sealed for the devices that print or count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services import open_services
from app.services.printing.types import PrintOptions
from app.storage.tables import CampaignRow, PrintBatchRow
from sync.core.tables import Role
from tests.sync.conftest import Server
from ui.cli import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def sync(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> dict:
    return cli(capsys, "sync", "--data-dir", str(folder), *extra)


def enrol(capsys: pytest.CaptureFixture[str], folder: Path, server: Server, role: Role) -> dict:
    return sync(capsys, folder, "--server", server.url, "--code", server.code(role))


def only_campaign(folder: Path) -> str:
    services = open_services(folder)
    try:
        with services.uow() as session:
            return str(session.scalars(select(CampaignRow.id)).one())
    finally:
        services.close()


def demo_campaign(capsys: pytest.CaptureFixture[str], folder: Path) -> str:
    """`bp-terrain demo` in `folder`: the id of its campaign."""
    assert main(["demo", "--data-dir", str(folder)]) == 0
    capsys.readouterr()
    return only_campaign(folder)


def campaign_key(folder: Path, campaign_id: str) -> bytes:
    """The ballot key this laptop holds for the campaign (the server holds every campaign of
    this module's tests: a laptop receives them all)."""
    services = open_services(folder)
    try:
        with services.uow() as session:
            return bytes(session.get(CampaignRow, campaign_id).secret_key)  # type: ignore[union-attr]
    finally:
        services.close()


def print_one(folder: Path, campaign_id: str, out: Path) -> int:
    """Print 3 live ballots of the campaign's first printable residence: the batch number."""
    services = open_services(folder)
    try:
        residence = next(
            r
            for r in services.campaigns.list_residences(campaign_id)
            if services.ballots.admissible_projects(r.id)
        )
        style = services.ballots.ensure_default_style(residence.id)
        summary = services.ballots.print_ballots(style.id, out, PrintOptions(count=3))
        return summary.batch.number
    finally:
        services.close()


def batch_numbers(folder: Path, campaign_id: str) -> list[int]:
    services = open_services(folder)
    try:
        with services.uow() as session:
            query = select(PrintBatchRow.batch_number).where(
                PrintBatchRow.campaign_id == campaign_id
            )
            return sorted(session.scalars(query))
    finally:
        services.close()


def read_ballots(folder: Path, campaign_id: str, pdf: Path) -> list[tuple[int | None, str]]:
    """The count's reader on this laptop's data: (batch, serial check) of each page of `pdf`."""
    from app.services.counting.context import read_context
    from scanner import interpret_file

    services = open_services(folder)
    try:
        with services.uow() as session:
            ctx = read_context(session, campaign_id, "live")
    finally:
        services.close()
    return [(page.batch, page.serial_check) for page in interpret_file(str(pdf), ctx)]


def test_two_laptops_print_offline_and_each_counts_the_others_ballots(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir = tmp_path / "office", tmp_path / "field"
    assert main(["demo", "--data-dir", str(a_dir)]) == 0
    capsys.readouterr()
    campaign = only_campaign(a_dir)
    before = batch_numbers(a_dir, campaign)  # the demo printed on the laptop that created it
    first = enrol(capsys, a_dir, server, Role.CONSULTANT)
    assert first["keys_sealed"] == 0  # no device of a key role yet
    # B enrols after A's sync: it receives the campaign, but not yet its key
    got = enrol(capsys, b_dir, server, Role.FIELD)
    assert got["received"] > 0 and got["keys_received"] == 0
    assert campaign_key(b_dir, campaign) == b""
    assert sync(capsys, a_dir)["keys_sealed"] == 1  # A seals the key for B
    assert sync(capsys, b_dir)["keys_received"] == 1
    assert campaign_key(b_dir, campaign) == campaign_key(a_dir, campaign) != b""

    # the project pictures came with their records (files by their SHA-256, docs/sync.md):
    # nothing is copied by hand, and B prints them
    pictures = sorted(p.relative_to(a_dir) for p in (a_dir / "pictures").iterdir())
    assert pictures
    for relative in pictures:
        assert (b_dir / relative).read_bytes() == (a_dir / relative).read_bytes()
    # both print offline, then sync: different numbers, no clash, every batch everywhere
    number_a = print_one(a_dir, campaign, tmp_path / "a.pdf")
    number_b = print_one(b_dir, campaign, tmp_path / "b.pdf")
    assert number_a != number_b
    assert number_b // 10_000 != number_a // 10_000  # each laptop has its own block
    for folder in (a_dir, b_dir, a_dir):
        report = sync(capsys, folder)
        assert report["refused"] == 0
    expected = sorted([*before, number_a, number_b])
    assert batch_numbers(a_dir, campaign) == batch_numbers(b_dir, campaign) == expected

    # the count on A recognises B's ballots as genuine (its serials came with the batch), and B's
    # count recognises A's
    assert read_ballots(a_dir, campaign, tmp_path / "b.pdf") == [(number_b, "ok")] * 3
    assert read_ballots(b_dir, campaign, tmp_path / "a.pdf") == [(number_a, "ok")] * 3


def test_the_poster_voting_times_travel(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    assert main(["demo", "--data-dir", str(a_dir)]) == 0
    capsys.readouterr()
    a = open_services(a_dir)
    residence = a.campaigns.list_residences(only_campaign(a_dir))[0]
    a.ballots.set_vote_sessions(residence.id, "12/03/2027 17:00-19:00 Salle commune")
    a.ballots.set_poster_contact(residence.id, "Mme Durand 06 12 34 56 78")
    a.close()
    enrol(capsys, a_dir, server, Role.CONSULTANT)
    enrol(capsys, b_dir, server, Role.FIELD)
    b = open_services(b_dir)
    try:
        assert b.ballots.vote_sessions_text(residence.id) == "12/03/2027 17:00-19:00 Salle commune"
        assert b.ballots.poster_contact_text(residence.id) == "Mme Durand 06 12 34 56 78"
        # edited on B, back on A
        b.ballots.set_vote_sessions(residence.id, "13/03/2027 10:00-12:00 Hall B")
    finally:
        b.close()
    sync(capsys, b_dir)
    sync(capsys, a_dir)
    a = open_services(a_dir)
    try:
        assert a.ballots.vote_sessions_text(residence.id) == "13/03/2027 10:00-12:00 Hall B"
    finally:
        a.close()


def test_a_device_of_another_role_never_receives_the_key_and_the_server_never_holds_it(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir, c_dir, o_dir = tmp_path / "a", tmp_path / "consultant2", tmp_path / "officer"
    campaign_id = demo_campaign(capsys, a_dir)
    enrol(capsys, a_dir, server, Role.CONSULTANT)
    enrol(capsys, c_dir, server, Role.CONSULTANT)
    enrol(capsys, o_dir, server, Role.OFFICER)
    sync(capsys, a_dir)
    assert sync(capsys, o_dir)["keys_received"] >= 1
    assert sync(capsys, c_dir)["keys_received"] == 0
    key = campaign_key(a_dir, campaign_id)
    assert campaign_key(o_dir, campaign_id) == key and campaign_key(c_dir, campaign_id) == b""
    # a consultant's laptop holds no key; sealing one for it is refused by the server
    from sync.client.http import Transport
    from sync.core.errors import SyncRefused
    from sync.core.protocol import PROTOCOL_VERSION, KeysReply, KeysRequest
    from sync.core.sealing import public_key, seal

    services = open_services(c_dir)
    meta = {k: services.uow.get_meta(k) for k in ("sync_token", "sync_device_key", "device_id")}
    services.close()
    services = open_services(a_dir)
    token = services.uow.get_meta("sync_token")
    services.close()
    sealed = seal(
        key, campaign_id, str(meta["device_id"]), public_key(str(meta["sync_device_key"]))
    )
    with pytest.raises(SyncRefused, match="ne doit pas recevoir"):
        Transport(server.url, token).post(
            "/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION, sealed=[sealed]), KeysReply
        )
    # the server holds the key nowhere in clear (hex, base64 or raw bytes), in any file
    if server.db_url.startswith("sqlite"):
        import base64

        blob = b"".join(p.read_bytes() for p in server.data_dir.iterdir() if p.is_file())
        for form in (key, key.hex().encode(), base64.b64encode(key), key.hex().upper().encode()):
            assert form not in blob
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(server.db_url)
        with engine.connect() as connection:
            dump = " ".join(
                str(row)
                for table in ("server_record", "wrapped_key", "device_state", "server_batch")
                for row in connection.execute(text(f"SELECT * FROM {table}"))
            )
        engine.dispose()
        assert key.hex() not in dump and key.hex().upper() not in dump


def test_a_wrong_ballot_key_is_refused_and_the_right_one_comes_at_a_later_sync(
    server: Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A device seals a key that is not the campaign's for a field laptop: the laptop checks
    it against the campaign's key check value, refuses it (logged, told in French, not
    installed), hands it back, and receives the right one once a holder synced."""
    import logging
    import os

    from sync.client.http import Transport
    from sync.core.protocol import PROTOCOL_VERSION, KeysReply, KeysRequest
    from sync.core.sealing import seal

    a_dir, b_dir = tmp_path / "office", tmp_path / "field"
    assert main(["demo", "--data-dir", str(a_dir)]) == 0
    capsys.readouterr()
    campaign = only_campaign(a_dir)
    enrol(capsys, a_dir, server, Role.CONSULTANT)
    enrol(capsys, b_dir, server, Role.FIELD)  # the campaign, not yet its key
    b = open_services(b_dir)
    b_id = str(b.uow.get_meta("device_id"))
    b.close()
    rogue = Transport(server.url, server.enrol(Role.FIELD, f"rogue-{b_id}"))
    recipients = rogue.post("/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION), KeysReply)
    b_key = next(r.public_key for r in recipients.recipients if r.device_id == b_id)
    wrong = seal(os.urandom(32), campaign, b_id, b_key)
    rogue.post("/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION, sealed=[wrong]), KeysReply)

    with caplog.at_level(logging.WARNING, logger="sync.client.service"):
        report = sync(capsys, b_dir)
    assert report["keys_received"] == 0 and report["keys_refused"] == 1
    assert any("ne correspond pas à la campagne" in p for p in report["problems"])
    assert any("does not match" in r.getMessage() and campaign in r.getMessage()
               for r in caplog.records)  # fmt: skip
    assert campaign_key(b_dir, campaign) == b""  # the wrong key is not installed

    # handed back: the server forgot it, the holder seals the right key, B installs it
    assert sync(capsys, a_dir)["keys_sealed"] == 1
    report = sync(capsys, b_dir)
    assert report["keys_received"] == 1 and report["keys_refused"] == 0
    assert campaign_key(b_dir, campaign) == campaign_key(a_dir, campaign) != b""


def test_two_laptops_sealing_the_key_for_one_newcomer_at_once_both_succeed(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two holders of the ballot key seal it for the same new laptop in two transactions that
    overlap (20 laptops syncing at once did this on PostgreSQL: the second one was refused on
    the sealed copies' primary key). The first copy stays; the second exchange stores nothing
    and succeeds; the newcomer receives the key once."""
    import threading

    from sync.core.protocol import PROTOCOL_VERSION, KeysRequest
    from sync.core.sealing import public_key, seal
    from sync.server.keys import exchange
    from sync.server.store import Device, WrappedKey, open_engine, transaction

    a_dir, b_dir, new_dir = tmp_path / "a", tmp_path / "b", tmp_path / "new"
    campaign_id = demo_campaign(capsys, a_dir)
    enrol(capsys, a_dir, server, Role.CONSULTANT)
    enrol(capsys, b_dir, server, Role.FIELD)
    sync(capsys, a_dir)
    sync(capsys, b_dir)  # B holds the key too now
    key = campaign_key(a_dir, campaign_id)
    assert campaign_key(b_dir, campaign_id) == key != b""
    enrol(capsys, new_dir, server, Role.OFFICER)  # a newcomer: nobody has sealed for it yet

    def meta(folder: Path, name: str) -> str:
        services = open_services(folder)
        try:
            return str(services.uow.get_meta(name))
        finally:
            services.close()

    newcomer = meta(new_dir, "device_id")
    recipient_key = public_key(meta(new_dir, "sync_device_key"))
    requests = [
        KeysRequest(protocol=PROTOCOL_VERSION, sealed=[seal(key, campaign_id, newcomer, recipient_key)])
        for _ in range(2)
    ]  # fmt: skip
    engine = open_engine(server.db_url)
    results: list[object] = []
    try:
        with transaction(engine) as first:
            with first.no_autoflush:
                assert first.get(WrappedKey, (campaign_id, newcomer)) is None
            sender_a = first.get(Device, meta(a_dir, "device_id"))
            assert sender_a is not None
            assert exchange(first, sender_a, requests[0]).stored == 1  # not committed yet

            def second() -> None:  # waits for the first on the key (PostgreSQL) or the lock
                try:
                    with transaction(engine) as session:
                        sender_b = session.get(Device, meta(b_dir, "device_id"))
                        assert sender_b is not None
                        results.append(exchange(session, sender_b, requests[1]).stored)
                except Exception as exc:  # noqa: BLE001 - the assertion below names it
                    results.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(timeout=1.5)  # it is blocked behind the first transaction
        thread.join(timeout=60)
        assert results == [0]
        with transaction(engine) as session:
            copies = session.query(WrappedKey).filter_by(device_id=newcomer).all()
            assert [(c.campaign_id, c.sender) for c in copies if c.campaign_id == campaign_id] == [
                (campaign_id, meta(a_dir, "device_id"))
            ]
    finally:
        engine.dispose()
    assert sync(capsys, new_dir)["keys_received"] >= 1
    assert campaign_key(new_dir, campaign_id) == key
