"""The count end to end, headless, through the `bp-terrain` command (in this process, as
tests/helpers/cli.py explains; its status once through a real `python -m ui.cli`).

A test deck printed by the ballots service (pre-marked test ballots and the expected count),
rendered to 200 dpi images with pypdfium2, counted through `count open / ingest / review /
decide / close`, must give exactly the expected tally.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.services import open_services
from ballots.raster import page_count, render_page
from tests.helpers.cli import run_cli
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck, stored

ROOT = Path(__file__).resolve().parents[2]


def bp(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command in this process (tests/helpers/cli.py); `bp_process` starts a real one."""
    return run_cli(*args, env={"BP_TERRAIN_PASSPHRASE": PASSPHRASE, **(env or {})})


def bp_process(*args: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "BP_TERRAIN_PASSPHRASE": PASSPHRASE}
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=full_env,
    )


def ok(*args: str) -> str:
    done = bp(*args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def _print_test_deck(data: Path, out: Path, count: int) -> tuple[dict, list[Path], str]:
    with open_services(data) as services:
        setup = make_setup(services)
        style = services.ballots.ensure_default_style(setup.residence_id)
        pdf = out / "jeu-essai.pdf"
        services.ballots.print_test_deck(style.id, pdf, count=count)
    expected = json.loads((out / "jeu-essai.expected.json").read_text(encoding="utf-8"))
    files = []
    for i in range(page_count(pdf)):
        path = out / f"page-{i + 1:03d}.png"
        render_page(pdf, i, dpi=200, grey=True).save(path)
        files.append(path)
    return expected, files, setup.residence_name


def test_test_deck_counted_headless_gives_exactly_the_expected_tally(tmp_path):
    data = tmp_path / "data"
    expected, files, residence = _print_test_deck(data, tmp_path, count=14)
    d = ("--data-dir", str(data))
    opened = ok("count", "open", *d, "--residence", residence, "--officer", "Agnès Martin",
                "--witness", "Karim Benali", "--test")  # fmt: skip
    session = opened.strip().splitlines()[-1]
    assert "Empreinte" in opened
    s = ("--session", session)
    ok("count", "ingest", *d, *s, *map(str, files[:9]))
    again = json.loads(ok("count", "ingest", *d, *s, "--json", *map(str, files)))
    assert len(again["recorded"]) == 5 and len(again["already_known"]) == 9

    refused = bp("count", "close", *d, *s)
    items = json.loads(ok("count", "review", *d, *s, "--json"))["items"]
    if items:
        assert refused.returncode == 2 and "à revoir" in refused.stderr
    by_page = {f"page-{sh['page']:03d}.png": sh for sh in expected["sheets"]}
    truth = {stored(f): by_page[f.name] for f in files}
    for item in items:
        sheet = truth[item["file"]]
        marked = {m["project_id"] for m in sheet["marks"]}
        if sheet["status"] == "invalid":
            ok("count", "decide", *d, *s, "--sheet", item["sheet_id"], "--sheet-as", "invalid",
               "--reason", "Plus de cases cochées que la règle ne le permet", "--witness",
               "Karim Benali")  # fmt: skip
            continue
        for box in item["boxes"]:
            value = "marked" if box["project_id"] in marked else "unmarked"
            ok("count", "decide", *d, *s, "--sheet", item["sheet_id"], "--box",
               box["project_id"], "--as", value, "--reason", "Vu avec le témoin")  # fmt: skip
    assert json.loads(ok("count", "review", *d, *s, "--json"))["items"] == []
    slip = ok("count", "close", *d, *s)
    assert "Scellement de la session" in slip and "BPTA1:SCEL:" in slip

    real = bp_process("count", "status", *d, *s, "--json")  # the real entry point, once
    assert real.returncode == 0, real.stderr
    status = json.loads(real.stdout)
    totals = status["totals"]
    assert status["sealed"] is True
    assert (totals["valid"], totals["blank"], totals["invalid"]) == (
        expected["valid"],
        expected["blank"],
        expected["invalid"],
    )
    assert totals["rejected"] == 0 and totals["review"] == 0 and totals["sheets"] == 14
    want = {v["project_id"]: v["votes"] for v in expected["votes"] if v["votes"]}
    assert status["votes"] == want
    after = bp("count", "ingest", *d, *s, str(files[0]))
    assert after.returncode == 2 and "scellée" in after.stderr


def test_live_count_results_and_foreign_or_test_ballots_never_count(tmp_path):
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services, budget_cents=700_000)
        marks = [[0], [0, 1], [1], [2], [0, 3], []]
        deck = print_deck(setup, marks, tmp_path / "scans")
        test = print_deck(setup, [[0]], tmp_path / "scans", batch=2, test=True, prefix="essai")
    d = ("--data-dir", str(data))
    session = ok("count", "open", *d, "--residence", setup.residence_id, "--officer", "Agnès")
    s = ("--session", session.strip().splitlines()[-1])
    out = json.loads(ok("count", "ingest", *d, *s, "--json", *map(str, deck.files + test.files)))
    by_file = {r["file"]: r for r in out["recorded"]}
    assert by_file["essai-2-000.png"]["status"] == "rejected"
    assert by_file["essai-2-000.png"]["reasons"] == ["test_ballot_in_live_count"]
    ok("count", "close", *d, *s)
    results = json.loads(ok("results", *d, "--residence", setup.residence_name, "--json"))
    p = setup.project_ids
    assert (results["valid"], results["blank"], results["invalid"]) == (5, 1, 0)
    votes = {x["project_id"]: x["votes"] for x in results["projects"]}
    assert votes == {p[0]: 3, p[1]: 2, p[2]: 1, p[3]: 1}
    # greedy: p0 (3 votes, 4 000 €) then p1 (2 votes, 3 000 €) fill the 7 000 € budget
    assert results["selected"] == [p[0], p[1]]
    status = {x["project_id"]: x["status"] for x in results["projects"]}
    assert status[p[2]] == status[p[3]] == "not_enough_money"
    assert {x["number"] for x in results["projects"]} == {1, 2, 3, 4}
    text = ok("results", *d, "--residence", setup.residence_name)
    assert "financé" in text and "Valides : 5" in text
