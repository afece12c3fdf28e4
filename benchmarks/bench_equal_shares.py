"""Benchmark: Equal Shares with Add1 on money kept in cents (the results service and `verify`).

Run:  .venv/bin/python benchmarks/bench_equal_shares.py [--cent-steps]

Two votes:

- the demo residence (`create_demo` + `create_demo_count`: ten real ballots printed, marked,
  read and decided) with Equal Shares declared before its count; the time is that of
  `services.counting.results(residence)` (log check, sheets, rule), as the Résultats screen,
  the report and the exports pay it;
- an Assen-sized vote: Netherlands_Assen_2024.pb (tests/data/pabulib) with its money turned
  into cents, as the app keeps it, run through `run_rule` with `currency_unit=100`; its outcome
  must be the recorded winners and the one of the same vote in euros.

Add1 raises each voter's share by one euro per step (`Election.currency_unit`). `--cent-steps`
also times the former behaviour, one cent per step (`currency_unit=1` on amounts in cents),
which took 40-60 s; it is slow, so off by default.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.pabulib import read_pabulib, to_election  # noqa: E402
from app.domain.rules import (  # noqa: E402
    CENTS_PER_UNIT,
    Election,
    Options,
    Outcome,
    Project,
    ResultsRule,
    run_rule,
)


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def in_cents(election: Election, unit: Fraction) -> Election:
    return Election(
        election.budget * 100,
        tuple(Project(p.project_id, p.cost * 100, p.name) for p in election.projects),
        election.ballots,
        currency_unit=unit,
    )


def steps(outcome: Outcome) -> int:
    assert outcome.equal_shares is not None
    return outcome.equal_shares.add1_steps


def assen(cent_steps: bool) -> None:
    from tests.helpers.pabulib import pb

    name = "Netherlands_Assen_2024.pb"
    file = read_pabulib(pb(name))
    euros = to_election(file)
    options = Options(rule=ResultsRule.MES, threshold=file.threshold)
    recorded = set(file.recorded_selected() or ())
    print(f"{name}: {len(euros.ballots)} voters, {len(euros.projects)} projects")
    wall, cpu, ref = timed(lambda: run_rule(euros, options))
    print(f"  euros, 1 euro a step:   {wall:6.2f} s wall, {cpu:6.2f} s CPU, {steps(ref)} steps")
    wall, cpu, out = timed(lambda: run_rule(in_cents(euros, CENTS_PER_UNIT), options))
    same = out.selected == ref.selected and set(out.selected) == recorded
    print(
        f"  cents, 1 euro a step:   {wall:6.2f} s wall, {cpu:6.2f} s CPU, {steps(out)} steps; "
        f"recorded winners and euros' outcome: {'yes' if same else 'NO'}"
    )
    if cent_steps:
        wall, cpu, old = timed(lambda: run_rule(in_cents(euros, Fraction(1)), options))
        print(
            f"  cents, 1 cent a step (before): {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
            f"{steps(old)} steps; recorded winners: "
            f"{'yes' if set(old.selected) == recorded else 'NO'}"
        )


def demo(cent_steps: bool) -> None:
    from app.services import open_services

    with tempfile.TemporaryDirectory(prefix="bp-bench-mes-") as tmp:
        services = open_services(Path(tmp) / "data")
        try:
            campaign = services.demo.create_demo()
            services.counting.set_results_rule(campaign.id, "mes")
            services.demo.create_demo_count(Path(tmp) / "scans")
            residence = services.demo.demo_residence_id()
            wall, cpu, res = timed(lambda: services.counting.results(residence))
            print(
                f"demo residence « {res.residence_name} » ({res.tally.valid} valid ballots, "
                f"{len(res.projects)} projects, budget {res.budget_cents / 100:,.0f} EUR):"
            )
            print(
                f"  counting.results, 1 euro a step: {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
                f"{res.equal_shares.add1_steps} steps"
            )
            if cent_steps:
                ballots = tuple(services.public_results.residence_ballots(residence))
                election = Election(
                    Fraction(res.budget_cents),
                    tuple(Project(p.project_id, Fraction(p.cost_cents)) for p in res.projects),
                    ballots,
                    currency_unit=Fraction(1),
                )
                options = Options(rule=ResultsRule.MES, threshold=res.threshold)
                wall, cpu, old = timed(lambda: run_rule(election, options))
                print(
                    f"  the rule alone, 1 cent a step (before): {wall:6.2f} s wall, "
                    f"{cpu:6.2f} s CPU, {steps(old)} steps"
                )
        finally:
            services.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cent-steps", action="store_true", help="also time one cent a step")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    demo(args.cent_steps)
    assen(args.cent_steps)


if __name__ == "__main__":
    main()
