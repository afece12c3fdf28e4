"""Reopening a sealed count: a new, logged session that carries the sheets over by reference
and records corrections as new decisions; results follow the newest sealed session."""

from __future__ import annotations

import json
import zipfile

import pytest

from app.domain.audit import EventType
from app.errors import UserError
from app.services.counting.log import jsonl_path
from app.verify import verify_bundle
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck


@pytest.fixture
def sealed(services, tmp_path):
    """A sealed count: 3 valid ballots, 1 with too many choices decided on a box, reconciled."""
    setup = make_setup(services)
    deck = print_deck(setup, [[0], [1, 2], [3], [0, 1, 2]], tmp_path / "scans")
    c = services.counting
    session = c.open_session(setup.residence_id, "Agnès Martin", ["Karim"], passphrase=PASSPHRASE)
    report = c.ingest(session.id, deck.files, workers=1)
    over = report.recorded[3].sheet_id
    c.decide(session.id, over, "unmarked", "Trait de stylo", project_id=setup.project_ids[2])
    c.record_reconciliation(session.id, handed_out=4)
    c.seal(session.id, PASSPHRASE)
    return setup, deck, session, report


def _log(services, session_id):
    lines = jsonl_path(services.data_dir, session_id).read_bytes().splitlines()
    return [json.loads(line) for line in lines]


def test_reopen_carries_the_sealed_count_over_by_reference(services, sealed):
    setup, deck, parent, report = sealed
    c = services.counting
    before = c.status(parent.id)
    child = c.reopen(parent.id, "Erreur de saisie signalée par un témoin", passphrase=PASSPHRASE)
    assert child.parent_session_id == parent.id and not child.sealed
    log = _log(services, child.id)
    first = log[0]
    assert first["event"] == EventType.SESSION_REOPENED.value
    assert first["payload"]["previous_session_id"] == parent.id
    assert first["payload"]["previous_sealed_hash"] == before.session.sealed_hash
    assert first["payload"]["reason"] == "Erreur de saisie signalée par un témoin"
    # every sheet, reading, decision and the reconciliation, nothing read again
    parent_log = _log(services, parent.id)
    carried = [e["event"] for e in parent_log[1:] if e["event"] not in _NOT_CARRIED]
    assert [e["event"] for e in log[1:]] == carried
    readings = {e["payload"]["reading_sha256"] for e in log if e["event"] == "sheet_interpreted"}
    assert readings == {
        e["payload"]["reading_sha256"] for e in parent_log if e["event"] == "sheet_interpreted"
    }
    new_ids = {e["payload"]["sheet_id"] for e in log if e["event"] == "sheet_ingested"}
    assert new_ids.isdisjoint(r.sheet_id for r in report.recorded)
    after = c.status(child.id)
    assert after.tally == before.tally and after.pending_reviews == 0
    assert after.session.reconciliation == before.session.reconciliation
    assert c.ingest(child.id, deck.files, workers=1).recorded == ()  # already known


_NOT_CARRIED = {"session_opened", "tally_computed", "session_sealed", "export_created"}


def test_a_correction_is_a_new_decision_and_results_follow_the_newest_seal(
    services, sealed, tmp_path
):
    setup, deck, parent, report = sealed
    c = services.counting
    p = setup.project_ids
    sealed_results = c.results(setup.residence_id)
    assert sealed_results.tally.valid == 4
    assert sealed_results.tally.votes == {p[0]: 2, p[1]: 2, p[2]: 1, p[3]: 1}
    child = c.reopen(parent.id, "Recomptage demandé", passphrase=PASSPHRASE, officer="Louise")
    with pytest.raises(UserError, match="déjà ouverte"):
        c.reopen(parent.id, "Une seconde fois", passphrase=PASSPHRASE)
    # while the reopening is open, the sealed figures stand
    meanwhile = c.results(setup.residence_id)
    assert meanwhile.sessions == (parent.id,) and meanwhile.all_sealed
    assert meanwhile.reopened == (child.id,)
    # correct the box decided in the sealed session: the ballot now has three choices
    [carried] = [d for d in _log(services, child.id) if d["event"] == "decision"]
    sheet = carried["payload"]["sheet_id"]
    seq = c.decide(child.id, sheet, "marked", "Revu avec les témoins", project_id=p[2])
    [correction] = [e for e in _log(services, child.id) if e["seq"] == seq]
    assert correction["payload"]["corrects_seq"] == carried["seq"]
    c.seal(child.id, PASSPHRASE)
    assert c.get_session(parent.id).superseded_by == child.id
    final = c.results(setup.residence_id)
    assert final.sessions == (child.id,) and final.reopened == ()
    assert (final.tally.valid, final.tally.invalid) == (3, 1)
    assert final.tally.votes == {p[0]: 1, p[1]: 1, p[2]: 1, p[3]: 1}
    assert services.status.campaign_status().as_dict()["sheets_counted"] == 4
    # the new session's bundle verifies on its own: its log holds everything it counts
    bundle = c.export_bundle(child.id, tmp_path / "reprise.zip")
    outcome = verify_bundle(bundle)
    assert outcome.ok, outcome
    assert json.loads(zipfile.ZipFile(bundle).read("results.json"))["session_id"] == child.id


def test_only_the_newest_sealed_session_can_be_reopened(services, sealed, tmp_path):
    setup, deck, parent, report = sealed
    c = services.counting
    with pytest.raises(UserError, match="pourquoi"):
        c.reopen(parent.id, "  ", passphrase=PASSPHRASE)
    child = c.reopen(parent.id, "Correction", passphrase=PASSPHRASE)
    with pytest.raises(UserError, match="pas scellée"):
        c.reopen(child.id, "Trop tôt", passphrase=PASSPHRASE)
    # a photocopy of a carried ballot is found inside the reopening, not against its parent
    from PIL import Image

    copy = tmp_path / "photocopie.jpg"
    Image.open(deck.files[0]).save(copy, quality=90)
    [dup] = c.ingest(child.id, [copy], workers=1).recorded
    assert "duplicate_serial" not in dup.reasons  # not "seen in another session"
    [entry] = [e for e in _log(services, child.id)[1:] if e["event"] == "duplicate_serial"]
    assert len(entry["payload"]["sheet_ids"]) == 2  # the carried original and the copy
    queue = c.review_queue(child.id)
    assert dup.sheet_id in {i.sheet_id for i in queue} and len(queue) == 2
    assert all("duplicate_serial" in i.reasons and len(i.duplicates) == 1 for i in queue)
    c.decide(child.id, dup.sheet_id, "set_aside", "Photocopie")
    c.seal(child.id, PASSPHRASE)
    with pytest.raises(UserError, match="remplacée"):
        c.reopen(parent.id, "Encore", passphrase=PASSPHRASE)
    grandchild = c.reopen(child.id, "Deuxième correction", passphrase=PASSPHRASE)
    assert c.status(grandchild.id).tally.set_aside == 1
