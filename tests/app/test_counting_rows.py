"""Finding 2 of issue 9: rows changed in the database are never shown, sealed or printed.

A real count (printed, marked, rendered and ingested ballots, one hand-keyed ballot, one
decision) is stored in a real SQLite file; each test edits that file with raw SQL, as someone
with the file would, and checks that every figure the app shows, seals, prints or exports is
refused with the broken-chain message naming the sheet.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.domain.audit import ChainBroken
from app.services import open_services
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A data folder holding an open count (4 scanned sheets, a hand-keyed ballot, a
    decision) and a sealed copy of it; (open folder, sealed folder, ids)."""
    root = tmp_path_factory.mktemp("rows")
    data = root / "open"
    with open_services(data) as services:
        setup = make_setup(services)
        deck = print_deck(setup, [[0], [1, 2], [], [3]], root / "scans")
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
        )
        report = services.counting.ingest(session.id, deck.files, workers=1)
        sheets = [r.sheet_id for r in report.recorded]
        hand = services.counting.hand_key(
            session.id, [setup.project_ids[1]], "bulletin déchiré", witness="Karim Benali"
        )
        services.counting.decide(
            session.id, sheets[3], "set_aside", "bulletin douteux, mis de côté"
        )
        services.counting.record_reconciliation(session.id, handed_out=5)
        before = services.counting.status(session.id).tally
    sealed = root / "sealed"
    shutil.copytree(data, sealed)
    with open_services(sealed) as services:
        services.counting.seal(session.id, PASSPHRASE)
    ids = {
        "session": session.id,
        "sheets": sheets,
        "hand": hand,
        "residence": setup.residence_id,
        "projects": setup.project_ids,
        "tally": before,
    }
    return data, sealed, ids


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def _raw(data: Path, *statements: str) -> None:
    conn = sqlite3.connect(data / "bp-terrain.sqlite3")
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _tampers(ids):
    s1, s2, hand = ids["sheets"][0], ids["sheets"][1], ids["hand"]
    p = ids["projects"]
    return {
        "status": (f"UPDATE count_sheet SET status = 'rejected' WHERE id = '{s1}'", s1),
        "reading": (
            "UPDATE count_sheet SET reading_json = replace(reading_json, "
            f"'\"unmarked\"', '\"marked\"') WHERE id = '{s2}'",
            s2,
        ),
        "choices": (
            f"UPDATE count_sheet SET choices = '[\"{p[0]}\", \"{p[1]}\"]' WHERE id = '{hand}'",
            hand,
        ),
        "deleted": (f"DELETE FROM count_sheet WHERE id = '{s1}'", s1),
    }


KINDS = ("status", "reading", "choices", "deleted")


def test_the_untouched_count_passes_every_check(stored, tmp_path):
    data, sealed, ids = stored
    with open_services(_copy(sealed, tmp_path)) as services:
        assert services.counting.status(ids["session"]).tally == ids["tally"]
        assert services.counting.results(ids["residence"]).tally.valid == ids["tally"].valid
        services.count_report.write_count_report(ids["session"], tmp_path / "pv.pdf")
        services.counting.export_bundle(ids["session"], tmp_path / "paquet.zip")


@pytest.mark.parametrize("kind", KINDS)
def test_a_changed_row_blocks_status_results_and_seal(stored, tmp_path, kind):
    data, _sealed, ids = stored
    folder = _copy(data, tmp_path)
    sql, sheet = _tampers(ids)[kind]
    _raw(folder, sql)
    with open_services(folder) as services:
        for attempt in (
            lambda: services.counting.status(ids["session"]),
            lambda: services.counting.results(ids["residence"]),
            lambda: services.counting.review_queue(ids["session"]),
            lambda: services.counting.seal(ids["session"], PASSPHRASE),
        ):
            with pytest.raises(ChainBroken, match="rompu") as caught:
                attempt()
            assert sheet in caught.value.message and "bloqué" in caught.value.message
            assert caught.value.code == "row_differs"
        assert services.counting.get_session(ids["session"]).sealed_at is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_row_changed_after_the_seal_blocks_the_report_and_the_export(stored, tmp_path, kind):
    _data, sealed, ids = stored
    folder = _copy(sealed, tmp_path)
    sql, sheet = _tampers(ids)[kind]
    _raw(folder, sql)
    with open_services(folder) as services:
        with pytest.raises(ChainBroken, match=sheet):
            services.counting.status(ids["session"])
        with pytest.raises(ChainBroken, match=sheet):
            services.count_report.write_count_report(ids["session"], tmp_path / "pv.pdf")
        with pytest.raises(ChainBroken, match=sheet):
            services.counting.export_bundle(ids["session"], tmp_path / "paquet.zip")
        assert not (tmp_path / "pv.pdf").exists() and not (tmp_path / "paquet.zip").exists()


def test_a_changed_decision_or_session_row_is_refused(stored, tmp_path):
    data, sealed, ids = stored
    folder = _copy(data, tmp_path)
    _raw(
        folder,
        "DROP TRIGGER count_decision_no_update",
        "UPDATE count_decision SET value = 'invalid'",
    )
    with open_services(folder) as services:
        with pytest.raises(ChainBroken, match="décision"):
            services.counting.status(ids["session"])
    folder = _copy(sealed, tmp_path / "b")
    _raw(folder, "UPDATE count_session SET handed_out = 4, sealed_hash = NULL")
    with open_services(folder) as services:
        with pytest.raises(ChainBroken, match="session enregistrée"):
            services.counting.results(ids["residence"])


# --- Finding 3: a truncated tail is detected at start -----------------------------------------


def test_deleting_the_last_entries_and_truncating_the_copy_is_detected_at_start(stored, tmp_path):
    from app.services.counting.log import jsonl_path, mark_path

    data, _sealed, ids = stored
    folder = _copy(data, tmp_path)
    session = ids["session"]
    copy = jsonl_path(folder, session)
    lines = copy.read_bytes().splitlines(keepends=True)
    assert len(lines) > 6
    # the last sheet's entries, its row, the hand-keyed ballot, the decision and the
    # reconciliation go: the chain that is left is a valid chain, and so is the copy
    conn = sqlite3.connect(folder / "bp-terrain.sqlite3")
    try:
        kept = 5  # opening + two sheets (ingested, interpreted)
        conn.execute("DROP TRIGGER count_audit_no_delete")
        conn.execute("DROP TRIGGER count_decision_no_delete")
        conn.execute("DELETE FROM count_decision")
        conn.execute(f"DELETE FROM count_audit WHERE seq > {kept}")
        conn.execute(f"DELETE FROM count_sheet WHERE audit_seq > {kept}")
        conn.execute("UPDATE count_session SET handed_out = NULL, returned = NULL")
        conn.commit()
    finally:
        conn.close()
    copy.write_bytes(b"".join(lines[:kept]))
    assert mark_path(folder, session).is_file()
    with open_services(folder) as services:
        with pytest.raises(ChainBroken, match="supprimées") as caught:
            services.counting.verify_session(session)
        assert caught.value.code == "truncated" and "bloqué" in caught.value.message
        with pytest.raises(ChainBroken, match="supprimées"):
            services.counting.status(session)


def test_a_mark_behind_the_log_is_normal_a_mark_on_another_entry_is_not(stored, tmp_path):
    import json

    from app.services.counting.log import mark_path

    data, _sealed, ids = stored
    folder = _copy(data, tmp_path)
    session = ids["session"]
    path = mark_path(folder, session)
    mark = json.loads(path.read_text(encoding="utf-8"))
    # a crash between the commit and the mark leaves the mark behind: not an alarm
    path.write_text(json.dumps({**mark, "entries": 3, "head_hash": _hash_of(folder, 3)}))
    with open_services(folder) as services:
        services.counting.verify_session(session)
        assert json.loads(path.read_text(encoding="utf-8"))["entries"] == mark["entries"]
    path.write_text(json.dumps({**mark, "entries": 3, "head_hash": "0" * 64}))
    with open_services(folder) as services:
        with pytest.raises(ChainBroken, match="n° 3"):
            services.counting.verify_session(session)


def _hash_of(folder: Path, seq: int) -> str:
    conn = sqlite3.connect(folder / "bp-terrain.sqlite3")
    try:
        return conn.execute("SELECT hash FROM count_audit WHERE seq = ?", (seq,)).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE count_session SET mode = 'test'",
        "UPDATE count_session SET superseded_by = 'une-autre-session'",
        "UPDATE count_session SET deleted_at = created_at",
    ],
)
def test_a_session_hidden_from_the_results_by_its_row_is_refused(stored, tmp_path, sql):
    _data, sealed, ids = stored
    folder = _copy(sealed, tmp_path)
    _raw(folder, sql)
    with open_services(folder) as services:
        with pytest.raises(ChainBroken, match=ids["session"]) as caught:
            services.counting.results(ids["residence"])
        assert "rompu" in caught.value.message
