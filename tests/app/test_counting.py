"""The counting service on real printed, marked and rendered ballots."""

from __future__ import annotations

import json
import sqlite3

import pytest
from PIL import Image

from app.domain.audit import ChainBroken
from app.domain.signing import WrongPassphrase
from app.errors import UserError
from app.services.counting.log import jsonl_path
from app.services.counting.store import find_image
from tests.helpers.counting import PASSPHRASE, foreign_ballot, make_setup, print_deck


@pytest.fixture
def counted(services, tmp_path):
    """A campaign with 4 projects, 4 printed and marked live ballots, an open session."""
    setup = make_setup(services)
    deck = print_deck(setup, [[0], [1, 2], [], [3]], tmp_path / "scans")
    session = services.counting.open_session(
        setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
    )
    return setup, deck, session


def test_ingest_records_each_sheet_once_and_reads_the_marks(services, counted):
    setup, deck, session = counted
    report = services.counting.ingest(session.id, deck.files, workers=1)
    assert [r.status for r in report.recorded] == ["valid"] * 4
    again = services.counting.ingest(session.id, deck.files, workers=1)
    assert again.recorded == () and len(again.already_known) == 4
    status = services.counting.status(session.id)
    t = status.tally
    assert (t.sheets, t.valid, t.blank, t.invalid, t.pending) == (4, 3, 1, 0, 0)
    p = setup.project_ids
    assert t.votes == {p[0]: 1, p[1]: 1, p[2]: 1, p[3]: 1}
    # originals stored once, by hash, read-only; the log copy is the database's chain
    sha = json.loads(_reading(services, report.recorded[0].sheet_id))["file_sha256"]
    stored = find_image(services.data_dir, sha)
    assert stored is not None and stored.read_bytes() == deck.files[0].read_bytes()
    assert not stored.stat().st_mode & 0o222
    lines = jsonl_path(services.data_dir, session.id).read_bytes().splitlines()
    assert len(lines) == status.head_seq == 1 + 4 * 2
    assert services.status.campaign_status().as_dict()["sheets_counted"] == 4


def _reading(services, sheet_id):
    from app.storage.count_tables import CountSheetRow

    with services.uow() as s:
        return s.get(CountSheetRow, sheet_id).reading_json


def test_foreign_test_and_corrupt_sheets_are_rejected_never_counted(services, counted, tmp_path):
    setup, deck, session = counted
    corrupt = tmp_path / "abime.png"
    corrupt.write_bytes(deck.files[0].read_bytes()[:5000])
    test = print_deck(setup, [[1]], tmp_path / "essai", batch=2, test=True, prefix="essai")
    files = [foreign_ballot(tmp_path, setup), corrupt, *test.files]
    report = services.counting.ingest(session.id, files, workers=1)
    reasons = [r.reasons for r in report.recorded]
    assert [r.status for r in report.recorded] == ["rejected"] * 3
    assert reasons[0] == ("wrong_campaign",)
    assert reasons[1][0] in ("corrupt_image", "file_unreadable")
    assert reasons[2] == ("test_ballot_in_live_count",)
    t = services.counting.status(session.id).tally
    assert (t.rejected, t.valid, t.votes) == (3, 0, {})
    with pytest.raises(UserError, match="rejetée"):
        services.counting.decide(session.id, report.recorded[0].sheet_id, "invalid", "non")


def test_photocopy_sends_both_sheets_to_review_until_one_is_set_aside(services, counted, tmp_path):
    setup, deck, session = counted
    copy = tmp_path / "photocopie.jpg"
    Image.open(deck.files[0]).save(copy, quality=92)  # other bytes, same serial
    report = services.counting.ingest(session.id, [deck.files[0], copy], workers=1)
    assert report.duplicates == 1
    queue = services.counting.review_queue(session.id)
    assert {i.sheet_id for i in queue} == {r.sheet_id for r in report.recorded}
    assert all("duplicate_serial" in i.reasons for i in queue)
    with pytest.raises(UserError, match="sceller"):
        services.counting.seal(session.id, PASSPHRASE)
    copy_id = report.recorded[1].sheet_id
    services.counting.decide(session.id, copy_id, "set_aside", "Photocopie", witness="Karim Benali")
    assert services.counting.review_queue(session.id) == []
    t = services.counting.status(session.id).tally
    assert (t.valid, t.set_aside, t.votes) == (1, 1, {setup.project_ids[0]: 1})
    slip = services.counting.seal(session.id, PASSPHRASE).slip  # every figure in words
    assert "Bulletins mis de côté : 1" in slip and "set_aside" not in slip


def test_decisions_are_never_edited_a_correction_is_a_new_entry(services, counted, tmp_path):
    setup, deck, session = counted
    # a ballot with too many choices goes to a person, who decides
    over = print_deck(setup, [[0, 1, 2]], tmp_path / "over", batch=3, prefix="over")
    [sheet] = services.counting.ingest(session.id, over.files, workers=1).recorded
    [item] = services.counting.review_queue(session.id)
    assert "too_many_choices" in item.reasons
    first = services.counting.decide(
        session.id, sheet.sheet_id, "unmarked", "Trait de stylo", project_id=setup.project_ids[2]
    )
    t = services.counting.status(session.id).tally
    assert t.valid == 1 and t.votes == {setup.project_ids[0]: 1, setup.project_ids[1]: 1}
    second = services.counting.decide(
        session.id, sheet.sheet_id, "marked", "Revu avec le témoin", project_id=setup.project_ids[2]
    )
    t = services.counting.status(session.id).tally
    assert (t.valid, t.invalid, t.votes) == (0, 1, {})  # three choices: the rule voids it
    from app.storage.count_tables import CountDecisionRow

    with services.uow() as s:
        rows = s.query(CountDecisionRow).order_by(CountDecisionRow.audit_seq).all()
        assert [(r.value, r.corrects_seq) for r in rows] == [("unmarked", None), ("marked", first)]
        assert rows[1].audit_seq == second
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _raw(services, "UPDATE count_decision SET value='unmarked'")


def test_hidden_machine_opinion_and_hand_keyed_ballot(services, tmp_path):
    setup = make_setup(services)
    deck = print_deck(setup, [[0, 1, 3]], tmp_path / "s")
    session = services.counting.open_session(
        setup.residence_id, "Agnès", passphrase=PASSPHRASE, hide_machine_opinion=True
    )
    services.counting.ingest(session.id, deck.files, workers=1)
    [item] = services.counting.review_queue(session.id)
    assert all(b.machine is None and b.score is None for b in item.boxes)
    services.counting.hand_key(session.id, [setup.project_ids[3]], "Bulletin déchiré")
    with pytest.raises(UserError, match="inconnus"):
        services.counting.hand_key(session.id, ["pas-un-projet"], "Essai")
    t = services.counting.status(session.id).tally
    assert (t.hand_keyed, t.valid, t.votes) == (1, 1, {setup.project_ids[3]: 1})


def test_seal_signs_and_freezes_the_session(services, counted):
    setup, deck, session = counted
    services.counting.ingest(session.id, deck.files, workers=1)
    with pytest.raises(WrongPassphrase):
        services.counting.close_batch(session.id, "une autre phrase bien longue")
    slip = services.counting.close_batch(session.id, PASSPHRASE)
    assert "Clôture du lot n° 1" in slip.slip and slip.code.startswith("BPTA1:LOT:")
    rec = services.counting.record_reconciliation(session.id, handed_out=5, spoiled=1)
    assert (rec.printed, rec.handed_out, rec.returned, rec.spoiled) == (4, 5, 4, 1)
    sealed = services.counting.seal(session.id, PASSPHRASE)
    assert services.counting.get_session(session.id).sealed_hash == sealed.hash
    with pytest.raises(UserError, match="scellée"):
        services.counting.ingest(session.id, deck.files, workers=1)
    with pytest.raises(UserError, match="règle de résultats"):
        services.counting.set_results_rule(setup.campaign_id, "mes")
    bundle = services.counting.export_bundle(session.id, services.data_dir / "paquet.zip")
    import zipfile

    names = zipfile.ZipFile(bundle).namelist()
    assert {"log.jsonl", "readings.jsonl", "results.json", "public_key.pem"} <= set(names)


def _raw(services, sql):
    conn = sqlite3.connect(services.db.path)
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def test_log_tampering_is_refused_or_detected_at_start(services, counted):
    from app.services import open_services

    setup, deck, session = counted
    services.counting.ingest(session.id, deck.files[:2], workers=1)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _raw(services, "UPDATE count_audit SET entry = replace(entry, 'valid', 'blank')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _raw(services, "DELETE FROM count_audit WHERE seq = 3")
    # someone drops the triggers and changes one byte of a stored entry
    _raw(services, "DROP TRIGGER count_audit_no_update")
    _raw(
        services,
        "UPDATE count_audit SET entry = replace(entry, '\"page\":1', '\"page\":2') WHERE seq = 2",
    )
    data_dir = services.data_dir
    services.close()
    fresh = open_services(data_dir)  # a restart: the chain is verified before counting
    try:
        with pytest.raises(ChainBroken, match="rompu") as caught:
            fresh.counting.ingest(session.id, deck.files[2:], workers=1)
        assert caught.value.seq == 2
        with pytest.raises(ChainBroken):
            fresh.counting.status(session.id)
    finally:
        fresh.close()


def test_altered_json_lines_copy_is_detected_at_start(services, counted):
    from app.services import open_services

    setup, deck, session = counted
    services.counting.ingest(session.id, deck.files[:1], workers=1)
    copy = jsonl_path(services.data_dir, session.id)
    data = bytearray(copy.read_bytes())
    data[40] = ord("X") if data[40] != ord("X") else ord("Y")
    copy.write_bytes(bytes(data))
    data_dir = services.data_dir
    services.close()
    with open_services(data_dir) as fresh:
        with pytest.raises(ChainBroken, match="copie JSON-lines"):
            fresh.counting.verify_session(session.id)
