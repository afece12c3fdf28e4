"""`count ingest` as a real process (issue 9, findings 6 and 7): its readers die with it, Ctrl-C
stops it cleanly between files, and two ingests of the same files account for every file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services import open_services
from app.services.counting.log import jsonl_path
from tests.helpers.cli import run_cli
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck

ROOT = Path(__file__).resolve().parents[2]
BALLOTS = 10


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """Ten printed, marked and rendered ballots of a recorded print batch, and a clean copy
    of the data folder before any count."""
    root = tmp_path_factory.mktemp("ingest")
    data = root / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        marks = [[i % 4] for i in range(BALLOTS)]
        printed = print_deck(setup, marks, root / "scans")
    return data, printed.files, setup.residence_id


@pytest.fixture
def session(deck, tmp_path):
    import shutil

    data, files, residence = deck
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    with open_services(folder) as services:
        opened = services.counting.open_session(residence, "Agnès", passphrase=PASSPHRASE)
    return folder, files, opened.id


def _ingest(folder: Path, session_id: str, files, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "BP_TERRAIN_PASSPHRASE": PASSPHRASE}
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "count", "ingest", "--data-dir", str(folder),
         "--session", session_id, "--json", *extra, *map(str, files)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def _in_session(sid: int) -> list[int]:
    """Processes whose session is `sid` (children keep it after their parent dies)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(int(entry.name))
    return found


def _wait(condition, timeout: float, step: float = 0.1) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()


def _lines(folder: Path, session_id: str) -> int:
    path = jsonl_path(folder, session_id)
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def test_kill_9_of_an_ingest_leaves_no_reader_process_behind(session):
    folder, files, session_id = session
    proc = _ingest(folder, session_id, files, "--workers", "2")
    try:
        # the forkserver, two workers and the resource tracker are up
        assert _wait(lambda: len(_in_session(proc.pid)) >= 4, 60), _in_session(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        left = _wait(lambda: not _in_session(proc.pid), 20)
        assert left, f"processes left behind: {_in_session(proc.pid)}"
    finally:
        for pid in _in_session(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.communicate()


def test_ctrl_c_stops_between_files_and_keeps_what_was_recorded(session):
    folder, files, session_id = session
    proc = _ingest(folder, session_id, files, "--workers", "1")
    # wait for two sheets (opening entry + 2 entries per sheet) then press Ctrl-C
    assert _wait(lambda: _lines(folder, session_id) >= 5, 120)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    report = json.loads(out)
    assert report["interrupted"] is True
    kept = len(report["recorded"])
    assert 2 <= kept < BALLOTS
    assert "Traceback" not in err
    assert _wait(lambda: not _in_session(proc.pid), 10)
    # what was recorded is there, the chain verifies, and a second run reads only the rest
    again = _ingest(folder, session_id, files, "--workers", "1")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    second = json.loads(out)
    assert len(second["already_known"]) == kept
    assert len(second["recorded"]) == BALLOTS - kept
    with open_services(folder) as services:
        assert services.counting.status(session_id).tally.sheets == BALLOTS


def test_two_ingests_of_the_same_files_each_account_for_every_file(session):
    folder, files, session_id = session
    first = _ingest(folder, session_id, files, "--workers", "1")
    second = _ingest(folder, session_id, list(reversed(files)), "--workers", "1")
    reports = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    for report in reports:
        # each file is either recorded here or reported as already read (by the other)
        assert len(report["recorded"]) + len(report["already_known"]) == BALLOTS
    assert sum(len(r["recorded"]) for r in reports) == BALLOTS
    with open_services(folder) as services:
        assert services.counting.status(session_id).tally.sheets == BALLOTS


# --- finding 2 through the command line ------------------------------------------------------


def test_a_sheet_row_changed_with_raw_sql_blocks_every_command_that_shows_a_figure(session):
    import sqlite3

    folder, files, session_id = session
    d = ("--data-dir", str(folder))
    s = ("--session", session_id)
    done = _ingest(folder, session_id, files[:3], "--workers", "1")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    sheet = json.loads(out)["recorded"][0]["sheet_id"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env={"BP_TERRAIN_PASSPHRASE": PASSPHRASE})  # tests/helpers/cli.py

    assert run("count", "close", *d, *s).returncode == 0  # sealed, then tampered
    conn = sqlite3.connect(folder / "bp-terrain.sqlite3")
    conn.execute("UPDATE count_sheet SET status = 'rejected' WHERE id = ?", (sheet,))
    conn.commit()
    conn.close()
    bundle = folder.parent / "paquet.zip"
    pdf = folder.parent / "pv.pdf"
    for command in (
        ("count", "status", *d, *s, "--json"),
        ("results", *d, "--residence", "Les Tilleuls"),
        ("count", "export", *d, *s, "--out", str(bundle)),
        ("report", *d, *s, "--out", str(pdf)),
    ):
        done = run(*command)
        assert done.returncode == 2, command
        assert "rompu" in done.stderr and sheet in done.stderr, done.stderr
    assert not bundle.exists() and not pdf.exists()
