"""`bp-terrain ballots ...` on a demo campaign (in this process, tests/helpers/cli.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)  # in this process: tests/helpers/cli.py


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "data"
    done = run("demo", "--data-dir", str(path))
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def data(demo_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "data"
    shutil.copytree(demo_template, copy)
    return str(copy)


def status(data: str) -> dict[str, object]:
    done = run("status", "--data-dir", data, "--json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_print_writes_pdf_and_layout_records_batch_and_prints_summary(data, tmp_path):
    out = tmp_path / "tilleuls.pdf"
    done = run(
        "ballots", "print", "--data-dir", data, "--residence", "les tilleuls",
        "--count", "7", "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Lot n° 1 enregistré : 7 bulletins, Les Tilleuls" in done.stdout
    assert out.read_bytes().startswith(b"%PDF")
    layout = json.loads((tmp_path / "tilleuls.layout.json").read_text(encoding="utf-8"))
    assert layout["format"] == "bp-terrain-layout" and len(layout["boxes"]) == 4
    assert layout["template_hash"] in done.stdout
    assert status(data)["ballots_printed"] == 7


def test_options_test_no_serial_order_style_and_batches_json(data, tmp_path):
    common = ("--data-dir", data, "--residence", "Résidence du Parc")
    first = run("ballots", "print", *common, "--count", "2", "--test", "--out", str(tmp_path / "t.pdf"))  # fmt: skip
    assert first.returncode == 0, first.stderr
    second = run(
        "ballots", "print", *common, "--count", "3", "--no-serial", "--order", "alphabetical",
        "--style", "standard", "--out", str(tmp_path / "n.pdf"),
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    titles = [b["title"] for b in json.loads((tmp_path / "n.layout.json").read_text())["boxes"]]
    assert titles == sorted(titles, key=str.casefold)
    listed = run("ballots", "batches", "--data-dir", data, "--json")
    assert listed.returncode == 0, listed.stderr
    batches = json.loads(listed.stdout)
    assert [(b["number"], b["count"], b["mode"], b["with_serials"]) for b in batches] == [
        (2, 3, "live", False),
        (1, 2, "test", True),
    ]
    assert batches[1]["serials_recorded"] == 2 and batches[0]["residence"] == "Résidence du Parc"
    text = run("ballots", "batches", "--data-dir", data)
    assert "Lot n° 2" in text.stdout and "Lot n° 1" in text.stdout


def test_test_deck_writes_deck_and_expected_json(data, tmp_path):
    out = tmp_path / "deck.pdf"
    done = run("ballots", "test-deck", "--data-dir", data, "--residence", "Les Tilleuls", "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = json.loads((tmp_path / "deck.expected.json").read_text(encoding="utf-8"))
    assert expected["format"] == "bp-terrain-test-deck" and expected["ballots"] == 21
    assert status(data)["test_ballots_printed"] == 21


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--residence", "Inconnue", "--count", "3"), "Résidence « Inconnue » introuvable"),
        (("--residence", "Les Tilleuls", "--count", "0"), "Nombre de bulletins invalide"),
        (("--residence", "Les Tilleuls", "--count", "1000000"), "Nombre de bulletins invalide"),
        (("--residence", "Les Hauts de Bel-Air", "--count", "3"), "Aucun projet recevable"),
        (
            ("--residence", "Les Tilleuls", "--count", "3", "--style", "X"),
            "Modèle de bulletin « X » introuvable",
        ),  # fmt: skip
    ],
)
def test_bad_input_gives_a_french_error_and_no_file(data, tmp_path, args, message):
    out = tmp_path / "b.pdf"
    done = run("ballots", "print", "--data-dir", data, *args, "--out", str(out))
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not (tmp_path / "b.layout.json").exists()


def test_batches_when_nothing_was_printed(data):
    done = run("ballots", "batches", "--data-dir", data)
    assert done.returncode == 0 and "Aucun lot imprimé" in done.stdout


def test_materials_sheets_signin_and_poster_with_sessions(data, tmp_path):
    common = ("ballots", "materials", "--data-dir", data, "--residence", "Les Tilleuls")
    for kind in ("sheets", "signin"):
        done = run(*common, "--kind", kind, "--out", str(tmp_path / f"{kind}.pdf"))
        assert done.returncode == 0, done.stderr
        assert (tmp_path / f"{kind}.pdf").read_bytes().startswith(b"%PDF")
    poster = tmp_path / "poster.pdf"
    from_demo = run(*common, "--kind", "poster", "--out", str(poster))  # the demo's voting times
    assert from_demo.returncode == 0, from_demo.stderr
    assert poster.read_bytes().startswith(b"%PDF")
    poster.unlink()
    done = run(
        *common, "--kind", "poster", "--out", str(poster),
        "--session", "12/01/2027 17:00-19:00 Salle commune",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Document écrit" in done.stdout and poster.read_bytes().startswith(b"%PDF")
