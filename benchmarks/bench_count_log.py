"""Benchmark: checking a count's rows against its audit log with 20,000 ballots.

Run:  .venv/bin/python benchmarks/bench_count_log.py [--ballots 20000]

Every figure the app shows (status, badges, results) first compares the sheet and decision rows
with the session's log (`counting.guard`, through `read.load_facts`). The log's records used to
be parsed again on every call; they are now kept per database and session, and reused for the
rows whose stored columns are unchanged (`guard.PARSED_LOGS`).

A real data folder gets a live count of `--ballots` hand-keyed ballots: the same rows and log
entries as `counting.hand_key`, written 500 per transaction to build the folder in minutes
rather than the hour one transaction per ballot would take (each entry is chained and signed
as usual). Then, CPU time, best of 3:

- `load_facts` cold (nothing parsed yet: every entry is parsed, as before the cache), warm
  (the log did not change), and after one more ballot (one entry parsed);
- `counting.status(session)` (the Dépouillement screen's figures, which verify the chain head
  too) cold and warm; `counting.results(residence)`, warm.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.audit import EventType  # noqa: E402
from app.ids import random_id  # noqa: E402
from app.services import open_services  # noqa: E402
from app.services.counting.guard import PARSED_LOGS  # noqa: E402
from app.services.counting.read import load_facts  # noqa: E402
from app.storage.count_tables import CountSheetRow  # noqa: E402
from tests.helpers.counting import PASSPHRASE, make_setup  # noqa: E402

BATCH = 500


def hand_key_many(counting: Any, session_id: str, choices: list[list[str]]) -> None:
    """`counting.hand_key` for many ballots, `BATCH` per transaction (same rows, same entries)."""
    for start in range(0, len(choices), BATCH):
        with counting.writing(session_id) as w:
            for chosen in choices[start : start + BATCH]:
                sheet_id = random_id()
                payload = {
                    "sheet_id": sheet_id,
                    "choices": sorted(set(chosen)),
                    "reason": "bulletin déchiré",
                    "keyed_by": "Agnès Martin",
                }
                entry = w.append(EventType.HAND_KEYED_BALLOT, payload)
                w.session.add(
                    CountSheetRow(
                        id=sheet_id, session_id=session_id, image_sha256="hand:" + sheet_id,
                        file_name="", source="hand", status="valid", template_hash=None,
                        hand_keyed=True, choices=sorted(set(chosen)), audit_seq=entry.seq,
                    )
                )  # fmt: skip


def cpu(work: Callable[[], Any], repeat: int = 3, before: Callable[[], Any] | None = None) -> float:
    best = float("inf")
    for _ in range(repeat):
        if before is not None:
            before()
        t = time.process_time()
        work()
        best = min(best, time.process_time() - t)
    return best


def forget() -> None:
    PARSED_LOGS._by_engine.clear()  # noqa: SLF001 - the benchmark measures the cold path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ballots", type=int, default=20_000)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="bp-bench-log-") as tmp:
        services = open_services(Path(tmp) / "data")
        try:
            setup = make_setup(services)
            session = services.counting.open_session(
                setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
            )
            ids = setup.project_ids
            t = time.perf_counter()
            hand_key_many(
                services.counting, session.id,
                [[ids[i % 4], ids[(i * 7 + 1) % 4]] for i in range(args.ballots)],
            )  # fmt: skip
            print(f"{args.ballots} hand-keyed ballots written in {time.perf_counter() - t:.0f} s")

            def facts() -> None:
                with services.uow() as s:
                    load_facts(s, session.id)

            cold = cpu(facts, before=forget)
            warm = cpu(facts)
            services.counting.hand_key(session.id, [ids[0]], "bulletin mouillé")
            parsed = PARSED_LOGS.parsed
            grown = cpu(facts, repeat=1)
            print(f"load_facts: cold {cold * 1000:.0f} ms CPU, warm {warm * 1000:.0f} ms, "
                  f"after one more ballot {grown * 1000:.0f} ms "
                  f"({PARSED_LOGS.parsed - parsed} entry parsed)")  # fmt: skip
            status_cold = cpu(lambda: services.counting.status(session.id), before=forget)
            status_warm = cpu(lambda: services.counting.status(session.id))
            results = cpu(lambda: services.counting.results(setup.residence_id))
            print(f"counting.status: cold {status_cold * 1000:.0f} ms CPU, warm "
                  f"{status_warm * 1000:.0f} ms; counting.results warm {results * 1000:.0f} ms")  # fmt: skip
        finally:
            services.close()


if __name__ == "__main__":
    main()
