"""`bp-terrain participants list|export|erase`, run on a demo data folder (in this process,
tests/helpers/cli.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
FATIMA = "Fatima Benali (nom inventé)"


def bp(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)  # in this process: tests/helpers/cli.py


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("participants-demo") / "d"
    created = bp("demo", "--data-dir", str(path))
    assert created.returncode == 0, created.stderr
    return path


@pytest.fixture
def data(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "d"
    shutil.copytree(demo_template, target, ignore=shutil.ignore_patterns("backups"))
    return target


def people(data: Path) -> list[dict[str, object]]:
    result = bp("participants", "list", "--data-dir", str(data), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def fatima_id(data: Path) -> str:
    return str(next(p["id"] for p in people(data) if p["name"] == FATIMA))


def test_list_json_and_text(data: Path) -> None:
    listed = people(data)
    assert [p["name"] for p in listed] == [FATIMA, "Jean-Marc Dupuis (nom inventé)"]
    assert listed[0]["residence"] == "Les Tilleuls" and listed[0]["building"] == "Bât. A, apt 12"
    assert isinstance(listed[0]["consent_at"], str)
    text = bp("--data-dir", str(data), "participants", "list")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("2 personnes nommées")
    assert "Les Tilleuls, Bât. A, apt 12" in text.stdout and "accord du " in text.stdout


def test_export_writes_the_persons_json(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "fatima.json"
    result = bp("participants", "export", "--data-dir", str(data), "--id", fatima_id(data),
                "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Données exportées" in result.stdout
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["name"] == FATIMA and exported["phone"] == "06 00 00 00 00"
    assert [i["title"] for i in exported["ideas_proposed"]] == ["Jardin partagé"]


def test_erase_refuses_without_yes(data: Path) -> None:
    person = fatima_id(data)
    result = bp("participants", "erase", "--data-dir", str(data), "--id", person)
    assert result.returncode == 2
    assert "définitif" in result.stderr and "--yes" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(people(data)) == 2


def test_erase_with_yes_removes_the_person_from_the_file(data: Path) -> None:
    person = fatima_id(data)
    result = bp("participants", "erase", "--data-dir", str(data), "--id", person, "--yes")
    assert result.returncode == 0, result.stderr
    assert "effacées" in result.stdout
    assert [p["name"] for p in people(data)] == ["Jean-Marc Dupuis (nom inventé)"]
    files = [f for f in data.iterdir() if f.name.startswith("bp-terrain.sqlite3")]
    raw = b"".join(f.read_bytes() for f in files)
    assert b"Fatima" not in raw and b"06 00 00 00 00" not in raw
    again = bp("participants", "erase", "--data-dir", str(data), "--id", person, "--yes")
    assert again.returncode == 2 and "introuvable" in again.stderr


def test_unknown_id_is_a_french_message(data: Path, tmp_path: Path) -> None:
    result = bp("participants", "export", "--data-dir", str(data), "--id", "nope",
                "--out", str(tmp_path / "x.json"))  # fmt: skip
    assert result.returncode == 2
    assert "Erreur" in result.stderr and "introuvable" in result.stderr
    assert not (tmp_path / "x.json").exists()
