"""Builders for the verifier's tests: a real count (printed, marked, scanned, sealed) and its
bundle, plus a way to change bytes of a bundle like a forger would (with or without fixing the
manifest). No test lives here.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.services import Services
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck, stored

MANIFEST = "manifest.json"


def write_bundle(services: Services, session_id: str, out: Path, with_images: bool) -> Path:
    """The bundle `count export` writes (without recording the export in the log)."""
    return write_zip(services.counting.exports.bundle_files(session_id, with_images), out)


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(files: dict[str, bytes], out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            zf.writestr(name, files[name])
    return out


def tampered(
    src: Path,
    out: Path,
    name: str,
    change: Callable[[bytes], bytes],
    *,
    fix_manifest: bool,
) -> Path:
    """A copy of the bundle with file `name` changed; the manifest rewritten if asked."""
    files = read_zip(src)
    files[name] = change(files[name])
    if fix_manifest:
        manifest = json.loads(files[MANIFEST])
        manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
        files[MANIFEST] = json.dumps(manifest).encode()
    return write_zip(files, out)


def flip_byte(data: bytes, at: int) -> bytes:
    """Change one byte into another printable one (keeps the file a text file)."""
    i = at % len(data)
    new = b"1" if data[i : i + 1] != b"1" else b"2"
    return data[:i] + new + data[i + 1 :]


@dataclass
class Counted:
    services: Services
    session_id: str
    project_ids: list[str]
    files: list[Path]


def live_count(services: Services, scans: Path, marks: list[list[int]]) -> Counted:
    """Print, mark, scan, ingest, decide every doubt as printed, and seal a live count."""
    setup = make_setup(services, budget_cents=700_000)
    deck = print_deck(setup, marks, scans)
    c = services.counting
    session = c.open_session(
        setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
    )
    report = c.ingest(session.id, deck.files, workers=1)
    truth = dict(zip([stored(p) for p in deck.files], deck.marked, strict=True))
    for item in c.review_queue(session.id):
        for box in item.boxes:
            value = "marked" if box.project_id in truth[item.file_name] else "unmarked"
            c.decide(
                session.id, item.sheet_id, value, "Vu avec le témoin", project_id=box.project_id
            )
    # a box checked by a person, then confirmed again (a correction names the first decision)
    first = report.recorded[0]
    pid = deck.marked[0][0]  # the report lists the files in the order given
    c.decide(session.id, first.sheet_id, "marked", "Contrôle du témoin", project_id=pid)
    c.decide(
        session.id, first.sheet_id, "marked", "Confirmé", project_id=pid, witness="Karim Benali"
    )
    # a torn ballot the scanner cannot read, keyed in by hand before a witness
    c.hand_key(session.id, [setup.project_ids[0]], "Bulletin déchiré", witness="Karim Benali")
    c.record_reconciliation(session.id, handed_out=len(marks) + 2, spoiled=1)
    c.close_batch(session.id, PASSPHRASE)
    c.seal(session.id, PASSPHRASE)
    return Counted(services, session.id, setup.project_ids, deck.files)
