"""Ingest scanned sheets: store the original, read it, record the sheet and its log entries.

Each file is recorded in one transaction (its sheets and their log entries together), so a
crash never leaves a sheet without its entries nor an entry without its sheet; since a file is
known by its SHA-256, feeding the same files again after a crash records only what is missing.
Reading runs in worker processes (the scanner's batch API), recording in this process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.domain.audit import EventType
from app.domain.counting.models import IngestedSheet, IngestReport
from app.errors import CancelFlag, Cancelled, UserError
from app.i18n import _
from app.ids import random_id
from app.services.counting.context import read_context
from app.services.counting.core import CountingCore
from app.services.counting.log import Writer
from app.services.counting.read import counts_now
from app.services.counting.store import store_image, stored_name
from app.storage.count_tables import CountSessionRow, CountSheetRow
from scanner.batch import file_sha256, interpret_file
from scanner.context import ReadContext
from scanner.pool import process_pool
from scanner.reasons import Reason, message
from scanner.result import BLANK, NEEDS_REVIEW, REJECTED, PageReading

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
DUPLICATE_SERIAL = "duplicate_serial"
AHEAD = 3


class IngestInterrupted(Cancelled):
    """The ingestion was stopped between two files; `report` says what was recorded."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__("interrupted")
        self.report = report


def _check_files(paths: Sequence[Path]) -> None:
    for p in paths:
        if p.exists() and not p.is_file():
            raise UserError(
                _(
                    "{path} n'est pas un fichier ordinaire (dossier, tube…) : rien n'a été lu."
                ).format(path=p),
                field="files",
            )
        if not p.is_file():
            raise UserError(_("Fichier introuvable : {path}.").format(path=p), field="files")


def _in_order(
    files: list[Path],
    recorded: list[IngestedSheet],
    already: list[str],
    duplicates: int,
    *,
    interrupted: bool = False,
) -> IngestReport:
    """The report in the order the files were given (they were recorded in a random order)."""
    rank = {path.name: i for i, path in reversed(list(enumerate(files)))}
    place = {str(path): i for i, path in reversed(list(enumerate(files)))}
    sheets = sorted(recorded, key=lambda r: (rank.get(r.file_name, len(files)), r.page))
    known = sorted(already, key=lambda name: place.get(name, len(files)))
    return IngestReport(tuple(sheets), tuple(known), duplicates, interrupted=interrupted)


def _shuffled(files: list[Path]) -> list[Path]:
    """The files in a random order: the order of the log (public) then says nothing about the
    order in which the ballots came out of the box (see docs/audit-log.md, secrecy)."""
    out = list(files)
    random.SystemRandom().shuffle(out)
    return out


def _init_worker() -> None:
    cv2.setNumThreads(1)  # one page per core, results independent of the thread count


def _check_cancel(cancel: CancelFlag | None) -> None:
    if cancel is not None and cancel.cancelled:
        raise Cancelled()


def _record_page(
    w: Writer, source: str, file_name: str, sha: str, reading: PageReading
) -> tuple[IngestedSheet, int]:
    reading = replace(reading, file=stored_name(sha, file_name))
    text = reading.to_json_text()
    reading_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    status, reasons = reading.status, list(reading.reasons)
    same, elsewhere = _same_serial(w.session, w.session_id, reading)
    if elsewhere:
        status = NEEDS_REVIEW
        reasons.append(DUPLICATE_SERIAL)
    sheet_id = random_id()  # no time in a published sheet id
    first = w.append(
        EventType.SHEET_INGESTED,
        {"sheet_id": sheet_id, "image_sha256": sha, "page": reading.page, "source": source},
    )
    if status == REJECTED:
        reasons = reasons or ["reader_error"]
        w.append(EventType.SHEET_REJECTED, _rejected_payload(sheet_id, reasons, reading_sha))
    else:
        w.append(
            EventType.SHEET_INTERPRETED,
            _read_payload(sheet_id, status, reasons, reading, reading_sha),
        )
    w.session.add(
        CountSheetRow(
            id=sheet_id,
            session_id=w.session_id,
            image_sha256=sha,
            file_name=stored_name(sha, file_name),  # never the scan's own name (a time)
            page=reading.page,
            source=source,
            status=status,
            reasons=reasons,
            template_hash=reading.template_hash,
            style_index=reading.style,
            serial_hash=reading.serial_hash,
            reading_json=text,
            reading_sha256=reading_sha,
            audit_seq=first.seq,
        )
    )
    others = same + elsewhere
    if others and reading.serial_hash:
        w.append(
            EventType.DUPLICATE_SERIAL,
            {"serial_mac": reading.serial_hash, "sheet_ids": [*others, sheet_id]},
        )
    w.session.flush()
    return IngestedSheet(sheet_id, file_name, reading.page, status, tuple(reasons)), int(
        bool(others)
    )


def _rejected_payload(sheet_id: str, reasons: list[str], reading_sha: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "sheet_id": sheet_id,
        "reasons": reasons,
        "reading_sha256": reading_sha,
    }
    try:
        payload["message"] = _(message(Reason(reasons[0])))
    except (ValueError, KeyError):
        pass
    return payload


def _read_payload(
    sheet_id: str, status: str, reasons: list[str], reading: PageReading, reading_sha: str
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "sheet_id": sheet_id,
        "reading_sha256": reading_sha,
        "reader_version": reading.reader_version,
        "status": status,
        "reasons": reasons,
    }
    if reading.serial_hash:
        payload["serial_mac"] = reading.serial_hash
    if reading.template_hash:
        payload["template_hash"] = reading.template_hash
    return payload


def _same_serial(
    session: Session, session_id: str, reading: PageReading
) -> tuple[list[str], list[str]]:
    """Sheets with the same serial: in this session, and in the campaign's other current
    sessions (not the sealed session this one reopens: its sheets were carried over here)."""
    if not reading.serial_hash or reading.status in (REJECTED, BLANK):
        return [], []
    this = session.get(CountSessionRow, session_id)
    assert this is not None
    others = and_(counts_now(), CountSessionRow.id != (this.parent_session_id or ""))
    rows = session.execute(
        select(CountSheetRow.id, CountSheetRow.session_id)
        .join(CountSessionRow, CountSessionRow.id == CountSheetRow.session_id)
        .where(
            CountSheetRow.serial_hash == reading.serial_hash,
            CountSheetRow.status.not_in([REJECTED, BLANK]),
            CountSessionRow.campaign_id == this.campaign_id,
            CountSessionRow.deleted_at.is_(None),
            or_(CountSessionRow.id == session_id, others),
            CountSessionRow.mode == this.mode,
        )
        .order_by(CountSheetRow.audit_seq)
    ).all()
    same = [sid for sid, sess in rows if sess == session_id]
    elsewhere = [sid for sid, sess in rows if sess != session_id]
    return same, elsewhere


class Ingest:
    """Recording scanned files and captures (a part of `CountingService`; reads images with OpenCV)."""

    def __init__(self, core: CountingCore) -> None:
        self.core = core

    def ingest_files(
        self,
        session_id: str,
        paths: Sequence[str | Path],
        *,
        source: str = "file",
        workers: int | None = None,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> IngestReport:
        """Record every page of `paths` in the session; files already recorded are skipped."""
        files = [Path(p) for p in paths]
        _check_files(files)
        with self.core.uow() as s:
            row = self.core.open_row(s, session_id)
            self.core.log.head(s, session_id)  # verify the chain before any work
            known = set(
                s.scalars(
                    select(CountSheetRow.image_sha256).where(CountSheetRow.session_id == session_id)
                )
            )
            ctx = read_context(s, row.campaign_id, row.mode)
        todo, already = [], []
        for path in _shuffled(files):
            sha = file_sha256(path)
            if sha in known:
                already.append(str(path))
                continue
            known.add(sha)
            todo.append((path, sha))
        recorded: list[IngestedSheet] = []
        duplicates = 0
        try:
            for done, (path, sha, pages) in enumerate(self._read_all(todo, ctx, workers, cancel)):
                sheets, dups = self._record_file(session_id, source, path.name, sha, pages)
                if pages and not sheets:  # another program recorded it while we read it
                    already.append(str(path))
                recorded.extend(sheets)
                duplicates += dups
                if progress is not None:
                    progress(done + 1, len(todo))
        except Cancelled:
            report = _in_order(files, recorded, already, duplicates, interrupted=True)
            raise IngestInterrupted(report) from None
        return _in_order(files, recorded, already, duplicates)

    def _read_all(
        self,
        todo: list[tuple[Path, str]],
        ctx: ReadContext,
        workers: int | None,
        cancel: CancelFlag | None,
    ) -> Iterator[tuple[Path, str, list[PageReading]]]:
        """Store each original, read it, and yield its pages in order. With several workers one
        pool reads ahead while this process records, so reading and recording overlap; at most
        `AHEAD` files per worker are stored and queued ahead of the recording."""
        n = workers if workers is not None else min(len(todo), os.cpu_count() or 1)
        if n <= 1:
            for path, sha in todo:
                _check_cancel(cancel)
                stored = store_image(self.core.data_dir, path, sha)
                yield path, sha, interpret_file(stored, ctx)
            return
        with process_pool(n, initializer=_init_worker) as pool:
            queue: deque[tuple[Path, str, Future[list[PageReading]]]] = deque()
            items = iter(todo)
            try:
                while True:
                    while len(queue) < AHEAD * n:
                        item = next(items, None)
                        if item is None:
                            break
                        stored = store_image(self.core.data_dir, item[0], item[1])
                        queue.append((item[0], item[1], pool.submit(interpret_file, stored, ctx)))
                    if not queue:
                        return
                    _check_cancel(cancel)
                    path, sha, future = queue.popleft()
                    yield path, sha, future.result()
            finally:
                for _p, _s, future in queue:
                    future.cancel()

    def ingest_bytes(
        self, session_id: str, data: bytes, *, suffix: str = ".png", source: str
    ) -> IngestReport:
        """Record an image held in memory (a webcam capture)."""
        with tempfile.TemporaryDirectory(prefix="bp-capture-") as tmp:
            path = Path(tmp) / f"capture{suffix}"
            path.write_bytes(data)
            return self.ingest_files(session_id, [path], source=source, workers=1)

    def _record_file(
        self,
        session_id: str,
        source: str,
        file_name: str,
        sha: str,
        pages: list[PageReading],
    ) -> tuple[list[IngestedSheet], int]:
        out: list[IngestedSheet] = []
        dups = 0
        with self.core.writing(session_id) as w:
            done = set(
                w.session.scalars(
                    select(CountSheetRow.page).where(
                        CountSheetRow.session_id == session_id, CountSheetRow.image_sha256 == sha
                    )
                )
            )
            for reading in pages:
                if reading.page in done:
                    continue
                sheet, dup = _record_page(w, source, file_name, sha, reading)
                out.append(sheet)
                dups += dup
        return out, dups
