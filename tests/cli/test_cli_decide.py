"""`count decide`: a witness must be one of the session's, and --reason is optional as in the app
(the decision's default words are recorded, the same as the app's decision keys)."""

from __future__ import annotations

import json

import pytest

from app.errors import UserError
from app.services import open_services
from app.services.counting.log import jsonl_path
from tests.helpers.counting import PASSPHRASE, make_setup
from ui.cli import main


@pytest.fixture
def keyed(tmp_path):
    """A session witnessed by Karim Benali, with one hand-keyed ballot to decide on."""
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
        )
        sheet = services.counting.hand_key(session.id, [setup.project_ids[0]], "Déchiré")
    return data, session.id, sheet


def _decisions(data, session_id):
    lines = jsonl_path(data, session_id).read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    return [e["payload"] for e in entries if e["event"] == "decision"]


def test_a_name_that_is_not_a_witness_is_refused(keyed, capsys):
    data, session, sheet = keyed
    code = main(["count", "decide", "--data-dir", str(data), "--session", session,
                 "--sheet", sheet, "--sheet-as", "invalid", "--reason", "Déchiré",
                 "--witness", "Paul Inconnu"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "« Paul Inconnu » n'est pas un témoin de cette session (témoins : Karim Benali)" in err
    assert _decisions(data, session) == []


def test_without_reason_the_decision_records_the_apps_default_words(keyed, capsys):
    data, session, sheet = keyed
    code = main(["count", "decide", "--data-dir", str(data), "--session", session,
                 "--sheet", sheet, "--sheet-as", "set-aside", "--witness", "karim  BENALI"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    [decision] = _decisions(data, session)
    assert decision["reason"] == "Bulletin mis de côté"  # the app's A key records the same
    assert decision["witness"] == "Karim Benali"  # the session's own spelling


def test_the_service_refuses_a_stranger_as_witness_of_a_hand_keyed_ballot(keyed):
    data, session, _sheet = keyed
    with open_services(data) as services:
        with pytest.raises(UserError, match="n'est pas un témoin") as caught:
            services.counting.hand_key(session, [], "Déchiré", witness="Paul Inconnu")
        assert caught.value.field == "witness"


def test_count_open_says_what_looks_wrong_about_a_live_count(tmp_path, capsys):
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)  # no ballot printed, no voting date
    passphrase_file = tmp_path / "phrase.txt"
    passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    code = main(["count", "open", "--data-dir", str(data), "--residence", setup.residence_name,
                 "--officer", "Agnès Martin", "--passphrase-file", str(passphrase_file)])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "Attention : Aucun bulletin réel n'a été imprimé pour « Les Tilleuls »" in err
    assert "Attention : Aucune date de vote n'est fixée pour « Les Tilleuls »." in err
    assert "fige la règle de résultats" in err
