"""Two programs writing to the same count at once (the counting screen and a `bp-terrain count`
command, say): every change is recorded, in one chain, and the JSON-lines copy stays in order.

Before the write lock and the copy lock (`app.services.counting.lock`), two writers could read
the same head (one then failed), or append their entries to the copy out of order, after which
every later change was refused with "le journal est rompu" and the count was blocked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.domain.audit.jsonl import verify_jsonl
from app.services import open_services
from app.services.counting.log import jsonl_path, load_entries
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = 30

WORKER = """
import json, sys
sys.path.insert(0, {root!r})
from app.services import open_services
args = json.loads(sys.argv[1])
c = open_services(__import__("pathlib").Path(args["data"])).counting
print("ready", flush=True)
sys.stdin.readline()  # start together
recorded = 0
if args["what"] == "ingest":
    for f in args["files"]:
        recorded += len(c.ingest(args["session"], [f], workers=1).recorded)
else:
    for i in range(args["n"]):
        c.decide(args["session"], args["sheet"], "marked" if i % 2 else "unmarked",
                 "essai " + str(i), project_id=args["project"])
        recorded += 1
print(json.dumps({{"recorded": recorded}}), flush=True)
"""


def _start(args: dict) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(root=str(ROOT)), json.dumps(args)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
    return proc


def test_two_processes_write_the_same_session_at_once(tmp_path):
    data = tmp_path / "data"
    services = open_services(data)
    setup = make_setup(services)
    first = print_deck(setup, [[0, 1, 2]], tmp_path / "a", prefix="a")
    more = print_deck(setup, [[i % 4] for i in range(6)], tmp_path / "b", batch=2, prefix="b")
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    [sheet] = services.counting.ingest(session.id, first.files, workers=1).recorded
    services.close()
    base = {"data": str(data), "session": session.id}
    procs = [
        _start({**base, "what": "ingest", "files": [str(f) for f in more.files]}),
        _start(
            {
                **base,
                "what": "decide",
                "sheet": sheet.sheet_id,
                "project": setup.project_ids[2],
                "n": DECISIONS,
            }
        ),  # fmt: skip
        _start(
            {
                **base,
                "what": "decide",
                "sheet": sheet.sheet_id,
                "project": setup.project_ids[1],
                "n": DECISIONS,
            }
        ),  # fmt: skip
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=600) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    done = [json.loads(out.strip().splitlines()[-1])["recorded"] for out, _err in outputs]
    assert done == [6, DECISIONS, DECISIONS]

    with open_services(data) as services:
        assert services.counting.verify_session(session.id) == 1 + 2 * 7 + 2 * DECISIONS
        status = services.counting.status(session.id)
        t = status.tally  # the last decisions: both boxes marked, three choices: void
        assert (t.sheets, t.valid, t.invalid) == (7, 6, 1)
        with services.uow() as s:
            entries = load_entries(s, session.id)
    copy = jsonl_path(data, session.id)
    assert verify_jsonl(copy).ok
    assert copy.read_bytes() == b"".join(e.canonical() + b"\n" for e in entries)


def test_entries_written_by_another_program_are_verified_before_use(services, tmp_path):
    """A process that already verified the log checks each entry added behind its back."""
    import sqlite3

    import pytest

    from app.domain.audit import ChainBroken

    setup = make_setup(services)
    deck = print_deck(setup, [[0], [1]], tmp_path / "s")
    c = services.counting
    session = c.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    c.ingest(session.id, deck.files[:1], workers=1)
    head = c.status(session.id).head_seq  # verified and cached by this process
    other = open_services(services.data_dir)  # another program adds a sheet: accepted
    try:
        other.counting.ingest(session.id, deck.files[1:], workers=1)
    finally:
        other.close()
    assert c.status(session.id).head_seq == head + 2
    with services.uow() as s:
        last = load_entries(s, session.id)[-1]
    forged = last.to_dict() | {"seq": last.seq + 1, "prev_hash": last.hash}
    conn = sqlite3.connect(services.db.path)  # a program writing a forged entry directly
    try:
        conn.execute(
            "INSERT INTO count_audit (id, created_at, updated_at, device_id, session_id, seq,"
            " event, entry, hash, prev_hash) VALUES ('x', '2027-01-01', '2027-01-01', 'd', ?, ?,"
            " ?, ?, ?, ?)",
            (session.id, forged["seq"], forged["event"], json.dumps(forged), forged["hash"],
             forged["prev_hash"]),
        )  # fmt: skip
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(ChainBroken, match="rompu"):
        c.status(session.id)
