"""Benchmark `bp-terrain spreadsheet import-residences` on 50,000 rows (target: < 10 s).

Run from the repository root:

    .venv/bin/python benchmarks/bench_spreadsheet.py [--rows N]

Writes a CSV (Windows-1252, `;`, French amounts) and an XLSX of N residences, then times the real
command in a subprocess (start-up, reading, checks, the preview and the one transaction that
writes every residence with its sync outbox row), each into a fresh data folder; then the
preview alone (`--dry-run`). Prints wall and CPU seconds and the peak memory of the command.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    import openpyxl

    lines = ["Nom;Adresse;Logements;Budget (€)"]
    lines += [
        f"Résidence n° {i};{i} rue des Érables;{i % 900};{i % 50} 000,50" for i in range(rows)
    ]
    csv_path = folder / "residences.csv"
    csv_path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Nom", "Adresse", "Logements", "Budget"])
    for i in range(rows):
        sheet.append([f"Résidence n° {i}", f"{i} rue des Érables", i % 900, (i % 50) * 1000 + 0.5])
    xlsx_path = folder / "residences.xlsx"
    book.save(xlsx_path)
    return csv_path, xlsx_path


def new_data_dir(folder: Path, name: str) -> Path:
    from app.services import open_services
    from app.services.campaigns import CampaignInput

    data = folder / name
    with open_services(data) as services:
        services.campaigns.create_campaign(CampaignInput(name="Banc d'essai"))
    return data


def run(args: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, after.ru_maxrss // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args(argv).rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = write_files(folder, rows)
        worst = 0.0
        for label, path, extra in (
            ("CSV import", csv_path, []),
            ("XLSX import", xlsx_path, []),
            ("CSV preview (--dry-run)", csv_path, ["--dry-run"]),
        ):
            data = new_data_dir(folder, label.split()[0] + str(len(extra)))
            wall, cpu, peak = run(["spreadsheet", "import-residences", str(path), "--data-dir",
                                   str(data), "--json", *extra])  # fmt: skip
            worst = max(worst, wall)
            print(f"{label}, {rows:,} rows: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                  f"{peak} MB peak (children)")  # fmt: skip
    ok = worst < TARGET_S
    print(f"target < {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
