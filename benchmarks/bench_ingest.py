"""Benchmark: ingest throughput (interpret + store + log) on 200 dpi scans of marked ballots.

Run:  .venv/bin/python benchmarks/bench_ingest.py [--pages 80] [--workers 2] [--projects 8]
Target on the reference 2-core machine: at least 8 pages per second, both cores reading.

A test deck (pre-marked test ballots) is printed by the ballots service, rendered to grey PNG
at 200 dpi with pypdfium2, then counted in a test-mode session: each page is stored by its
hash, read by the scanner's batch API in worker processes, recorded with its audit entries in
its own transaction. Setup time (printing, rendering) is not measured.
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

from sqlalchemy import text  # noqa: E402

from app.domain.models import ProjectStatus  # noqa: E402
from app.services import open_services  # noqa: E402
from app.services.campaigns import CampaignInput  # noqa: E402
from app.services.ideas import ProjectInput  # noqa: E402
from ballots.raster import render_page  # noqa: E402

PASSPHRASE = "phrase secrète du banc d'essai"


def prepare(root: Path, pages: int, projects: int) -> tuple[object, str, list[Path]]:
    services = open_services(root / "data")
    services.campaigns.create_campaign(CampaignInput(name="Banc d'essai du dépouillement"))
    residence = services.campaigns.add_residence("Résidence du banc", budget_cents=5_000_000)
    for i in range(projects):
        services.projects.create_project(
            ProjectInput(
                title=f"Projet numéro {i + 1}",
                residence_id=residence.id,
                cost_cents=100_000 * (i + 1),
                status=ProjectStatus.ADMISSIBLE,
            )
        )
    style = services.ballots.ensure_default_style(residence.id)
    pdf = root / "deck.pdf"
    services.ballots.print_test_deck(style.id, pdf, count=pages)
    files = []
    for i in range(pages):
        path = root / f"scan-{i:04d}.png"
        render_page(pdf, i, dpi=200, grey=True).save(path)
        files.append(path)
    return services, residence.id, files


def _reader_cpu(counting: object, files: list[Path]) -> float:
    """CPU seconds per page of the reader alone (worker processes start from a forkserver, so
    their CPU time cannot be read from here): the same pages read again in this process."""
    import cv2

    from app.services.counting.context import read_context
    from scanner.batch import interpret_file

    cv2.setNumThreads(1)  # as in the workers
    with counting.uow() as s:  # type: ignore[attr-defined]
        campaign_id = s.execute(text("SELECT id FROM campaign")).scalar_one()
        ctx = read_context(s, campaign_id, "test")
    start = time.process_time()
    for path in files:
        interpret_file(path, ctx)
    return (time.process_time() - start) / max(len(files), 1)


LOAD_BEFORE = f"{os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=80)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--projects", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        services, residence_id, files = prepare(Path(tmp), args.pages, args.projects)
        counting = services.counting  # type: ignore[attr-defined]
        session = counting.open_session(
            residence_id, "Agent du banc", passphrase=PASSPHRASE, mode="test"
        )
        start, cpu = time.perf_counter(), time.process_time()
        report = counting.ingest(session.id, files, workers=args.workers)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        reader = _reader_cpu(counting, files[:20])
        status = counting.status(session.id)
        services.close()  # type: ignore[attr-defined]
    rate = len(report.recorded) / elapsed
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"pages: {len(report.recorded)}  workers: {args.workers}  time: {elapsed:.2f} s")
    print(f"throughput: {rate:.1f} pages/s (target: 8)")
    n = max(len(report.recorded), 1)
    print(
        f"cpu per page: this process {1000 * cpu / n:.0f} ms"
        + (" (store + record + log)" if args.workers > 1 else " (store + read + record + log)")
        + f"; the reader alone {1000 * reader:.0f} ms (measured apart, one process)"
    )
    print(f"load average before/after: {LOAD_BEFORE} / {os.getloadavg()[0]:.1f}")
    print(f"tally: {status.tally.counts()}")
    return 0 if rate >= 8 else 1


if __name__ == "__main__":
    sys.exit(main())
