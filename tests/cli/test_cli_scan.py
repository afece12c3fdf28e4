"""`bp-terrain scan`: JSON lines with the documented fields, a French summary, nothing recorded."""

from __future__ import annotations

import json

from app.services import open_services
from tests.cli.test_cli_count import bp
from tests.helpers.counting import make_setup, print_deck


def test_scan_prints_json_lines_and_records_nothing(tmp_path):
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        deck = print_deck(setup, [[1], []], tmp_path / "scans")
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
    with open_services(data) as services:
        assert services.counting.list_sessions() == []
        assert services.status.campaign_status().as_dict()["sheets_counted"] == 0


# --- issue 9, finding 10 ---------------------------------------------------------------------


def _scan(*args: str, timeout: float | None = None):
    """`bp-terrain scan` in this process (tests/helpers/cli.py); with a `timeout`, in a real
    process that the test can outlive (a scan that would hang on a FIFO)."""
    import os
    import subprocess
    import sys

    from tests.cli.test_cli_count import ROOT
    from tests.helpers.cli import run_cli

    if timeout is None:
        return run_cli("scan", *args)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "scan", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=timeout, env=dict(os.environ),
    )  # fmt: skip


def test_scan_fails_when_every_page_is_rejected(tmp_path):
    junk = tmp_path / "a.png"
    junk.write_bytes(b"pas une image")
    other = tmp_path / "b.jpg"
    other.write_bytes(b"\xff\xd8\xff tronque")
    done = _scan("--data-dir", str(tmp_path / "data"), str(junk), str(other))
    assert done.returncode == 1, done.stdout
    assert "Aucune page lisible" in done.stderr
    assert done.stdout.count("rejeté") == 2


def test_a_fifo_named_png_is_skipped_never_read(tmp_path):
    import os

    data = tmp_path / "data"
    with open_services(data) as services:
        deck = print_deck(make_setup(services), [[0]], tmp_path / "scans")
    fifo = tmp_path / "piege.png"
    os.mkfifo(fifo)
    done = _scan("--data-dir", str(data), "--json", str(fifo), str(deck.files[0]), timeout=60)
    assert done.returncode == 0, done.stderr
    assert "piege.png" in done.stderr and "pas un fichier ordinaire" in done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["valid"]


def test_a_long_pdf_shows_progress_as_it_goes_and_has_a_page_cap(tmp_path):
    import os
    import subprocess
    import sys

    import pypdfium2 as pdfium

    from tests.cli.test_cli_count import ROOT

    pdf = pdfium.PdfDocument.new()
    for _ in range(30):
        pdf.new_page(595, 842)
    long_pdf = tmp_path / "pile.pdf"
    pdf.save(str(long_pdf))
    pdf.close()
    data = str(tmp_path / "data")
    capped = _scan("--data-dir", data, "--max-pages", "25", str(long_pdf))
    assert capped.returncode == 2
    assert "30 pages" in capped.stderr and "--max-pages 30" in capped.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "scan", "--data-dir", data, str(long_pdf)],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        first = proc.stderr.readline()
        # the first page is reported while the others are still being read
        assert "page 1 sur 30" in first and proc.poll() is None
    finally:
        out, err = proc.communicate(timeout=300)
    assert "page 30 sur 30" in err
    assert len(out.splitlines()) == 30


def test_scan_says_which_corner_is_cut(tmp_path):
    """A sheet skewed 4.7 degrees in a page-sized scan window, and one missing its left part."""
    import cv2

    from benchmarks.scanner_eval import degrade

    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        deck = print_deck(setup, [[1]], tmp_path / "scans")
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
