"""`bp-terrain scan`: JSON lines with the documented fields, a French summary, nothing recorded."""

from __future__ import annotations

import json

from app.services import open_services
from tests.cli.test_cli_count import bp
from tests.helpers.counting import make_setup, print_deck


def test_scan_prints_json_lines_and_records_nothing(tmp_path):
    data = tmp_path / "data"
    services = open_services(data)
    try:
        setup = make_setup(services)
        deck = print_deck(setup, [[1], []], tmp_path / "scans")
    finally:
        services.close()
    junk = tmp_path / "notes.png"
    junk.write_bytes(b"pas une image")
    done = bp("scan", "--data-dir", str(data), "--json", *map(str, deck.files), str(junk))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3
    first = lines[0]
    for key in ("file", "page", "status", "reasons", "residence", "style", "template_hash",
                "mode", "serial_check", "marks"):  # fmt: skip
        assert key in first
    assert (first["status"], first["mode"], first["serial_check"]) == ("valid", "live", "ok")
    assert first["template_hash"] == deck.template_hash
    assert first["residence"] == setup.residence_id
    decided = {m["project_id"]: m["decision"] for m in first["marks"]}
    assert decided[setup.project_ids[1]] == "marked"
    assert [m["decision"] for m in lines[1]["marks"]] == ["unmarked"] * 4
    assert {"project_id", "number", "score", "decision"} <= set(first["marks"][0])
    assert lines[2]["status"] == "rejected" and lines[2]["reasons"]
    text = bp("scan", "--data-dir", str(data), *map(str, deck.files), str(junk))
    assert "cases cochées : n° 2" in text.stdout and "rejeté" in text.stdout
    services = open_services(data)
    try:
        assert services.counting.list_sessions() == []
        assert services.status.campaign_status().as_dict()["sheets_counted"] == 0
    finally:
        services.close()


def test_scan_says_which_corner_is_cut(tmp_path):
    """A sheet skewed 4.7 degrees in a page-sized scan window, and one missing its left part."""
    import cv2

    from benchmarks.scanner_eval import degrade

    data = tmp_path / "data"
    services = open_services(data)
    try:
        setup = make_setup(services)
        deck = print_deck(setup, [[1]], tmp_path / "scans")
    finally:
        services.close()
    grey = cv2.imread(str(deck.files[0]), cv2.IMREAD_GRAYSCALE)
    dpi = grey.shape[1] / 210 * 25.4
    skewed = tmp_path / "penchee.png"
    cv2.imwrite(str(skewed), degrade.scan_window(grey, dpi, 200.0, 0, 4.7, (0.0, 0.0)))
    cut = tmp_path / "coupee.png"
    cv2.imwrite(str(cut), grey[:, int(grey.shape[1] * 30 / 210) :])
    done = bp("scan", "--data-dir", str(data), "--json", str(skewed), str(cut))
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["status"] == "valid" and len(first["registration"]["markers"]) <= 2
    assert second["status"] == "rejected"
    assert second["reasons"] == [
        "markers_incomplete",
        "corner_cut_top_left",
        "corner_cut_bottom_left",
    ]
    text = bp("scan", "--data-dir", str(data), str(cut)).stdout
    assert (
        "Le coin en haut à gauche est coupé : rescannez en posant la feuille bien droite." in text
    )
