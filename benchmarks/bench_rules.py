"""Benchmark `bp-terrain rules run` against pabutools 1.2.3 on the large pabulib files.

Run from the repository root:

    .venv/bin/python benchmarks/bench_rules.py --data FOLDER [--repeat N]

FOLDER holds the pabulib files named in CASES (download them from https://pabulib.org; the tests'
copies in tests/data/pabulib/pabulib.tar.xz include Łódź 2022 and Świecie 2023, not Wrocław 2015).

For each case it prints the wall time of the real command (`python -m ui.cli rules run ... --json`
in a subprocess, so start-up and parsing are included), then pabutools' time for the same work
(parse_pabulib + the rule), and whether each outcome equals the recorded winners. pabutools is
GPL and dev-only: it is imported here and in tests, never in app/.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(".")  # set from --data in main()

CASES: list[tuple[str, list[str], str, float]] = [
    ("Poland_Lodz_2022.pb", ["--rule", "greedy", "--threshold", "100"], "greedy", 2.0),
    ("Poland_Wroclaw_2015_150_-_500.pb", ["--rule", "greedy-no-skip"], "greedy-no-skip", 2.0),
    ("Poland_Swiecie_2023.pb", ["--rule", "mes"], "mes", 5.0),
]


def best_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours(name: str, flags: list[str]) -> tuple[float, dict[str, Any]]:
    """Run the real command; return its CPU time (robust on a busy machine) and its JSON."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "ui.cli", "rules", "run", str(DATA / name), *flags, "--json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return cpu, dict(json.loads(done.stdout))


def in_process(name: str, rule: str, threshold: int) -> tuple[float, float]:
    """Our parse and rule times, measured apart."""
    from app.domain.pabulib import read_pabulib, to_election
    from app.domain.rules import Options, ResultsRule, run_rule

    start = time.perf_counter()
    election = to_election(read_pabulib(DATA / name))
    parsed = time.perf_counter()
    run_rule(election, Options(rule=ResultsRule(rule), threshold=threshold))
    return parsed - start, time.perf_counter() - parsed


def theirs(name: str, rule: str, threshold: int) -> tuple[float, float, set[str]]:
    """pabutools' parse and rule times, and its outcome (cost satisfaction, as equalshares.net)."""
    from pabutools.election import Cost_Sat, Instance, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    start = time.perf_counter()
    instance, profile = parse_pabulib(str(DATA / name))
    parsed = time.perf_counter()
    if rule == "mes":
        out = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
        return parsed - start, time.perf_counter() - parsed, {p.name for p in out}
    scores = {p: profile.approval_score(p) for p in instance}
    kept = [p for p in instance if scores[p] >= max(1, threshold)]
    if rule == "greedy-no-skip":
        chosen = no_skip(kept, scores, instance.budget_limit)
    else:
        sub = Instance(kept, budget_limit=instance.budget_limit)
        chosen = {p.name for p in greedy_utilitarian_welfare(sub, profile, sat_class=Cost_Sat)}
    return parsed - start, time.perf_counter() - parsed, chosen


def no_skip(projects: list[Any], scores: dict[Any, int], budget: Any) -> set[str]:
    """pabutools has no stop-at-first rule: the same loop over its parsed data."""
    chosen, left = set(), budget
    for p in sorted(projects, key=lambda p: (-scores[p], p.cost)):
        if p.cost > left:
            break
        chosen.add(p.name)
        left -= p.cost
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder of the .pb files")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pabutools", action="store_true")
    args = parser.parse_args()
    global DATA
    DATA = args.data
    print(f"machine: {platform.processor() or platform.machine()}, {cpu_name()}")
    print(f"python {platform.python_version()}, best of {args.repeat}\n")
    failed = False
    for name, flags, rule, limit in CASES:
        failed |= not bench_case(name, flags, rule, limit, args.repeat, not args.no_pabutools)
    return 1 if failed else 0


def bench_case(
    name: str, flags: list[str], rule: str, limit: float, repeat: int, pabutools: bool
) -> bool:
    """Print one case's figures; True when fast enough and equal to the recorded winners."""
    threshold = int(flags[flags.index("--threshold") + 1]) if "--threshold" in flags else 0
    seconds, (cpu, data) = best_of(repeat, functools.partial(ours, name, flags))
    recorded = set(data["recorded_selected"] or [])
    ok = set(data["selected"]) == recorded
    parse, rule_time = in_process(name, rule, threshold)
    print(f"{name} [{rule}]")
    print(
        f"  bp-terrain rules run: {seconds:6.2f} s wall, {cpu:5.2f} s CPU (limit {limit:.0f} s, "
        f"{'OK' if seconds < limit else 'TOO SLOW'}); recorded winners: "
        f"{'match' if ok else 'DIFFER'}"
    )
    print(f"      in process      : parse {parse:6.2f} s, rule {rule_time:6.2f} s")
    if pabutools:
        p_parse, p_rule, selected = theirs(name, rule, threshold)
        same = "match" if selected == recorded else "differ"
        print(
            f"  pabutools 1.2.3     : parse {p_parse:6.2f} s, rule {p_rule:6.2f} s; "
            f"recorded winners: {same}"
        )
    return seconds < limit and ok


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                count = Path("/proc/cpuinfo").read_text().count("processor\t:")
                return f"{line.split(':', 1)[1].strip()} x{count}"
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
