"""`bp-terrain rules show|set`: the campaign's results rule declared from the command line,
run in-process through the real parser on a real data folder (a small pabulib import)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.services import open_services
from tests.app.test_results_rule import PASSPHRASE, PB
from tests.cli.test_cli_count import bp
from ui.cli import main


@pytest.fixture
def data(tmp_path: Path) -> Path:
    pb = tmp_path / "essai.pb"
    pb.write_text(PB, encoding="utf-8")
    folder = tmp_path / "data"
    assert main(["pabulib", "import", str(pb), "--data-dir", str(folder)]) == 0
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_show_default_then_set_mes_with_options_and_lot(data, capsys):
    code, out, _err = run(capsys, "rules", "show", "--data-dir", str(data))
    assert code == 0 and "Le plus de voix dans la limite du budget" in out
    assert "rien n'a été déclaré" in out and "pas encore tiré" in out
    code, out, _err = run(
        capsys, "rules", "set", "--data-dir", str(data), "--rule", "mes", "--threshold", "2",
        "--mes-top-up", "--mes-overspend-only", "--lot-seed", "4 8 15",
    )  # fmt: skip
    assert code == 0 and out.startswith("Règle enregistrée.")
    assert "Méthode des parts égales" in out and "au moins 2 voix" in out
    assert "arrêté seulement avant de dépasser le budget" in out
    code, out, _err = run(capsys, "rules", "show", "--data-dir", str(data), "--json")
    shown = json.loads(out)
    assert (shown["rule"], shown["threshold"], shown["lot_seed"]) == ("mes", 2, "4 8 15")
    assert (shown["top_up"], shown["add1_exhaustive_stop"], shown["compare_with_greedy"]) == (
        True,
        False,
        False,
    )
    ids = [p["project_id"] for p in shown["lot"]]
    assert ids == sorted(ids, key=lambda p: hashlib.sha256(f"4 8 15:{p}".encode()).digest())
    # the text output reads the drawn order out as numbers and titles
    code, out, _err = run(capsys, "rules", "show", "--data-dir", str(data))
    lines = [line.strip() for line in out.splitlines()]
    first = shown["lot"][0]
    assert f"1. n° {first['number']} {first['title']}" in lines


def test_refusals_exit_2_with_a_french_message(data, capsys):
    code, _out, err = run(
        capsys, "rules", "set", "--data-dir", str(data), "--rule", "greedy", "--mes-top-up"
    )
    assert code == 2 and "ne s'appliquent qu'à la règle mes" in err
    code, _out, err = run(
        capsys, "rules", "set", "--data-dir", str(data), "--rule", "greedy", "--threshold", "-3"
    )
    assert code == 2 and "Seuil invalide" in err
    with open_services(data) as services:
        [residence] = services.campaigns.list_residences()
        services.counting.open_session(residence.id, "Agent", passphrase=PASSPHRASE)
    code, out, err = run(capsys, "rules", "set", "--data-dir", str(data), "--rule", "mes")
    assert code == 2 and "déclarez la règle avant d'ouvrir le dépouillement" in err
    code, out, _err = run(capsys, "rules", "show", "--data-dir", str(data), "--json")
    assert json.loads(out)["rule"] == "greedy"
    assert "avant d'ouvrir" in json.loads(out)["locked"]


def test_rules_run_still_works_beside_show_and_set(tmp_path):
    pb = tmp_path / "essai.pb"
    pb.write_text(PB, encoding="utf-8")
    done = bp("rules", "run", str(pb), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["selected"] == ["1", "2"]
