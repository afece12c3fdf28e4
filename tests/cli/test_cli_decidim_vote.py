"""`bp-terrain decidim import-vote F.pb --residence R`, run as a real process."""

from __future__ import annotations

import json

from app.services import open_services
from tests.app.interop.test_decidim_vote import pb_file
from tests.cli.test_cli_count import bp, ok


def test_import_vote_preview_then_combined_result(tmp_path):
    data = str(tmp_path / "demo")
    ok("demo", "--data-dir", data)
    services = open_services(tmp_path / "demo")
    try:
        residence, projects = next(
            (r, services.ballots.admissible_projects(r.id))
            for r in services.campaigns.list_residences()
            if len(services.ballots.admissible_projects(r.id)) >= 2
        )
    finally:
        services.close()
    f = pb_file(tmp_path / "vote.pb", [("a", "1"), ("b", "1,2"), ("c", "2")],
                projects=[("1", "100", projects[0].title), ("2", "100", projects[1].title)])  # fmt: skip
    d = ("--data-dir", data, "--residence", residence.name)
    preview = ok("decidim", "import-vote", str(f), "--dry-run", *d)
    assert "3 votes en ligne lus dans vote.pb" in preview and "rien n'a été enregistré" in preview
    done = json.loads(ok("decidim", "import-vote", str(f), "--json", *d))
    assert done["applied"] and done["combined"]["online_ballots"] == 3
    lines = {p["title"]: (p["paper"], p["online"]) for p in done["combined"]["projects"]}
    assert lines[projects[0].title] == (0, 2) and lines[projects[1].title] == (0, 2)
    printed = ok("decidim", "import-vote", str(f), *d)
    assert "0 bulletins papier valides + 3 votes en ligne" in printed
    refused = bp("decidim", "import-vote", str(f), "--data-dir", data, "--residence", "Nulle part")
    assert refused.returncode == 2 and "Résidence « Nulle part » introuvable" in refused.stderr
