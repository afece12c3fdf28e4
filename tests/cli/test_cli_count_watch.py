"""`bp-terrain count watch` on a real folder where scans appear while it runs, and
`bp-terrain count reopen` on a sealed count; real commands in subprocesses."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from app.services import open_services
from tests.cli.test_cli_count import ROOT, bp, ok
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck, stored

#: Generous: the machine is shared by several engineers (load 4 to 5 on 2 cores).
WAIT = 180.0


def _deck(tmp_path: Path, marks: list[list[int]]) -> tuple[Path, str, list[Path], list[str]]:
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        deck = print_deck(setup, marks, tmp_path / "scans")
        session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    return data, session.id, deck.files, setup.project_ids


class _Lines:
    """Lines of a child's standard output, read by a thread (a pipe read with a deadline)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        self.stream = proc.stdout
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.stream:
            self.queue.put(line)

    def next(self, deadline: float) -> str:
        try:
            return self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError("no line from count watch in time") from None

    def rest(self) -> str:
        lines = []
        while not self.queue.empty():
            lines.append(self.queue.get())
        return "".join(lines)


def _write_slowly(source: Path, target: Path) -> None:
    """Like a scanner: the file grows in two steps, with a pause between them."""
    data = source.read_bytes()
    with target.open("wb") as out:
        out.write(data[: len(data) // 3])
        out.flush()
        time.sleep(0.8)
        out.write(data[len(data) // 3 :])


def test_watch_records_files_as_the_scanner_drops_them_then_stops_cleanly(tmp_path):
    data, session, files, p = _deck(tmp_path, [[0], [1], [2], [3]])
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("pas une image")  # ignored: not a scan
    shutil.copy(files[0], inbox / "a.png")  # already there when the watch starts
    d = ("--data-dir", str(data))
    env = {**os.environ, "BP_TERRAIN_PASSPHRASE": PASSPHRASE}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "count", "watch", *d, "--session", session,
         "--folder", str(inbox), "--interval", "0.3", "--json", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines = _Lines(proc)
    try:
        deadline = time.monotonic() + WAIT
        seen = [json.loads(lines.next(deadline))]
        _write_slowly(files[1], inbox / "b.png")  # half-written for a while: never read so
        shutil.copy(files[2], inbox / "c.png")
        shutil.copy(files[0], inbox / "copie-de-a.png")  # same bytes: recorded once
        while len(seen) < 3:
            seen.append(json.loads(lines.next(deadline)))
        shutil.copy(files[3], inbox / "d.png")
        seen.append(json.loads(lines.next(deadline)))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.2)  # let the reader thread take the last bytes of the pipe
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert lines.rest().strip() == ""  # nothing more was recorded
    assert [r["file"] for r in seen] == ["a.png", "b.png", "c.png", "d.png"]
    assert [r["status"] for r in seen] == ["valid"] * 4
    status = json.loads(ok("count", "status", *d, "--session", session, "--json"))
    assert status["totals"]["sheets"] == 4 and status["totals"]["rejected"] == 0
    assert status["votes"] == {pid: 1 for pid in p}


def test_watch_once_records_what_is_there_and_refuses_a_missing_folder(tmp_path):
    data, session, files, p = _deck(tmp_path, [[0], [0, 1]])
    inbox = tmp_path / "depot"
    inbox.mkdir()
    for f in files:
        shutil.copy(f, inbox / f.name)
    d = ("--data-dir", str(data), "--session", session)
    out = ok("count", "watch", *d, "--folder", str(inbox), "--once", "--interval", "0.2")
    assert out.strip().splitlines()[-1] == "2 feuilles enregistrées."
    again = ok("count", "watch", *d, "--folder", str(inbox), "--once", "--interval", "0.2")
    assert again.strip().splitlines()[-1] == "0 feuille enregistrée."
    missing = bp("count", "watch", *d, "--folder", str(tmp_path / "absent"), "--once")
    assert missing.returncode == 2 and "Dossier introuvable" in missing.stderr
    status = json.loads(ok("count", "status", *d, "--json"))
    assert status["votes"] == {p[0]: 2, p[1]: 1}


def test_reopen_a_sealed_count_from_the_command_line(tmp_path):
    data, session, files, p = _deck(tmp_path, [[0], [1]])
    d = ("--data-dir", str(data))
    ok("count", "ingest", *d, "--session", session, *map(str, files))
    refused = bp("count", "reopen", *d, "--session", session, "--reason", "Trop tôt")
    assert refused.returncode == 2 and "pas scellée" in refused.stderr
    ok("count", "close", *d, "--session", session)
    out = ok("count", "reopen", *d, "--session", session, "--reason", "Erreur signalée",
             "--witness", "Karim Benali")  # fmt: skip
    new = out.strip().splitlines()[-1]
    assert new != session and "Empreinte" in out
    status = json.loads(ok("count", "status", *d, "--session", new, "--json"))
    assert status["sealed"] is False and status["totals"]["valid"] == 2
    assert status["witnesses"] == ["Karim Benali"]
    results = json.loads(ok("results", *d, "--residence", "Les Tilleuls", "--json"))
    assert results["sessions"] == [session] and results["reopened"] == [new]
    twice = bp("count", "reopen", *d, "--session", session, "--reason", "Encore")
    assert twice.returncode == 2 and "déjà ouverte" in twice.stderr
    # the correction: the first ballot is declared invalid after all
    sheets = json.loads(ok("count", "sheets", *d, "--session", new, "--json"))["sheets"]
    assert sorted((x["file"], x["outcome"]) for x in sheets) == sorted(
        [(stored(files[0]), "valid"), (stored(files[1]), "valid")]
    )
    sheets = sorted(sheets, key=lambda x: x["file"] != stored(files[0]))
    ok("count", "decide", *d, "--session", new, "--sheet", sheets[0]["sheet_id"],
       "--sheet-as", "invalid", "--reason", "Signe distinctif")  # fmt: skip
    ok("count", "close", *d, "--session", new)
    results = json.loads(ok("results", *d, "--residence", "Les Tilleuls", "--json"))
    assert results["sessions"] == [new] and results["reopened"] == []
    assert (results["valid"], results["invalid"]) == (1, 1)
    assert {x["project_id"]: x["votes"] for x in results["projects"]}[p[0]] == 0
