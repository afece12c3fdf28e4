"""Evaluation command of the ballot reader.

    .venv/bin/python -m benchmarks.scanner_eval --scans 5000 --photos 200 --seed 1 \\
        --out /tmp/bp-scan-corpus [--workers 2] [--keep] [--json results.json]

Generates the seeded corpus (real ballots printed by `ballots`, hand-like marks, scanner and
camera degradations), reads it with `scanner` in a process pool, and prints per stratum: pages,
boxes, silent errors, review rate, rejection rate, QR read rate, ms per page (median, p95).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

from benchmarks.scanner_eval.corpus import generate
from benchmarks.scanner_eval.evaluate import evaluate, report, throughput


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scanner_eval")
    ap.add_argument("--scans", type=int, default=400)
    ap.add_argument("--photos", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("/tmp/bp-scan-corpus"))
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--reuse", action="store_true", help="read an existing corpus in --out")
    ap.add_argument("--keep", action="store_true", help="keep the corpus files afterwards")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if not args.reuse:
        if args.out.exists():
            shutil.rmtree(args.out)
        generate(args.out, args.scans, args.photos, args.seed, args.workers)
    gen_s = time.perf_counter() - t0
    res = evaluate(args.out, args.workers)
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; corpus seed {args.seed}, "
        f"generated in {gen_s:.0f} s"
    )
    print(report(res))
    n, rate = throughput(args.out, args.workers)
    print(
        f"200 dpi A4 scans through interpret_files ({args.workers} workers): "
        f"{rate:.1f} pages/s over {n} pages"
    )
    if args.json:
        data = {name: vars(s) | {"ms": None} for name, s in res["strata"].items()}
        args.json.write_text(
            json.dumps(
                {
                    "strata": data,
                    "errors": res["errors"],
                    "misses": res["misses"],
                    "pages_per_s": res["pages"] / res["wall_s"],
                },
                indent=1,
                sort_keys=True,
            )
        )
    if not args.keep and not args.reuse:
        shutil.rmtree(args.out, ignore_errors=True)
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
