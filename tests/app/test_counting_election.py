"""The counting service writes the election description into the log (issue 9): whole at the
opening, again (`election_changed`) when the budget, a project or the results rule changes,
before anything is signed; the seal signs the description, the entry count and the hash of
the bundle's sealed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.audit import EventType
from app.domain.audit.election import election_hash
from app.services import open_services
from app.services.counting.log import load_entries
from app.verify.sealed import sealed_manifest_hash
from tests.helpers.counting import PASSPHRASE, make_setup


@pytest.fixture
def services(tmp_path: Path):
    services = open_services(tmp_path / "data")
    yield services
    services.close()


def _entries(services, session_id):
    with services.uow() as s:
        return load_entries(s, session_id)


def test_the_opening_entry_holds_the_whole_description(services):
    setup = make_setup(services, budget_cents=700_000)
    session = services.counting.open_session(setup.residence_id, "Agnès Martin",
                                             passphrase=PASSPHRASE)  # fmt: skip
    election = _entries(services, session.id)[0].payload["election"]
    assert election["residence_id"] == setup.residence_id
    assert election["residence"] == "Les Tilleuls" and election["budget_cents"] == 700_000
    assert [p["project_id"] for p in election["projects"]] == setup.project_ids
    assert [p["title"] for p in election["projects"]][0] == "Projet numéro 1"
    assert election["rule"] == "greedy" and election["threshold"] == 0


def test_a_budget_changed_during_the_count_is_logged_before_the_batch_is_signed(services):
    setup = make_setup(services, budget_cents=700_000)
    c = services.counting
    session = c.open_session(setup.residence_id, "Agnès Martin", passphrase=PASSPHRASE)
    services.campaigns.update_residence(setup.residence_id, name="Les Tilleuls",
                                        budget_cents=650_000)  # fmt: skip
    c.close_batch(session.id, PASSPHRASE)
    entries = _entries(services, session.id)
    changed, batch = entries[-2], entries[-1]
    assert changed.event is EventType.ELECTION_CHANGED
    assert changed.payload["election"]["budget_cents"] == 650_000
    assert batch.event is EventType.BATCH_CLOSED
    assert batch.payload["election_sha256"] == election_hash(changed.payload["election"])
    assert batch.payload["entries"] == batch.seq == len(entries)
    c.close_batch(session.id, PASSPHRASE)  # nothing changed since: no new description
    assert [e.event for e in _entries(services, session.id)][-2:] == [
        EventType.BATCH_CLOSED, EventType.BATCH_CLOSED,
    ]  # fmt: skip


def test_declaring_the_results_rule_is_logged_at_once_in_an_open_test_count(services):
    setup = make_setup(services, budget_cents=700_000)
    c = services.counting
    session = c.open_session(setup.residence_id, "Agnès Martin", passphrase=PASSPHRASE,
                             mode="test")  # fmt: skip
    c.set_results_rule(setup.campaign_id, "greedy", threshold=2)
    last = _entries(services, session.id)[-1]
    assert last.event is EventType.ELECTION_CHANGED
    assert last.payload["election"]["threshold"] == 2
    assert "Règle de résultats déclarée" in last.payload["reason"]


def test_the_seal_signs_the_description_and_the_sealed_files_of_the_bundle(services):
    setup = make_setup(services, budget_cents=700_000)
    c = services.counting
    session = c.open_session(setup.residence_id, "Agnès Martin", passphrase=PASSPHRASE)
    c.hand_key(session.id, [setup.project_ids[0]], "Bulletin déchiré")
    c.seal(session.id, PASSPHRASE)
    entries = _entries(services, session.id)
    seal = entries[-1]
    assert seal.event is EventType.SESSION_SEALED and seal.payload["entries"] == seal.seq
    assert seal.payload["election_sha256"] == election_hash(entries[0].payload["election"])
    files = c.exports.bundle_files(session.id, with_images=False)
    assert seal.payload["manifest_sha256"] == sealed_manifest_hash(files)
