"""Kill -9 at random moments while ingesting, deciding and sealing: nothing lost, nothing
counted twice, the chain stays valid and the JSON-lines copy catches up."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.domain.audit_jsonl import verify_jsonl
from app.services import open_services
from app.services.counting_log import jsonl_path
from tests.app.test_counting_helpers import PASSPHRASE, make_setup, print_deck

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import json, sys
sys.path.insert(0, {root!r})
from app.services import open_services
args = json.loads(sys.argv[1])
s = open_services(__import__("pathlib").Path(args["data"]))
c = s.counting
print("ready", flush=True)
if args["what"] == "ingest":
    for f in args["files"]:
        c.ingest(args["session"], [f], workers=1)
elif args["what"] == "decide":
    for i in range(200):
        c.decide(args["session"], args["sheet"], "marked" if i % 2 else "unmarked",
                 "essai " + str(i), project_id=args["project"])
elif args["what"] == "seal":
    c.seal(args["session"], args["passphrase"])
print("done", flush=True)
"""


def _run_and_kill(args: dict, delay: float) -> bool:
    """Start a worker, SIGKILL it `delay` seconds after it is ready to work (imports done);
    True if it finished first."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(root=str(ROOT)), json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return False
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    return True


def _check_consistent(data: Path, session_id: str) -> dict:
    services = open_services(data)
    try:
        entries = services.counting.verify_session(session_id)  # raises on a broken chain
        assert verify_jsonl(jsonl_path(data, session_id)).ok
        status = services.counting.status(session_id)
        assert status.head_seq == entries
        return status.as_dict()
    finally:
        services.close()


def test_kill_while_ingesting_deciding_and_sealing(tmp_path):
    rng = random.Random(20270110)
    data = tmp_path / "data"
    services = open_services(data)
    setup = make_setup(services)
    deck = print_deck(setup, [[i % 4] for i in range(8)] + [[0, 1, 2]], tmp_path / "scans")
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    services.close()
    files = [str(f) for f in deck.files]
    base = {"data": str(data), "session": session.id}

    for _ in range(3):
        _run_and_kill({**base, "what": "ingest", "files": files}, rng.uniform(0.1, 1.5))
        status = _check_consistent(data, session.id)
        assert status["totals"]["sheets"] <= len(files)
    assert _run_and_kill({**base, "what": "ingest", "files": files}, 120)
    status = _check_consistent(data, session.id)
    assert status["totals"]["sheets"] == len(files)  # each file once, none twice
    assert (status["totals"]["valid"], status["pending_reviews"]) == (8, 1)

    services = open_services(data)
    [item] = services.counting.review_queue(session.id)
    services.close()
    decide = {**base, "what": "decide", "sheet": item.sheet_id, "project": setup.project_ids[2]}
    for _ in range(2):
        _run_and_kill(decide, rng.uniform(0.1, 1.0))
        status = _check_consistent(data, session.id)
    decisions = _count_rows(data, "count_decision")
    assert decisions == status["head_seq"] - 1 - 2 * len(files)
    services = open_services(data)  # the last word on that ballot, whatever was killed
    services.counting.decide(session.id, item.sheet_id, "invalid", "Trois cases cochées")
    services.close()

    for _ in range(3):
        _run_and_kill({**base, "what": "seal", "passphrase": PASSPHRASE}, rng.uniform(0.0, 0.4))
        status = _check_consistent(data, session.id)
        assert status["sealed"] == (status["sealed_hash"] is not None)
        if status["sealed"]:
            break
    if not status["sealed"]:
        assert _run_and_kill({**base, "what": "seal", "passphrase": PASSPHRASE}, 120)
        status = _check_consistent(data, session.id)
    assert status["sealed"] and status["totals"]["sheets"] == len(files)


def _count_rows(data: Path, table: str) -> int:
    import sqlite3

    conn = sqlite3.connect(data / "bp-terrain.sqlite3")
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()
