"""`bp-terrain report evaluation --out F.pdf [--summary]`, run as a real process on the demo."""

from __future__ import annotations

from tests.app.test_evaluation_report import pages, squash
from tests.cli.test_cli_count import bp, ok


def test_evaluation_report_and_summary_from_the_command_line(tmp_path):
    data = str(tmp_path / "demo")
    ok("demo", "--data-dir", data)
    out = tmp_path / "rapports" / "evaluation.pdf"  # the folder is created
    printed = ok("report", "evaluation", "--data-dir", data, "--out", str(out))
    assert "Rapport d'évaluation écrit" in printed
    text = [squash(p) for p in pages(out)]
    assert len(text) >= 6 and "Décisions de la commission" in " ".join(text)
    summary = tmp_path / "synthese.pdf"
    ok("report", "evaluation", "--summary", "--data-dir", data, "--out", str(summary))
    assert len(pages(summary)) == 1


def test_report_without_session_nor_kind_says_what_to_give(tmp_path):
    done = bp("report", "--data-dir", str(tmp_path / "d"), "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert "Indiquez la session (--session S)" in done.stderr
