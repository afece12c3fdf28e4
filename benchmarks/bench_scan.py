"""Benchmark: `bp-terrain scan` on 200 dpi scans, and where the reader's CPU time goes.

Run:  .venv/bin/python benchmarks/bench_scan.py [--pages 200] [--workers 2] [--photos 3]
Target on the reference 2-core machine: 25 pages per second for the whole command on scans;
a 12 MP photo read in at most 1.5 s.

A test deck is printed by the ballots service and rendered to grey PNG at 200 dpi (as
bench_ingest.py), then the real command runs on it in a subprocess (`--json`, output
discarded): wall time from start to exit, start-up included. The machine is shared, so the
CPU time per page is measured too, on the same pages read again in this process, stage by
stage: decoding (the file's SHA-256 included), marker search, QR code, the upright page and
the boxes. The photos are the same pages put in perspective in a 12 MP frame by the evaluation
corpus's own `photo` degradation.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from sqlalchemy import text  # noqa: E402

from benchmarks.bench_ingest import prepare  # noqa: E402


def _context(services: object):  # type: ignore[no-untyped-def]
    from app.services.counting.context import read_context

    with services.counting.uow() as s:  # type: ignore[attr-defined]
        campaign_id = s.execute(text("SELECT id FROM campaign")).scalar_one()
        return read_context(s, campaign_id, "test")


def stages(files: list[Path], ctx: object) -> dict[str, float]:
    """CPU milliseconds per page of each stage of the reader, one process, one thread."""
    from scanner import interpret, qr
    from scanner.batch import file_sha256
    from scanner.loading import iter_pages

    cv2.setNumThreads(1)
    spent: dict[str, float] = defaultdict(float)
    originals = {
        "detect": interpret.detect_markers,
        "qr": interpret.qr.decode_region,
        "marks": interpret.read_marks,
    }

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.process_time() - t

        return wrapper

    interpret.detect_markers = timed("markers", originals["detect"])  # type: ignore[assignment]
    qr_fn = qr.decode_region
    qr.decode_region = timed("qr", qr_fn)  # type: ignore[assignment]
    interpret.read_marks = timed("upright page and boxes", originals["marks"])  # type: ignore[assignment]
    try:
        total = time.process_time()
        for path in files:
            t = time.process_time()
            file_sha256(path)
            pages = list(iter_pages(path))
            spent["decode (and SHA-256)"] += time.process_time() - t
            for src in pages:
                assert src.image is not None
                interpret.interpret_image(src.image, ctx)  # type: ignore[arg-type]
        spent["total"] = time.process_time() - total
    finally:
        interpret.detect_markers = originals["detect"]  # type: ignore[assignment]
        qr.decode_region = qr_fn  # type: ignore[assignment]
        interpret.read_marks = originals["marks"]  # type: ignore[assignment]
    n = max(len(files), 1)
    out = {k: 1000 * v / n for k, v in spent.items()}
    out["other"] = out["total"] - sum(v for k, v in out.items() if k != "total")
    return out


def photo_times(files: list[Path], ctx: object, count: int) -> list[float]:
    """Wall and CPU seconds of reading 12 MP photos made from the scans."""
    from benchmarks.scanner_eval import degrade
    from scanner.interpret import interpret_image

    out = []
    for i, path in enumerate(files[:count]):
        grey = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        img = degrade.photo(grey, random.Random(i), frame=(4000, 3000))
        t = time.process_time()
        interpret_image(np.ascontiguousarray(img), ctx)  # type: ignore[arg-type]
        out.append(time.process_time() - t)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--photos", type=int, default=3)
    parser.add_argument("--projects", type=int, default=8)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        services, _residence, files = prepare(Path(tmp), args.pages, args.projects)
        ctx = _context(services)
        services.close()  # type: ignore[attr-defined]
        cmd = [sys.executable, "-m", "ui.cli", "scan", "--data-dir", str(Path(tmp) / "data")]
        cmd += ["--json", "--mode", "test", "--workers", str(args.workers)]
        start = time.perf_counter()
        done = subprocess.run(
            cmd + [str(f) for f in files], cwd=ROOT, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr)
            return 2
        lines = done.stdout.splitlines()
        read = sum('"status":"valid"' in x.replace(" ", "") for x in lines)
        per_stage = stages(files[: min(60, len(files))], ctx)
        photos = photo_times(files, ctx, args.photos)
    rate = len(lines) / wall
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(
        f"bp-terrain scan: {len(lines)} pages ({read} valid) in {wall:.1f} s with "
        f"{args.workers} workers, start-up included: {rate:.1f} pages/s (target 25)"
    )
    print("reader CPU per 200 dpi page (one process, one thread):")
    for name, ms in per_stage.items():
        print(f"  {name:<26}{ms:7.1f} ms")
    ideal = 1000 / max(per_stage["total"], 1e-9) * min(args.workers, os.cpu_count() or 1)
    print(f"  -> at most {ideal:.1f} pages/s on {args.workers} free cores")
    if photos:
        print(
            f"12 MP photo, CPU: median {1000 * sorted(photos)[len(photos) // 2]:.0f} ms, "
            f"max {1000 * max(photos):.0f} ms (target 1500)"
        )
    print(f"load average before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
