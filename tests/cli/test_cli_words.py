"""What the count commands print is French, like the app: reason codes and sheet states become
labels (the codes stay in `--json`); `results` before any count says so; `--out` creates its
folder. In process through `ui.cli.main`, on real printed and scanned ballots."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.services import open_services
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck
from ui.cli import main


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[Path]]:
    """A campaign and its scans: a valid ballot, one with too many choices, and a page of
    writing that is no ballot."""
    tmp_path = tmp_path_factory.mktemp("printed")
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        deck = print_deck(setup, [[0], [0, 1, 2]], tmp_path / "scans")
    letter = Image.new("L", (1654, 2339), 255)
    pen = ImageDraw.Draw(letter)
    for row in range(300, 2000, 60):
        pen.line([(200, row), (1400, row + 7)], fill=30, width=5)
    path = tmp_path / "scans" / "lettre.png"
    letter.save(path)
    return data, setup.residence_name, [*deck.files, path]


@pytest.fixture
def counted(
    printed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str, list[Path]]:
    """A copy of the printed campaign's data folder, for one test."""
    monkeypatch.setenv("BP_TERRAIN_PASSPHRASE", PASSPHRASE)
    data, residence, files = printed
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    return str(copy), residence, files


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _open(capsys: pytest.CaptureFixture[str], data: str, residence: str) -> str:
    out = cli(capsys, "count", "open", "--data-dir", data, "--residence", residence,
              "--officer", "Agnès Martin", "--witness", "Karim Benali")  # fmt: skip
    return out.strip().splitlines()[-1]


def test_reasons_and_states_are_printed_in_french(capsys, counted) -> None:
    data, residence, files = counted
    session = _open(capsys, data, residence)
    s = ("--data-dir", data, "--session", session)
    text = cli(capsys, "count", "ingest", *s, *map(str, files))
    assert "Plus de projets cochés que la règle ne le permet." in text
    assert "Aucun repère de bulletin trouvé" in text and "rejeté" in text and "à revoir" in text
    for code in ("too_many_choices", "needs_review", "no_markers", "rejected"):
        assert code not in text
    review = cli(capsys, "count", "review", *s)
    assert "Plus de projets cochés" in review and "too_many_choices" not in review
    sheets = cli(capsys, "count", "sheets", *s)
    assert "valide" in sheets and "rejeté" in sheets and "Aucun repère" in sheets
    assert "no_markers" not in sheets and "pending" not in sheets


def test_json_keeps_the_codes(capsys, counted) -> None:
    data, residence, files = counted
    session = _open(capsys, data, residence)
    s = ("--data-dir", data, "--session", session)
    recorded = json.loads(cli(capsys, "count", "ingest", *s, "--json", *map(str, files)))
    reasons = {r["file"]: (r["status"], r["reasons"]) for r in recorded["recorded"]}
    assert reasons["lettre.png"] == ("rejected", ["no_markers"])
    assert "too_many_choices" in reasons[files[1].name][1]


def test_english_labels_with_lang_en(capsys, counted) -> None:
    data, residence, files = counted
    session = _open(capsys, data, residence)
    text = cli(capsys, "--lang", "en", "count", "ingest", "--data-dir", data, "--session",
               session, *map(str, files))  # fmt: skip
    assert "rejected" in text and "More projects marked than the rule allows." in text
    assert "no_markers" not in text and "rejeté" not in text


def test_results_before_any_count_say_nothing_was_counted(capsys, counted) -> None:
    data, residence, _files = counted
    text = cli(capsys, "results", "--data-dir", data, "--residence", residence)
    assert "Rien n'a encore été dépouillé" in text
    assert "sous le seuil" not in text and "non atteint" not in text
    session = _open(capsys, data, residence)
    text = cli(capsys, "results", "--data-dir", data, "--residence", residence)
    assert "aucun bulletin n'a encore été compté" in text and session not in text
    assert "sous le seuil" not in text


def test_out_into_a_missing_folder_creates_it(capsys, counted, tmp_path) -> None:
    data, residence, files = counted
    session = _open(capsys, data, residence)
    s = ("--data-dir", data, "--session", session)
    cli(capsys, "count", "ingest", *s, str(files[0]))
    cli(capsys, "count", "close", *s)
    for argv, path in (
        (("count", "export", *s), tmp_path / "paquets" / "p.zip"),
        (("count", "slip", *s), tmp_path / "bordereaux" / "b.pdf"),
        (("report", "--data-dir", data, "--session", session), tmp_path / "pv" / "pv.pdf"),
        (("pabulib", "export", "--data-dir", data, "--residence", residence),
         tmp_path / "publics" / "r.json"),
    ):  # fmt: skip
        cli(capsys, *argv, "--out", str(path))
        assert path.exists(), argv


def test_printing_into_a_missing_folder_creates_it(capsys, tmp_path) -> None:
    data = str(tmp_path / "demo")
    cli(capsys, "demo", "--data-dir", data)
    common = ("--data-dir", data, "--residence", "Les Tilleuls")
    out = tmp_path / "nouveau" / "dossier" / "bulletins.pdf"
    cli(capsys, "ballots", "print", *common, "--count", "1", "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    deck = tmp_path / "essais" / "jeu.pdf"
    cli(capsys, "ballots", "test-deck", *common, "--out", str(deck))
    assert deck.exists() and deck.with_suffix(".expected.json").exists()
    poster = tmp_path / "affiches" / "affiche.pdf"
    cli(capsys, "ballots", "materials", *common, "--kind", "poster", "--out", str(poster))
    assert poster.exists()


def test_out_that_cannot_be_created_is_a_french_error(capsys, tmp_path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    data = str(tmp_path / "demo")
    cli(capsys, "demo", "--data-dir", data)
    code = main(["ballots", "materials", "--data-dir", data, "--residence", "Les Tilleuls",
                 "--kind", "poster", "--out", str(blocker / "affiche.pdf")])  # fmt: skip
    assert code == 2
    assert "Impossible de créer le dossier" in capsys.readouterr().err
