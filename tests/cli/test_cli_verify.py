"""THE done-when test of the count: a test deck printed by the ballots service, rendered to
images, counted headless through `bp-terrain count ...`, gives exactly the expected tally, and
`bp-terrain verify` passes on its bundle (re-reading every image) and fails, naming the entry,
on a bundle whose log was changed."""

from __future__ import annotations

import json
from pathlib import Path

from app.services import open_services
from tests.cli.test_cli_count import _print_test_deck, bp, ok
from tests.helpers.counting import stored
from tests.helpers.verify import flip_byte, read_zip, tampered, write_bundle


def _count_deck(tmp_path: Path) -> tuple[Path, str, dict]:
    data = tmp_path / "data"
    expected, files, residence = _print_test_deck(data, tmp_path, count=12)
    d = ("--data-dir", str(data))
    opened = ok("count", "open", *d, "--residence", residence, "--officer", "Agnès Martin",
                "--witness", "Karim Benali", "--test")  # fmt: skip
    s = ("--session", opened.strip().splitlines()[-1])
    ok("count", "ingest", *d, *s, *map(str, files))
    by_page = {f"page-{sh['page']:03d}.png": sh for sh in expected["sheets"]}
    truth = {stored(f): by_page[f.name] for f in files}
    for item in json.loads(ok("count", "review", *d, *s, "--json"))["items"]:
        sheet = truth[item["file"]]
        if sheet["status"] == "invalid":
            ok("count", "decide", *d, *s, "--sheet", item["sheet_id"], "--sheet-as", "invalid",
               "--reason", "Trop de cases cochées", "--witness", "Karim Benali")  # fmt: skip
            continue
        marked = {m["project_id"] for m in sheet["marks"]}
        for box in item["boxes"]:
            value = "marked" if box["project_id"] in marked else "unmarked"
            ok("count", "decide", *d, *s, "--sheet", item["sheet_id"], "--box", box["project_id"],
               "--as", value, "--reason", "Vu avec le témoin")  # fmt: skip
    ok("count", "reconcile", *d, *s, "--handed-out", "12")
    ok("count", "close", *d, *s)
    return data, s[1], expected


def test_test_deck_counted_headless_then_verified_from_its_bundle_alone(tmp_path):
    data, session, expected = _count_deck(tmp_path)
    d = ("--data-dir", str(data))
    status = json.loads(ok("count", "status", *d, "--session", session, "--json"))
    totals = status["totals"]
    assert (totals["valid"], totals["blank"], totals["invalid"]) == (
        expected["valid"], expected["blank"], expected["invalid"],
    )  # fmt: skip
    assert status["votes"] == {v["project_id"]: v["votes"] for v in expected["votes"] if v["votes"]}

    with open_services(data) as services:
        bundle = write_bundle(services, session, tmp_path / "paquet.zip", with_images=True)
    # the verifier needs the bundle only: no --data-dir, no database
    done = bp("verify", str(bundle), "--reinterpret", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert (report["valid"], report["blank"], report["invalid"]) == (
        expected["valid"], expected["blank"], expected["invalid"],
    )  # fmt: skip
    assert [s["name"] for s in report["steps"]] == [
        "manifest", "log", "copies", "recount", "rule", "sealed", "reinterpret",
    ]  # fmt: skip
    assert report["sealed_hash"] == status["sealed_hash"]
    text = bp("verify", str(bundle))
    assert text.returncode == 0 and "Paquet vérifié" in text.stdout

    log = read_zip(bundle)["log.jsonl"]
    third = log.index(b"\n", log.index(b"\n") + 1) + 1  # entry 3 starts here
    at = log.index(b'"time":"', third) + 10
    bad = tampered(bundle, tmp_path / "faux.zip", "log.jsonl", lambda b: flip_byte(b, at),
                   fix_manifest=True)  # fmt: skip
    failed = bp("verify", str(bad))
    assert failed.returncode == 1
    assert "ÉCHEC" in failed.stdout and "entrée n° 3" in failed.stdout

    # the bundle written by `count export` passes every check, the rule's rerun included
    export = tmp_path / "export.zip"
    ok("count", "export", *d, "--session", session, "--out", str(export))
    report = json.loads(bp("verify", str(export), "--json").stdout)
    assert [s["name"] for s in report["steps"]][:4] == ["manifest", "log", "copies", "recount"]
    assert report["ok"], report["failure"]
