"""The command line speaks French like the app: argparse's own words and every help text go
through the catalog, and `--lang en` (anywhere on the line) gives English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.i18n import set_language
from ui.cli import main


@pytest.fixture(autouse=True)
def back_to_french() -> Iterator[None]:
    yield
    set_language("fr")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out, err


def test_help_is_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith("utilisation : bp-terrain")
    assert "afficher cette aide et quitter" in out and "arguments positionnels" in out
    assert "Ouvrir l'application" in out
    assert "usage:" not in out and "show this help" not in out


def test_help_in_english_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--lang", "en", "--help")
    assert code == 0
    assert out.startswith("usage: bp-terrain")
    assert "show this help message and exit" in out and "Open the app" in out
    assert "utilisation" not in out and "Ouvrir" not in out


def test_sub_command_help_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    _, french, _ = run(capsys, "ballots", "print", "--help")
    assert "nombre de bulletins" in french and "fichier PDF à écrire" in french
    _, english, _ = run(capsys, "ballots", "print", "--lang", "en", "--help")
    assert "number of ballots" in english and "PDF file to write" in english
    assert "bulletins" not in english


def test_missing_arguments_error_is_french_then_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ballots", "print", "--count", "3")
    assert code == 2
    assert "bp-terrain ballots print : erreur : ces arguments sont obligatoires : " in err
    assert "--residence" in err and "the following" not in err
    code, _, err = run(capsys, "--lang", "en", "ballots", "print", "--count", "3")
    assert code == 2 and "error: the following arguments are required: " in err


def test_invalid_choice_and_unknown_argument_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ballots", "materials", "--residence", "R", "--out", "x.pdf",
                       "--kind", "flyer")  # fmt: skip
    assert code == 2 and "choix invalide : 'flyer' (choisir parmi " in err
    code, _, err = run(capsys, "status", "--colour")
    assert code == 2 and "arguments non reconnus : --colour" in err


def test_user_errors_are_prefixed_in_the_chosen_language(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    assert main(["rules", "run", str(tmp_path / "absent.pb")]) == 2
    assert capsys.readouterr().err.startswith("Erreur : ")
    assert main(["--lang", "en", "rules", "run", str(tmp_path / "absent.pb")]) == 2
    assert capsys.readouterr().err.startswith("Error: ")


def test_status_labels_follow_the_language(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    data = str(tmp_path / "demo")
    assert main(["demo", "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["status", "--data-dir", data, "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "Campaign: " in english and "Admissible projects" in english
    assert "Changes to synchronise" in english and "Projets" not in english
