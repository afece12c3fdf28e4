"""The console command, run as a user would (in this process, tests/helpers/cli.py; the
storage errors and the plain `status` through a real `python -m ui.cli`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[2]


def bp(*args: str) -> subprocess.CompletedProcess[str]:
    """In this process (tests/helpers/cli.py); `bp_process` starts a real one."""
    return run_cli(*args)


def bp_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_demo_then_status_json(tmp_path):
    data = tmp_path / "d"
    created = bp("demo", "--data-dir", str(data))
    assert created.returncode == 0, created.stderr
    assert "créée" in created.stdout
    again = bp("demo", "--data-dir", str(data))
    assert again.returncode == 0 and "déjà" in again.stdout
    status = bp("status", "--data-dir", str(data), "--json")
    assert status.returncode == 0, status.stderr
    counts = json.loads(status.stdout)
    assert counts["residences"] == 3
    assert counts["ideas"] == 17
    assert counts["projects"] == 13
    assert counts["pending_sync_changes"] > 0
    text = bp_process("--data-dir", str(data), "status")
    assert "Projets à examiner" in text.stdout


def test_storage_errors_are_french_messages_not_tracebacks(tmp_path):
    data = tmp_path / "bad"
    data.mkdir()
    (data / "bp-terrain.sqlite3").write_bytes(b"garbage" * 1000)
    result = bp_process("status", "--data-dir", str(data))
    assert result.returncode == 2
    assert "Erreur" in result.stderr and "endommagé" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_with_a_count_under_way(tmp_path):
    data = tmp_path / "d"
    created = bp("demo", "--data-dir", str(data), "--with-count")
    assert created.returncode == 0
    # the demo's passphrase is written where its user sees it: here and in the count screen
    assert "la phrase secrète de Agnès Martin est « phrase secrète de démonstration »" in (
        created.stdout
    )
    assert (data / "count" / "keys" / "demo-passphrase.txt").exists()
    counts = json.loads(bp("status", "--data-dir", str(data), "--json").stdout)
    assert counts["sheets_counted"] == 10
    assert counts["ballots_printed"] >= 10
    again = bp("demo", "--data-dir", str(data), "--with-count")  # no second count
    assert again.returncode == 0
    assert json.loads(bp("status", "--data-dir", str(data), "--json").stdout) == counts
