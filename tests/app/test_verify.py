"""The standalone verifier on a real sealed count: passes on the exported bundle, and fails,
naming the file or log entry, on any byte changed in the log, a reading, a decision, the
results or an image (with or without the forger also fixing the manifest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services import open_services
from app.verify import verify_bundle
from tests.helpers.verify import (
    flip_byte,
    live_count,
    read_zip,
    tampered,
    write_bundle,
    write_zip,
)

MARKS = [[0], [0, 1], [1], [2], [0, 3], []]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("verify")
    with open_services(tmp / "data") as services:
        counted = live_count(services, tmp / "scans", MARKS)
        return write_bundle(services, counted.session_id, tmp / "paquet.zip", with_images=True)


def test_the_bundle_verifies_with_the_recounted_figures_and_funded_projects(bundle):
    report = verify_bundle(bundle)
    assert report.ok, report.failure and report.failure.message
    facts = report.as_dict()
    assert (facts["valid"], facts["blank"], facts["invalid"]) == (6, 1, 0)  # one hand-keyed
    assert sorted(facts["votes"].values()) == [1, 1, 2, 4]
    assert len(facts["selected"]) == 2  # 4 000 € and 3 000 € fill the 7 000 € budget
    assert [s.name for s in report.steps] == [
        "manifest", "log", "copies", "recount", "rule", "sealed"
    ]  # fmt: skip
    assert facts["sealed_hash"] == facts["head_hash"]


def test_reinterpret_reads_every_image_again_identically(bundle):
    report = verify_bundle(bundle, reinterpret_images=True)
    assert report.ok, report.failure and report.failure.message
    assert report.steps[-1].name == "reinterpret"
    assert "6 images relues" in report.steps[-1].summary


def _fails(path: Path, *, reinterpret: bool = False):
    report = verify_bundle(path, reinterpret_images=reinterpret)
    assert not report.ok
    return report.failure


def _log_line_offset(data: bytes, seq: int, key: bytes) -> int:
    start = 0
    for _ in range(seq - 1):
        start = data.index(b"\n", start) + 1
    return data.index(key, start) + len(key) + 2


@pytest.mark.parametrize("fix_manifest", [False, True])
def test_a_byte_changed_in_the_log_names_the_entry(bundle, tmp_path, fix_manifest):
    data = read_zip(bundle)["log.jsonl"]
    at = _log_line_offset(data, 5, b'"time":"')  # a digit of entry 5's time
    bad = tampered(bundle, tmp_path / "b.zip", "log.jsonl", lambda d: flip_byte(d, at),
                   fix_manifest=fix_manifest)  # fmt: skip
    failure = _fails(bad)
    if fix_manifest:
        assert failure.code == "chain_bad_hash"
        assert "entrée n° 5" in failure.where and "Entrée n° 5" in failure.message
    else:
        assert failure.code == "checksum" and failure.where == "log.jsonl"


def test_a_byte_changed_in_a_reading_names_the_line(bundle, tmp_path):
    data = read_zip(bundle)["readings.jsonl"]
    second = data.index(b"\n") + 1
    at = data.index(b'"fill":0.', second) + len(b'"fill":0.')
    bad = tampered(bundle, tmp_path / "b.zip", "readings.jsonl", lambda d: flip_byte(d, at),
                   fix_manifest=True)  # fmt: skip
    failure = _fails(bad)
    assert failure.code == "reading_mismatch"
    assert failure.where == "readings.jsonl, ligne 2"


def test_a_changed_decision_names_its_entry(bundle, tmp_path):
    decisions = json.loads(read_zip(bundle)["decisions.json"])
    if not decisions:
        pytest.fail("the count needs at least one decision for this test")

    def change(data: bytes) -> bytes:
        rows = json.loads(data)
        rows[0]["value"] = "unmarked" if rows[0]["value"] == "marked" else "marked"
        return json.dumps(rows).encode()

    failure = _fails(
        tampered(bundle, tmp_path / "b.zip", "decisions.json", change, fix_manifest=True)
    )
    assert failure.code == "decision_mismatch"
    assert f"entrée n° {decisions[0]['seq']}" in failure.where


def test_changed_results_are_refused(bundle, tmp_path):
    def change(data: bytes) -> bytes:
        doc = json.loads(data)
        first = sorted(doc["votes"])[0]
        doc["votes"][first] += 1
        return json.dumps(doc).encode()

    failure = _fails(
        tampered(bundle, tmp_path / "b.zip", "results.json", change, fix_manifest=True)
    )
    assert failure.code == "results_mismatch" and failure.where == "results.json"


def test_a_byte_changed_in_an_image_is_found(bundle, tmp_path):
    name = sorted(n for n in read_zip(bundle) if n.startswith("images/"))[2]
    # a byte in the middle of the PNG's compressed pixels
    change = lambda d: d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 0xFF]) + d[len(d) // 2 + 1 :]  # noqa: E731
    raw = _fails(
        tampered(bundle, tmp_path / "a.zip", name, change, fix_manifest=False), reinterpret=True
    )
    assert raw.code == "checksum" and raw.where == name
    fixed = _fails(
        tampered(bundle, tmp_path / "b.zip", name, change, fix_manifest=True), reinterpret=True
    )
    assert fixed.code == "image_mismatch" and fixed.where == name


def test_a_missing_or_added_file_is_named(bundle, tmp_path):
    files = read_zip(bundle)
    files.pop("election.json")
    failure = _fails(write_zip(files, tmp_path / "a.zip"))
    assert failure.code == "missing_file" and failure.where == "election.json"
    files = read_zip(bundle)
    files["notes.txt"] = b"ajout"
    failure = _fails(write_zip(files, tmp_path / "b.zip"))
    assert failure.code == "unlisted_file" and failure.where == "notes.txt"


def test_a_bundle_without_the_election_file_cannot_rerun_the_rule(bundle, tmp_path):
    files = read_zip(bundle)
    files.pop("election.json")
    manifest = json.loads(files["manifest.json"])
    del manifest["files"]["election.json"]
    files["manifest.json"] = json.dumps(manifest).encode()
    failure = _fails(write_zip(files, tmp_path / "a.zip"))
    assert failure.where == "election.json"
    assert "budget de la résidence" in failure.message


def test_a_claimed_funded_project_that_the_rule_does_not_fund_is_refused(bundle, tmp_path):
    def change(data: bytes) -> bytes:
        doc = json.loads(data)
        doc["selected"] = (
            list(reversed(doc["selected"]))[:1]
            + [p["project_id"] for p in doc["projects"] if p["project_id"] not in doc["selected"]][
                :1
            ]
        )
        return json.dumps(doc).encode()

    failure = _fails(
        tampered(bundle, tmp_path / "b.zip", "election.json", change, fix_manifest=True)
    )
    assert failure.code == "rule_mismatch" and failure.where == "election.json"


def test_a_key_other_than_the_officers_is_refused(bundle, tmp_path):
    from app.domain import signing

    other = signing.public_key_pem(signing.generate_key())
    failure = _fails(tampered(bundle, tmp_path / "b.zip", "public_key.pem", lambda _d: other,
                              fix_manifest=True))  # fmt: skip
    assert failure.code == "chain_bad_key" and "entrée n° 1" in failure.where


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"pas un zip")
    assert _fails(path).code == "not_a_zip"


def test_a_changed_sheet_list_names_the_sheet(bundle, tmp_path):
    def change(data: bytes) -> bytes:
        rows = json.loads(data)
        hand = next(r for r in rows if r["hand_keyed"])
        hand["choices"] = []  # the hand-keyed ballot emptied
        return json.dumps(rows).encode()

    failure = _fails(tampered(bundle, tmp_path / "b.zip", "sheets.json", change, fix_manifest=True))
    assert failure.code == "sheet_mismatch" and failure.where == "sheets.json"


def test_reinterpret_needs_the_images(bundle, tmp_path):
    files = read_zip(bundle)
    manifest = json.loads(files["manifest.json"])
    for name in [n for n in files if n.startswith("images/")]:
        del files[name], manifest["files"][name]
    files["manifest.json"] = json.dumps(manifest).encode()
    path = write_zip(files, tmp_path / "sans-images.zip")
    assert verify_bundle(path).ok
    failure = _fails(path, reinterpret=True)
    assert failure.code == "missing_file" and "--with-images" in failure.message


def test_the_recount_by_hand_script_of_the_docs_agrees(bundle, tmp_path):
    import re
    import subprocess
    import sys

    docs = (Path(__file__).resolve().parents[2] / "docs" / "verify.md").read_text("utf-8")
    script = re.search(r"## 3\. Checking by hand.*?```python\n(.*?)```", docs, re.S).group(1)
    path = tmp_path / "recount_by_hand.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), str(bundle)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "recount ok: {'blank': 1, 'valid': 6}" in done.stdout


def test_a_tally_mismatch_message_agrees_with_any_subject():
    """ "les voix par projet scellés" once: the subject now follows "pour", whatever its gender."""
    from app.verify.recount import _differs

    failure = _differs("journal", 7, "les voix par projet", {"P1": 3}, {"P1": 2})
    assert failure.code == "tally_mismatch"
    assert failure.message == (
        "Entrée n° 7 : le recomptage diffère du scellement pour les voix par projet "
        '({"P1": 3} contre {"P1": 2}).'
    )


def test_an_image_the_scanner_cannot_decode_is_a_named_failure(bundle, monkeypatch):
    """The images match the log, but the log may be a forger's: a decoder error on them is a
    failure naming the image, never a traceback."""
    import app.verify.reinterpret as reinterpret

    def explode(path, ctx):
        raise RuntimeError("libpng error: IDAT: CRC error")

    monkeypatch.setattr(reinterpret, "interpret_file", explode)
    failure = _fails(bundle, reinterpret=True)
    assert failure.code == "reinterpret_error" and failure.where.startswith("images/")
    assert "ne peut pas être relue" in failure.message
