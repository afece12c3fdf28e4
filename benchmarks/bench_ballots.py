"""Benchmark: time and peak memory to print 1,000 unique ballots of 15 projects.

Run:  .venv/bin/python benchmarks/bench_ballots.py [--count 1000] [--projects 15]
Target on the reference 2-core machine: at most 10 s and 400 MB (peak resident memory).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from ballots.model import BallotSpec, BallotStyle, Campaign, Project, Residence, VotingRule
from ballots.payload import new_campaign_key
from ballots.render import render_ballots


def make_spec(projects: int) -> BallotSpec:
    return BallotSpec(
        Campaign("bench-campaign", "BENCH", "Budget participatif – banc d'essai"),
        Residence("bench-res", "Résidence du Banc d'essai"),
        BallotStyle(0, "Français"),
        VotingRule.approval(3),
        tuple(
            Project(
                f"p{i}",
                i + 1,
                f"Projet numéro {i + 1} pour la résidence",
                100_000 * (i + 1),
                "Une description courte du projet, sur une ou deux lignes.",
            )
            for i in range(projects)
        ),
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 7),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--projects", type=int, default=15)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report Python-level peak allocations (slower)",
    )
    args = parser.parse_args()
    spec = make_spec(args.projects)
    if args.tracemalloc:
        tracemalloc.start()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench.pdf"
        start = time.perf_counter()
        result = render_ballots(spec, out, key=new_campaign_key(), batch=1, count=args.count)
        elapsed = time.perf_counter() - start
        size = out.stat().st_size
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"machine: {platform.machine()}, {platform.processor() or '?'}, "
        f"python {platform.python_version()}"
    )
    print(f"ballots: {result.count} unique ballots of {args.projects} projects")
    print(f"time: {elapsed:.2f} s ({elapsed / result.count * 1000:.1f} ms per ballot)")
    print(f"peak resident memory: {peak_rss_mb:.0f} MB")
    if args.tracemalloc:
        print(f"peak Python allocations: {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB")
    print(f"pdf size: {size / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
