"""`bp-terrain decidim export` and `decidim import`, run as real processes."""

from __future__ import annotations

import csv
import json

from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.ideas import IdeaInput
from tests.cli.test_cli_count import bp, ok


def test_export_proposals_then_import_decidims_export(tmp_path):
    data = tmp_path / "data"
    services = open_services(data)
    services.campaigns.create_campaign(CampaignInput(name="BP 2027"))
    residence = services.campaigns.add_residence("Les Cèdres")
    services.ideas.create_idea(IdeaInput(title="Un potager", residence_id=residence.id))
    services.close()
    d = ("--data-dir", str(data))
    out = tmp_path / "decidim" / "propositions.csv"
    assert ok("decidim", "export", "--kind", "proposals", "--out", str(out), *d).strip() == str(out)
    with out.open(encoding="utf-8") as f:
        assert list(csv.reader(f, delimiter=";")) == [
            ["title/fr", "body/fr", "address"],
            ["Un potager", "Un potager", ""],
        ]
    export = tmp_path / "export.json"
    export.write_text(json.dumps([
        {"id": 9, "title": {"fr": "Un potager"}, "body": {"fr": "<p>Un potager</p>"},
         "scope": {"id": None, "name": {}}, "state": "", "is_amend": False},
        {"id": 10, "title": {"fr": "Des nichoirs"}, "body": {"fr": "<p>Pour les mésanges</p>"},
         "scope": {"id": 3, "name": {"fr": "Les Cèdres"}}, "state": "", "is_amend": False},
    ]), encoding="utf-8")  # fmt: skip
    preview = ok("decidim", "import", str(export), "--dry-run", *d)
    assert "2 · 10 · nouvelle idée (Les Cèdres) — Des nichoirs" in preview
    assert "rien n'a été enregistré" in preview
    done = json.loads(ok("decidim", "import", str(export), "--json", *d))
    assert [x["action"] for x in done["lines"]] == ["link", "create"] and done["applied"]
    again = json.loads(ok("decidim", "import", str(export), "--json", *d))
    assert [x["action"] for x in again["lines"]] == ["unchanged", "unchanged"]
    answers = tmp_path / "reponses.csv"
    ok("decidim", "export", "--kind", "answers", "--out", str(answers), *d)
    assert answers.read_bytes() == b"id;state;status;answer/fr\r\n"  # none decided yet
    refused = bp(
        "decidim", "export", "--kind", "paper-totals", "--out", str(tmp_path / "p.csv"), *d
    )
    assert refused.returncode == 2 and "Aucun projet n'est associé" in refused.stderr
