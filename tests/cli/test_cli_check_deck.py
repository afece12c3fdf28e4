"""`bp-terrain count check-deck`: a printed test deck, scanned and counted in a test session,
compared with its expectation file; a plain verdict, each difference in words, exit 0 or 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.services import open_services
from tests.cli.test_cli_count import _print_test_deck
from tests.helpers.counting import PASSPHRASE, stored
from ui.cli import main


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[Path], str]:
    """A counted test deck: 8 pre-marked test ballots read, their reviews decided as marked."""
    tmp = tmp_path_factory.mktemp("deck")
    data = tmp / "data"
    expected, files, residence = _print_test_deck(data, tmp, count=8)
    with open_services(data) as services:
        res = services.campaigns.find_residence(residence)
        session = services.counting.open_session(
            res.id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE, mode="test"
        )
        services.counting.ingest(session.id, files, workers=1)
        by_page = {f"page-{s['page']:03d}.png": s for s in expected["sheets"]}
        truth = {stored(f): by_page[f.name] for f in files}
        for item in services.counting.review_queue(session.id):
            sheet = truth[item.file_name]
            if sheet["status"] == "invalid":
                services.counting.decide(session.id, item.sheet_id, "invalid", "Trop de cases",
                                         witness="Karim Benali")  # fmt: skip
                continue
            marked = {m["project_id"] for m in sheet["marks"]}
            for box in item.boxes:
                value = "marked" if box.project_id in marked else "unmarked"
                services.counting.decide(session.id, item.sheet_id, value, "Vu avec le témoin",
                                         project_id=box.project_id)  # fmt: skip
    return data, expected, files, session.id


def check(capsys, data: Path, *argv: str) -> tuple[int, str]:
    code = main(["count", "check-deck", "--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_deck_counted_right_is_conforming(capsys, deck, tmp_path) -> None:
    data, _expected, _files, session = deck
    path = next(data.parent.glob("jeu-essai.expected.json"))
    code, out = check(capsys, data, session, "--expected", str(path))
    assert code == 0, out
    assert out.startswith("CONFORME : le dépouillement donne exactement le résultat attendu")
    assert "8 bulletins" in out
    code, out = check(capsys, data, "--session", session, "--expected", str(path), "--json")
    result = json.loads(out)
    assert code == 0 and result["matches"] is True and result["differences"] == []
    assert all(p["title"] and p["expected"] == p["counted"] for p in result["projects"])


def test_a_difference_is_named_with_the_project_number_and_title(capsys, deck, tmp_path) -> None:
    data, expected, _files, session = deck
    wrong = json.loads(json.dumps(expected))
    line = next(v for v in wrong["votes"] if v["votes"])
    line["votes"] += 1
    path = tmp_path / "faux.expected.json"
    path.write_text(json.dumps(wrong), encoding="utf-8")
    code, out = check(capsys, data, session, "--expected", str(path))
    assert code == 1
    assert out.startswith("NON CONFORME : 1 écart avec le résultat attendu du jeu d'essai.")
    want = f"n° {line['number']} {line['title']} : voix attendues {line['votes']}, "
    assert want + f"comptées {line['votes'] - 1}." in out


def test_an_unfinished_or_live_count_does_not_conform(capsys, deck, tmp_path) -> None:
    data, _expected, files, _session = deck
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    with open_services(copy) as services:
        residence = services.counting.get_session(_session).residence_id
        live = services.counting.open_session(residence, "Agnès Martin", [], passphrase=PASSPHRASE)
        services.counting.ingest(live.id, files[:2], workers=1)
    path = next(data.parent.glob("jeu-essai.expected.json"))
    code, out = check(capsys, copy, live.id, "--expected", str(path))
    assert code == 1 and "NON CONFORME" in out
    assert "Ce dépouillement est réel" in out and "feuilles rejetées" in out


def test_a_file_that_is_not_an_expectation_is_a_french_error(capsys, deck, tmp_path) -> None:
    data, _expected, _files, session = deck
    other = tmp_path / "autre.json"
    other.write_text('{"format": "autre"}', encoding="utf-8")
    code, out = check(capsys, data, session, "--expected", str(other))
    assert code == 2 and "n'est pas le résultat attendu d'un jeu d'essai" in out
