"""Kill -9 while ingesting, deciding and sealing: nothing lost, nothing counted twice, the chain
stays valid and the JSON-lines copy catches up.

Kills are placed by the work done, not by the clock, so that a loaded machine (where imports
alone can take seconds) still kills the worker in the middle of its work:
- after k units of work (files, decisions) plus a random part of one unit's duration;
- at exact moments, by the worker killing itself with SIGKILL: inside a transaction after an
  entry was added (nothing of that unit may remain), right after a commit before the JSON-lines
  copy is written (the copy must catch up), and halfway through writing a line of the copy (the
  half line must be dropped and the entry written again).
The expected figures after each kill are exact, so any lost or doubled record is caught.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from app.domain.audit.jsonl import verify_jsonl
from app.services import open_services
from app.services.counting.log import jsonl_path
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck

ROOT = Path(__file__).resolve().parents[2]
#: Seconds a worker may take when it must finish (a machine shared by several engineers).
LIMIT = 600.0

WORKER = """
import json, os, signal, sys
sys.path.insert(0, {root!r})
from app.services.counting import log as cl
from app.services import open_services
args = json.loads(sys.argv[1])
hits = [0]

def hit():
    hits[0] += 1
    return hits[0] == args.get("nth")

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if args.get("kill_at") == "in_transaction":  # after an entry is added, before the commit
    add = cl.Writer._add
    def _add(self, entry):
        out = add(self, entry)
        if hit():
            die()
        return out
    cl.Writer._add = _add
elif args.get("kill_at") == "after_commit":  # committed, the copy not yet written
    committed = cl.AuditLog.committed
    def _committed(self, *a):
        if hit():
            die()
        return committed(self, *a)
    cl.AuditLog.committed = _committed
elif args.get("kill_at") == "half_line":  # half of a line written in the copy
    append = cl.append_jsonl
    def _append(path, entries):
        if hit():
            line = entries[0].canonical()
            with open(path, "ab") as out:
                out.write(line[: len(line) // 2])
                out.flush()
                os.fsync(out.fileno())
            die()
        return append(path, entries)
    cl.append_jsonl = _append

c = open_services(__import__("pathlib").Path(args["data"])).counting
print("ready", flush=True)
if args["what"] == "ingest":
    for f in args["files"]:
        c.ingest(args["session"], [f], workers=1)
        print("step", flush=True)
elif args["what"] == "decide":
    for i in range(args.get("n", 200)):
        c.decide(args["session"], args["sheet"], "marked" if i % 2 else "unmarked",
                 "essai " + str(i), project_id=args["project"])
        print("step", flush=True)
elif args["what"] == "seal":
    c.seal(args["session"], args["passphrase"])
print("done", flush=True)
"""


class Worker:
    """A worker process and its output lines, read by a thread so waits have a deadline."""

    def __init__(self, args: dict) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER.format(root=str(ROOT)), json.dumps(args)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def next_line(self) -> str | None:
        try:
            return self.lines.get(timeout=LIMIT)
        except queue.Empty:
            self.proc.kill()
            raise AssertionError("worker silent for too long") from None

    def finish(self) -> bool:
        """Wait for the end; True if it ended by itself, False if it was killed."""
        self.proc.wait(timeout=LIMIT)
        if self.proc.returncode == -signal.SIGKILL:
            return False
        assert self.proc.returncode == 0, self.proc.stderr.read() if self.proc.stderr else ""
        return True


def run(args: dict, *, kill_after: int | None = None, jitter: float = 0.0) -> bool:
    """Run a worker to its end (True), or SIGKILL it after its `kill_after`-th step, `jitter`
    times the last step's duration later; workers given `kill_at` kill themselves (False)."""
    worker = Worker(args)
    assert worker.next_line() == "ready", worker.proc.stderr.read() if worker.proc.stderr else ""
    if kill_after is not None:
        last, step, steps = time.monotonic(), 0.0, 0
        while steps < kill_after and worker.next_line() == "step":
            now = time.monotonic()
            last, step, steps = now, now - last, steps + 1
        if steps == kill_after:  # within the next step, as long as the last one took
            time.sleep(jitter * step)
            os.kill(worker.proc.pid, signal.SIGKILL)
    return worker.finish()


def consistent(data: Path, session_id: str) -> dict:
    """Restart: the chain verifies, the copy is caught up and valid, the figures are read."""
    with open_services(data) as services:
        entries = services.counting.verify_session(session_id)  # raises on a broken chain
        assert verify_jsonl(jsonl_path(data, session_id)).ok
        status = services.counting.status(session_id)
        assert status.head_seq == entries
        return status.as_dict()


def sheets(data: Path, session_id: str) -> int:
    return int(consistent(data, session_id)["totals"]["sheets"])


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
    ingest = {**base, "what": "ingest", "files": files}

    assert not run(ingest, kill_after=2, jitter=rng.uniform(0.2, 0.9))
    done = sheets(data, session.id)
    assert 2 <= done <= 4  # the files read so far, each whole
    assert not run({**ingest, "kill_at": "in_transaction", "nth": 3})  # 2nd new file, mid-way
    assert sheets(data, session.id) == done + 1
    assert not run({**ingest, "kill_at": "after_commit", "nth": 2})
    assert sheets(data, session.id) == done + 3
    assert not run({**ingest, "kill_at": "half_line", "nth": 1})
    assert sheets(data, session.id) == done + 4
    assert run(ingest)
    status = consistent(data, session.id)
    assert status["totals"]["sheets"] == len(files)  # each file once, none twice
    assert (status["totals"]["valid"], status["pending_reviews"]) == (8, 1)

    services = open_services(data)
    [item] = services.counting.review_queue(session.id)
    services.close()
    decide = {**base, "what": "decide", "sheet": item.sheet_id, "project": setup.project_ids[2]}
    counted = 0
    for kill in ({"kill_at": "in_transaction", "nth": 4}, {"kill_at": "half_line", "nth": 3}):
        assert not run({**decide, **kill})
        counted += 3  # the 4th not committed; or the 3rd committed, its line half written
        assert _decisions(data, session.id) == counted
    assert not run(decide, kill_after=2, jitter=rng.uniform(0.2, 0.9))
    assert counted + 2 <= _decisions(data, session.id) < counted + 200

    services = open_services(data)  # the last word on that ballot, whatever was killed
    services.counting.decide(session.id, item.sheet_id, "invalid", "Trois cases cochées")
    assert services.counting.status(session.id).pending_reviews == 0
    services.close()

    seal = {**base, "what": "seal", "passphrase": PASSPHRASE}
    assert not run({**seal, "kill_at": "in_transaction", "nth": 1})  # results computed, not sealed
    status = consistent(data, session.id)
    assert not status["sealed"] and status["sealed_hash"] is None
    assert _events(data, session.id).count("tally_computed") == 0  # all or nothing
    assert not run({**seal, "kill_at": "half_line", "nth": 1})  # sealed, copy half written
    status = consistent(data, session.id)
    assert status["sealed"] and status["sealed_hash"] is not None
    assert _events(data, session.id)[-2:] == ["tally_computed", "session_sealed"]
    assert status["totals"]["sheets"] == len(files) and status["totals"]["invalid"] == 1


def _decisions(data: Path, session_id: str) -> int:
    """Decision rows; each has exactly one log entry (after the opening and 2 per sheet)."""
    status = consistent(data, session_id)
    rows = _count_rows(data, "count_decision")
    assert rows == status["head_seq"] - 1 - 2 * status["totals"]["sheets"]
    return rows


def _events(data: Path, session_id: str) -> list[str]:
    lines = jsonl_path(data, session_id).read_bytes().splitlines()
    return [json.loads(line)["event"] for line in lines]


def _count_rows(data: Path, table: str) -> int:
    import sqlite3

    conn = sqlite3.connect(data / "bp-terrain.sqlite3")
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()
