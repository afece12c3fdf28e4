"""The guard's parsed log is kept between checks (`counting.guard.PARSED_LOGS`), never trusted
beyond the bytes it was parsed from.

A real count (hand-keyed ballots, a decision) in a real SQLite file: an unchanged log is not
parsed again, a log that grew has only its new entries parsed, and an entry changed in the file
while the app keeps the parsed copy is parsed again and blocks the count exactly as it does in a
fresh process.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.domain.audit import ChainBroken
from app.services import open_services
from app.services.counting.guard import PARSED_LOGS
from app.services.counting.read import load_facts
from tests.helpers.counting import PASSPHRASE, make_setup


@pytest.fixture
def count(tmp_path):  # type: ignore[no-untyped-def]
    services = open_services(tmp_path / "data")
    setup = make_setup(services)
    session = services.counting.open_session(
        setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
    )
    sheets = [
        services.counting.hand_key(session.id, [pid], "bulletin déchiré")
        for pid in setup.project_ids[:3]
    ]
    yield services, session.id, sheets, setup.project_ids
    services.close()


def _facts(services, session_id):  # type: ignore[no-untyped-def]
    with services.uow() as s:
        return load_facts(s, session_id)


def test_an_unchanged_log_is_not_parsed_again(count):  # type: ignore[no-untyped-def]
    services, session_id, sheets, _ids = count
    first = _facts(services, session_id)
    before = PARSED_LOGS.parsed
    again = _facts(services, session_id)
    services.counting.tally(session_id)
    assert PARSED_LOGS.parsed == before
    assert again == first and len(again[0]) == 3


def test_a_grown_log_has_only_its_new_entries_parsed(count):  # type: ignore[no-untyped-def]
    services, session_id, sheets, ids = count
    _facts(services, session_id)
    before = PARSED_LOGS.parsed
    services.counting.hand_key(session_id, [ids[3]], "bulletin mouillé")
    services.counting.decide(session_id, sheets[0], "set_aside", "bulletin douteux")
    sheet_rows, decisions = _facts(services, session_id)
    assert PARSED_LOGS.parsed - before == 2  # the ballot's entry and the decision's
    assert len(sheet_rows) == 4 and len(decisions) == 1


def _edit_entry(folder: Path, sheet_id: str, choice: str) -> None:
    """Change the choices of a hand-keyed ballot in its log entry only (not in its row)."""
    conn = sqlite3.connect(folder / "bp-terrain.sqlite3")
    try:
        seq, text = conn.execute(
            "SELECT seq, entry FROM count_audit WHERE event = 'hand_keyed_ballot' AND entry LIKE ?",
            (f"%{sheet_id}%",),
        ).fetchone()
        entry = json.loads(text)
        entry["payload"]["choices"] = [choice]
        conn.execute("DROP TRIGGER count_audit_no_update")
        conn.execute(
            "UPDATE count_audit SET entry = ? WHERE seq = ? AND event = 'hand_keyed_ballot'",
            (json.dumps(entry, ensure_ascii=False, separators=(",", ":")), seq),
        )
        conn.commit()
    finally:
        conn.close()


def test_an_entry_changed_in_the_file_is_parsed_again_and_blocks(count, tmp_path):  # type: ignore[no-untyped-def]
    services, session_id, sheets, ids = count
    _facts(services, session_id)  # the parsed copy is warm
    before = PARSED_LOGS.parsed
    _edit_entry(tmp_path / "data", sheets[1], ids[3])
    with pytest.raises(ChainBroken) as warm:
        _facts(services, session_id)
    assert PARSED_LOGS.parsed - before == 1  # the changed entry alone
    assert warm.value.code == "row_differs" and sheets[1] in warm.value.message
    fresh = open_services(tmp_path / "data")  # what a fresh process says: the same
    try:
        with pytest.raises(ChainBroken) as cold:
            _facts(fresh, session_id)
        assert cold.value.message == warm.value.message
    finally:
        fresh.close()
