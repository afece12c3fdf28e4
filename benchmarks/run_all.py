#!/usr/bin/env python3
"""Run every benchmark and print its figures: one command for all the speed and memory targets.

    .venv/bin/python benchmarks/run_all.py            # ballots, rules, ingest, scan, reader (small corpus)
    .venv/bin/python benchmarks/run_all.py --full     # the reader on the full evaluation corpus

Each benchmark is its own script (see docs/benchmarks.md); this runs them one after the other
from the repository root and stops at the first that fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(full: bool) -> list[list[str]]:
    py = sys.executable
    scans, photos = ("6500", "200") if full else ("400", "40")
    return [
        [py, "benchmarks/bench_ballots.py"],
        [py, "benchmarks/bench_rules.py"],
        [py, "benchmarks/bench_equal_shares.py"],
        [py, "benchmarks/bench_ingest.py"],
        [py, "benchmarks/bench_count_log.py"],
        [py, "benchmarks/bench_scan.py"],
        [py, "benchmarks/bench_spreadsheet.py"],
        [py, "benchmarks/bench_site.py"],
        [py, "-m", "benchmarks.scanner_eval", "--scans", scans, "--photos", photos, "--seed", "1"],
    ]


def main(argv: list[str]) -> int:
    for cmd in commands("--full" in argv):
        print("$ " + " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)), flush=True)
        code = subprocess.call(cmd, cwd=ROOT)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
