"""`bp-terrain rules run` end to end through `ui.cli.main`, on real pabulib files."""

from __future__ import annotations

import json

import pytest

import ui.cli
from tests.helpers.pabulib import README, pb
from ui.cli import main
from ui.cli.rules import money


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["rules", "run", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_rules_module_is_registered() -> None:
    assert "ui.cli.rules" in ui.cli.COMMAND_MODULES


def test_json_lists_selected_ids_with_votes_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    path = pb("Poland_Lodz_2020_Nr_33.pb")
    code, out, _ = run_cli(capsys, str(path), "--rule", "greedy", "--threshold", "50", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["selected"] == ["W008NR", "W014NR", "W127NR"]
    assert data["selected"] == [p for p in data["recorded_selected"] if p in data["selected"]]
    assert set(data["selected"]) == set(data["recorded_selected"])
    rows = {p["project_id"]: p for p in data["projects"]}
    assert rows["W068NR"] == {
        "project_id": "W068NR",
        "name": rows["W068NR"]["name"],
        "cost": 10000,
        "votes": 21,
        "status": "below_threshold",
        "phase": None,
    }
    assert (data["rule"], data["budget"], data["threshold"], data["ties"]) == (
        "greedy",
        411000,
        50,
        [],
    )


def test_json_equal_shares_with_flags(capsys: pytest.CaptureFixture[str]) -> None:
    path = pb("Poland_Wieliczka_2023_Green_Budget.pb")
    code, out, _ = run_cli(
        capsys, str(path), "--rule", "mes", "--add1-overspend-only", "--compare-greedy", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data["selected"]) == set(data["recorded_selected"])
    shares = data["equal_shares"]
    assert shares["final_share"] == 315 and shares["stopped_because"] == "overspend"
    assert shares["comparison"]["kept_greedy"] is False
    assert all(isinstance(p["share"], int | str) for p in shares["payments"])


def test_decimal_budget_in_json_is_exact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(pb("Poland_Warszawa_2019_Grochow_Kinowa.pb")), "--json")
    assert code == 0 and json.loads(out)["budget"] == "222176.85"


def test_large_file_with_withdrawn_flag_and_lot_seed(capsys: pytest.CaptureFixture[str]) -> None:
    path = pb("Poland_Wroclaw_2017_Rejon_nr_11_750.pb")
    code, out, _ = run_cli(capsys, str(path), "--rule", "greedy-no-skip", "--json")
    assert json.loads(out)["selected"] == []
    code, out, _ = run_cli(
        capsys,
        str(path),
        "--rule",
        "greedy-no-skip",
        "--withdrawn",
        "150",
        "--lot-seed",
        "7",
        "--json",
    )
    assert code == 0 and json.loads(out)["selected"] == ["425"]


def test_french_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(pb("Poland_Warszawa_2019_Brodno.pb")))
    assert code == 0
    assert "Règle : le plus de voix dans la limite du budget" in out
    assert "Budget : 400\u202f000 PLN" in out
    assert "financé" in out and "pas assez d'argent restant" in out
    assert "2162 > 2091 : le projet le moins cher passe en premier" in out


def test_french_table_for_equal_shares(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(pb("Netherlands_Assen_2025.pb")), "--rule", "mes")
    assert code == 0
    assert "chaque votant disposait de 571 EUR (au départ 301,20 EUR" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["/nulle/part.pb"], "Fichier introuvable"),
        ([str(README)], "section META"),
        ([str(pb("Netherlands_Assen_2024.pb")), "--rule", "borda"], "Règle inconnue « borda »"),
        ([str(pb("Netherlands_Assen_2024.pb")), "--threshold", "beaucoup"], "Seuil invalide"),
        ([str(pb("Netherlands_Assen_2024.pb")), "--withdrawn", "999"], "Projets inconnus"),
    ],
)
def test_bad_input_gives_a_french_message_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("Erreur : ") and message in err


def test_money_is_shown_the_french_way() -> None:
    from fractions import Fraction

    assert money(Fraction("1234.5"), "€") == "1\u202f234,50 €"
    assert money(Fraction(2, 3)) == "0,67"
    assert money(Fraction(1000000)) == "1\u202f000\u202f000"


def test_equal_shares_text_in_english_uses_plurals(capsys: pytest.CaptureFixture[str]) -> None:
    from app.i18n import set_language

    path = str(pb("Poland_Wieliczka_2023_Green_Budget.pb"))
    argv = (path, "--rule", "mes", "--add1-overspend-only", "--compare-greedy")
    code, french, _ = run_cli(capsys, *argv)
    assert code == 0 and "votants préfèrent les parts égales" in french
    set_language("en")
    try:
        code, english, _ = run_cli(capsys, *argv)
    finally:
        set_language("fr")
    assert code == 0
    assert "Comparison with “most votes”: " in english and "prefer" in english
    assert "one-unit increase" in english and "supporters, " in english
    assert "votants" not in english and "relèvement" not in english and " : " not in english
