"""Benchmark the dashboard (target < 1 s) and the evaluation report (target < 10 s).

Run from the repository root:

    .venv/bin/python benchmarks/bench_dashboard.py [--data-dir D] [--repeat 5]

The campaign (40 residences, 2,000 ideas, 20,000 counted ballots: `campaign_data.py`) is built
once in D (default: a folder under the system's temporary folder, kept for the next run).
Measured, each in a fresh process state after the first: opening the services and computing
`dashboard.overview()` (what the screen shows first), `dashboard.results()` (the vote's
results, run by the screen in the background), and writing the evaluation report PDF.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from campaign_data import build  # noqa: E402

from app.services import open_services  # noqa: E402

OVERVIEW_TARGET_S = 1.0
REPORT_TARGET_S = 10.0


def timed(fn, repeat: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Best and median wall seconds of `repeat` calls, and the best CPU seconds (the figure
    that does not depend on how many other jobs share the machine)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.sort()
    return times[0], times[len(times) // 2], min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    default = Path(tempfile.gettempdir()) / "bp-terrain-bench-dashboard"
    parser.add_argument("--data-dir", type=Path, default=default)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    build(args.data_dir)
    print(f"campaign ready in {time.perf_counter() - start:.1f} s ({args.data_dir})")

    def open_and_overview() -> None:
        services = open_services(args.data_dir)
        try:
            board = services.dashboard.overview()
            assert board.totals.ballots_returned >= 20000 and board.totals.ideas == 2000
        finally:
            services.close()

    services = open_services(args.data_dir)
    best, median, cpu = timed(open_and_overview, args.repeat)
    print(f"open + overview: best {best:.3f} s, median {median:.3f} s, CPU {cpu:.3f} s "
          f"(target < {OVERVIEW_TARGET_S} s)")  # fmt: skip
    best, median, cpu = timed(services.dashboard.overview, args.repeat)
    print(f"overview alone: best {best:.3f} s, median {median:.3f} s, CPU {cpu:.3f} s")
    best, median, cpu = timed(services.dashboard.results, max(1, args.repeat // 2))
    print(f"results (40 residences, rules run): best {best:.2f} s, median {median:.2f} s, "
          f"CPU {cpu:.2f} s")  # fmt: skip
    out = Path(tempfile.gettempdir()) / "bench-evaluation.pdf"
    best, median, cpu = timed(
        lambda: services.evaluation.write_report(out), max(1, args.repeat // 2)
    )
    print(f"evaluation report: best {best:.2f} s, median {median:.2f} s, CPU {cpu:.2f} s "
          f"(target < {REPORT_TARGET_S} s), {out.stat().st_size // 1024} KiB")  # fmt: skip
    services.close()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
