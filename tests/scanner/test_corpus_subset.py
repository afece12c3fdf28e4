"""A small fixed slice of the evaluation corpus: any silent error fails the suite."""

from __future__ import annotations

from pathlib import Path

from benchmarks.scanner_eval.corpus import generate
from benchmarks.scanner_eval.evaluate import evaluate


def test_fixed_corpus_subset_has_no_silent_error(tmp_path: Path) -> None:
    generate(tmp_path, scans=36, photos=3, seed=7, workers=2)
    res = evaluate(tmp_path, workers=2)
    assert res["errors"] == []
    scan = res["strata"]["scan"]
    assert scan.pages == 36 and scan.boxes > 200
    assert scan.qr_read == scan.pages
    assert res["strata"]["photo"].rejected == 0
    # Determinism: reading the same file again gives the same bytes.
    first = res["results"][0][0][0].to_json_text()
    again = evaluate(tmp_path, workers=1)["results"][0][0][0].to_json_text()
    assert first == again
