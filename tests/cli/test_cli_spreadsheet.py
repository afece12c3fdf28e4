"""`bp-terrain spreadsheet import-residences` and `spreadsheet export`, run as real processes."""

from __future__ import annotations

import json

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.interop.tables import read_table
from tests.cli.test_cli_count import bp, ok


def test_dry_run_then_import_then_export(tmp_path):
    data = tmp_path / "data"
    services = open_services(data)
    services.campaigns.create_campaign(CampaignInput(name="BP 2027"))
    services.close()
    d = ("--data-dir", str(data))
    f = tmp_path / "residences.csv"
    f.write_bytes(
        "nom;adresse;logements;budget\nLes Cèdres;2 rue Basse;90;20 000\n".encode("cp1252")
    )
    preview = ok("spreadsheet", "import-residences", str(f), "--dry-run", *d)
    assert "ligne 2 : création — Les Cèdres" in preview
    assert "rien n'a été enregistré" in preview
    listed = json.loads(ok("spreadsheet", "import-residences", str(f), "--dry-run", "--json", *d))
    assert listed["applied"] is False and listed["lines"][0]["budget_cents"] == 20_000_00
    done = ok("spreadsheet", "import-residences", str(f), *d)
    assert "1 résidence créée" in done
    again = json.loads(ok("spreadsheet", "import-residences", str(f), "--json", *d))
    assert [x["action"] for x in again["lines"]] == ["unchanged"]
    out = tmp_path / "exports" / "projets.xlsx"
    assert ok("spreadsheet", "export", "--what", "projects", "--out", str(out), *d).strip() == str(
        out
    )
    assert read_table(out).rows == ()


def test_bad_file_is_a_clear_message_and_exit_2(tmp_path):
    data = tmp_path / "data"
    services = open_services(data)
    services.campaigns.create_campaign(CampaignInput(name="BP 2027"))
    services.close()
    f = tmp_path / "r.csv"
    f.write_text("nom;logements\nA;3\nB;trois\n", encoding="utf-8")
    done = bp("spreadsheet", "import-residences", str(f), "--data-dir", str(data))
    assert done.returncode == 2
    assert (
        "Ligne 3, colonne B (« logements ») : « trois » n'est pas un nombre entier." in done.stderr
    )
    english = bp(
        "--lang", "en", "spreadsheet", "import-residences", str(f), "--data-dir", str(data)
    )
    assert "Line 3, column B" in english.stderr
