"""Watching the folder where the scanner drops its files.

A scanner writes a file over a few hundred milliseconds, sometimes with pauses (a network share,
a slow USB link); reading it half-written would reject a good ballot. A file is therefore taken
only once its size and modification time stayed the same between two looks at the folder and
its format's end marker is there (PNG `IEND`, JPEG `FFD9`, PDF `%%EOF`); a file that stays
incomplete for `GIVE_UP_S` seconds is taken anyway, and the reader rejects it as damaged. Files
already recorded are skipped by their hash, so stopping and restarting is always safe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from app.domain.counting.models import IngestReport
from app.errors import CancelFlag, Cancelled, UserError
from app.i18n import _
from app.services.counting.core import CountingCore
from app.services.counting.ingest import Ingest
from app.services.counting.store import KNOWN_SUFFIXES

log = logging.getLogger(__name__)

Stamp = tuple[int, int]  # size, modification time (ns)

#: Seconds a file may stay unchanged but incomplete before it is taken anyway.
GIVE_UP_S = 30.0

_END_MARKERS = {
    ".png": (b"IEND", 16),
    ".jpg": (b"\xff\xd9", 64),
    ".jpeg": (b"\xff\xd9", 64),
    ".pdf": (b"%%EOF", 2048),
}


def looks_complete(path: Path) -> bool:
    """True when the file ends as its format requires (formats without an end marker: True)."""
    marker = _END_MARKERS.get(path.suffix.lower())
    if marker is None:
        return True
    token, window = marker
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(max(0, size - window))
            return token in fh.read()
    except OSError:
        return False


class SettledFiles:
    """Scan files of a folder whose size and time did not change since the previous look."""

    def __init__(self, folder: Path, give_up: float = GIVE_UP_S) -> None:
        self.folder = folder
        self.give_up = give_up
        self._seen: dict[Path, tuple[Stamp, float]] = {}  # stamp, when first seen so
        self._taken: set[tuple[Path, Stamp]] = set()

    def poll(self) -> list[Path]:
        """Look once; the files that settled since the previous look, each taken once (a file
        replaced by new content is taken again, and its hash decides)."""
        ready = []
        now = time.monotonic()
        current: dict[Path, tuple[Stamp, float]] = {}
        for path in self._candidates():
            try:
                st = path.stat()
            except OSError:  # removed or renamed between listing and stat
                continue
            stamp = (st.st_size, st.st_mtime_ns)
            before = self._seen.get(path)
            since = before[1] if before is not None and before[0] == stamp else now
            current[path] = (stamp, since)
            if since == now or not st.st_size or (path, stamp) in self._taken:
                continue
            if looks_complete(path) or now - since >= self.give_up:
                self._taken.add((path, stamp))
                ready.append(path)
        self._seen = current
        return ready

    def pending(self) -> list[Path]:
        """Files seen but not taken yet (still being written at the last look)."""
        return [p for p, (stamp, _t) in self._seen.items() if (p, stamp) not in self._taken]

    def _candidates(self) -> list[Path]:
        try:
            entries = sorted(self.folder.iterdir())
        except OSError:
            return []
        return [
            p
            for p in entries
            if p.suffix.lower() in KNOWN_SUFFIXES and not p.name.startswith(".") and p.is_file()
        ]


def _sleep(seconds: float, cancel: CancelFlag) -> None:
    """Sleep in short steps so that a cancel (Stop button, Ctrl-C) is obeyed at once."""
    deadline = time.monotonic() + seconds
    while not cancel.cancelled:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


class Watcher:
    """Recording the scans dropped in a folder (a part of `CountingService`)."""

    def __init__(self, core: CountingCore, ingest: Ingest) -> None:
        self.core = core
        self.ingest = ingest

    def watch_folder(
        self,
        session_id: str,
        folder: str | Path,
        *,
        cancel: CancelFlag,
        interval: float = 1.0,
        on_report: Callable[[IngestReport], None] | None = None,
        workers: int | None = None,
        once: bool = False,
    ) -> int:
        """Record the scans that appear in `folder` until `cancel.cancelled`; returns the number
        of sheets recorded. With `once`, look twice (`interval` apart), record what settled, stop."""
        root = Path(folder)
        if not root.is_dir():
            raise UserError(_("Dossier introuvable : {path}.").format(path=root), field="folder")
        self.core.status(session_id)  # refuse a sealed session or a broken chain before waiting
        files = SettledFiles(root)
        files.poll()
        total = 0
        while not cancel.cancelled:
            _sleep(interval, cancel)
            ready = files.poll()
            if ready and not cancel.cancelled:
                try:
                    report = self.ingest.ingest_files(
                        session_id, ready, source="folder", workers=workers, cancel=cancel
                    )
                except Cancelled:
                    break
                total += len(report.recorded)
                log.info("watched folder: %d sheets recorded", len(report.recorded))
                if on_report is not None:
                    on_report(report)
            if once:
                break
        return total
