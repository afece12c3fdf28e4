"""A full disk during ingestion, on a real small filesystem (tmpfs; the suite runs as root)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.domain.audit.jsonl import verify_jsonl
from app.errors import StorageError
from app.services import open_services
from app.services.counting.log import jsonl_path
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path, leave: int) -> None:
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    (mount / "filler.bin").write_bytes(b"\0" * max(0, free - leave))


def test_full_disk_stops_ingestion_cleanly_and_resumes(tmp_path, small_disk):
    data = small_disk / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        deck = print_deck(setup, [[i % 4] for i in range(24)], tmp_path / "scans")
        session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
        _fill(small_disk, leave=600_000)  # about ten scans' worth of room left
        with pytest.raises(StorageError, match="disque est plein"):
            services.counting.ingest(session.id, deck.files, workers=1)
        recorded = services.counting.status(session.id).tally.sheets
        assert 0 < recorded < len(deck.files)
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    services = open_services(data)  # restart: the chain verifies, the copy catches up
    try:
        services.counting.verify_session(session.id)
        report = services.counting.ingest(session.id, deck.files, workers=1)
        assert len(report.recorded) + len(report.already_known) == len(deck.files)
        t = services.counting.status(session.id).tally
        assert (t.sheets, t.valid) == (len(deck.files), len(deck.files))
        assert sum(t.votes.values()) == len(deck.files)
        assert verify_jsonl(jsonl_path(Path(data), session.id)).ok
    finally:
        services.close()
