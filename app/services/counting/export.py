"""The verification bundle of a session: everything needed to recount it without BP Terrain.

A zip holding the log (JSON lines, byte for byte the canonical entries), the readings, the
sheets, the decisions, the layouts, the session's results, the officer's public key and a
manifest of SHA-256 sums; the images only on request (handwriting identifies people). No serial
in clear and no voter data: the log and the readings hold only keyed serial hashes.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from app.domain.audit import EventType
from app.domain.audit.jsonl import entry_line
from app.i18n import _
from app.services.base import get_live, library_errors
from app.services.counting.bundle import dump, sealed_files, session_sheets
from app.services.counting.core import CountingCore
from app.services.counting.election import Election
from app.services.counting.log import load_entries
from app.services.counting.seal import session_results, session_tally
from app.services.counting.store import find_image
from app.storage.count_tables import CountSessionRow
from app.verify.bundle import BUNDLE_FORMAT, BUNDLE_VERSION
from ballots.atomic import write_with


class Exports:
    """The verification bundle of a session (a part of `CountingService`)."""

    def __init__(self, core: CountingCore, election: Election) -> None:
        self.core = core
        self.election = election

    def bundle_files(self, session_id: str, with_images: bool) -> dict[str, bytes]:
        with self.core.uow() as s:
            row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            entries = load_entries(s, session_id)
            results = session_results(s, row, session_tally(s, row))
            tallies = [e for e in entries if e.event is EventType.TALLY_COMPUTED]
            if tallies:  # the rule the seal used, even if a test count's rule changed since
                results["rule"] = tallies[-1].payload["rule"]
            files = sealed_files(s, row, results)
            files["log.jsonl"] = b"".join(entry_line(e) for e in entries)
            if with_images:
                for sh in session_sheets(s, session_id):
                    path = (
                        None if sh.hand_keyed else find_image(self.core.data_dir, sh.image_sha256)
                    )
                    if path is not None:
                        files[f"images/{path.name}"] = path.read_bytes()
        # the signed election description and the funded projects, for a recount anywhere
        files["election.json"] = self.election.election_bytes(session_id, entries)
        manifest = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
        files["manifest.json"] = dump(
            {
                "format": BUNDLE_FORMAT,
                "version": BUNDLE_VERSION,
                "session_id": session_id,
                "files": manifest,
            }
        )
        return files

    def export_bundle(self, session_id: str, out: Path, *, with_images: bool = False) -> Path:
        """Write the bundle zip atomically and record the export in the log."""
        files = self.bundle_files(session_id, with_images)
        out.parent.mkdir(parents=True, exist_ok=True)

        def write_zip(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                for name in sorted(files):
                    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, files[name])

        with library_errors():
            write_with(out, write_zip)  # whole or not at all: temporary file, then rename
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        self._record_export(session_id, digest)
        return out

    def _record_export(self, session_id: str, digest: str) -> None:
        with self.core.writing(session_id, after_seal=True) as w:
            w.append(EventType.EXPORT_CREATED, {"kind": "bundle", "file_sha256": digest})
