"""The count (dépouillement): sessions, sheets, review decisions, reconciliation, seal.

Every change is written together with its audit log entry in one transaction. The log of a
session is verified the first time this process touches it: a broken chain blocks counting
with a French message. A sealed session refuses every change; a correction then goes through
a new session that names the sealed one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.audit import EventType, session_payload
from app.domain.counting import models as cm
from app.domain.counting.reconcile import Difference, Figures, differences
from app.domain.dates import utc_now
from app.errors import CancelFlag, UserError
from app.i18n import _
from app.ids import new_id
from app.services.base import get_live
from app.services.counting import keys
from app.services.counting.context import campaign_templates, scan_context
from app.services.counting.core import CountingCore
from app.services.counting.decide import Decisions
from app.services.counting.description import describe
from app.services.counting.election import Election
from app.services.counting.export import Exports
from app.services.counting.keys import officer_key
from app.services.counting.log import Writer
from app.services.counting.read import (
    outcomes,
    review_items,
    session_data,
)
from app.services.counting.reopen import Reopening
from app.services.counting.results import ResidenceResults, Results, RuleDeclaration
from app.services.counting.seal import Sealing
from app.storage.count_tables import CountSessionRow
from app.storage.tables import PrintBatchRow, ResidenceRow
from app.storage.uow import UnitOfWork
from scanner.context import ReadContext
from scanner.result import READER_VERSION, PageReading

if TYPE_CHECKING:
    from app.services.counting.ingest import Ingest
    from app.services.counting.watch import Watcher

log = logging.getLogger(__name__)


class CountingService(CountingCore):
    """The count's use cases; each forwards to the part of this package that does the work.

    The parts are classes built on the core (this object, as a `CountingCore`): `decisions`,
    `sealing`, `reopening`, `results_part`, `election`, `exports`, and `ingest_part` and
    `watcher`, which read images (`ingest`, `watch`, `scanner.batch`: OpenCV, numpy, zbar) and
    are built, with their modules imported, on first use, so that a command that reviews,
    decides or closes a count starts without them (docs/benchmarks.md, "The test suite").
    """

    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow, data_dir)
        self.decisions = Decisions(self)
        self.sealing = Sealing(self)
        self.reopening = Reopening(self)
        self.results_part = Results(self)
        self.election = Election(self, self.results_part)
        self.exports = Exports(self, self.election)

    @cached_property
    def ingest_part(self) -> Ingest:
        """Recording scans (reads images: OpenCV, loaded when first used)."""
        from app.services.counting.ingest import Ingest

        return Ingest(self)

    @cached_property
    def watcher(self) -> Watcher:
        """Recording the scans dropped in a folder (loads the image readers when first used)."""
        from app.services.counting.watch import Watcher

        return Watcher(self, self.ingest_part)

    # --- sessions --------------------------------------------------------------------------

    def open_session(
        self,
        residence_id: str,
        officer: str,
        witnesses: Sequence[str] = (),
        *,
        passphrase: str | None,
        mode: str = "live",
        hide_machine_opinion: bool = False,
    ) -> cm.CountSession:
        """Open a session; the officer's key is created on first use (protected by passphrase)."""
        officer = (officer or "").strip()
        if not officer:
            raise UserError(_("Indiquez le nom de l'agent de dépouillement."), field="officer")
        if mode not in ("live", "test"):
            raise UserError(_("Mode de dépouillement inconnu : {mode}.").format(mode=mode))
        names = [w.strip() for w in witnesses if w.strip()]
        key, created = officer_key(self.data_dir, officer, passphrase)
        if created:
            log.info("officer key created for %s", officer)
        session_id = new_id()
        with self.uow() as s:
            residence = get_live(s, ResidenceRow, residence_id, _("Résidence"))
            settings = {"mode": mode, "hide_machine_opinion": hide_machine_opinion}
            payload = session_payload(
                session_id=session_id,
                campaign_id=residence.campaign_id,
                residence_id=residence.id,
                officer=officer,
                witnesses=names,
                key=key,
                reader_version=READER_VERSION,
                settings=settings,
                election=describe(s, residence.id),
            )
            row = CountSessionRow(
                id=session_id,
                campaign_id=residence.campaign_id,
                residence_id=residence.id,
                mode=mode,
                officer=officer,
                witnesses=names,
                opened_at=utc_now(),
                hide_machine_opinion=hide_machine_opinion,
                public_key=payload["public_key"],
                key_fingerprint=payload["key_fingerprint"],
                printed=self._printed(s, residence.id, mode),
            )
            s.add(row)
            s.flush()
            writer = Writer(s, session_id, None, officer)
            writer.append(EventType.SESSION_OPENED, payload)
            result = session_data(s, row)
        assert writer.head is not None
        self.log.committed(session_id, writer.head, writer.entries)
        return result

    @staticmethod
    def _printed(s: Session, residence_id: str, mode: str) -> int | None:
        counts = s.scalars(
            select(PrintBatchRow.count).where(
                PrintBatchRow.residence_id == residence_id,
                PrintBatchRow.mode == mode,
                PrintBatchRow.deleted_at.is_(None),
            )
        ).all()
        return sum(counts) if counts else None

    def reopen(
        self,
        session_id: str,
        reason: str,
        *,
        passphrase: str | None,
        officer: str | None = None,
        witnesses: Sequence[str] = (),
    ) -> cm.CountSession:
        """Open a new session that takes over a sealed one, to record corrections; its log
        starts with `session_reopened` and carries the sealed session's sheets and decisions
        over (see `counting.reopen`). The officer defaults to the sealed session's."""
        return self.reopening.reopen_session(
            session_id, reason, passphrase=passphrase, officer=officer, witnesses=witnesses
        )

    def has_officer_key(self, officer: str) -> bool:
        """False when the officer's next passphrase will create their key (ask it twice)."""
        return keys.has_key(self.data_dir, officer.strip())

    def demo_passphrase(self, officer: str) -> str | None:
        """The demo officer's passphrase in the demo data folder (public), else None."""
        return keys.demo_passphrase(self.data_dir, officer.strip())

    def list_sessions(self, residence_id: str | None = None) -> list[cm.CountSession]:
        with self.uow() as s:
            query = select(CountSessionRow).where(CountSessionRow.deleted_at.is_(None))
            if residence_id:
                query = query.where(CountSessionRow.residence_id == residence_id)
            rows = s.scalars(query.order_by(CountSessionRow.opened_at)).all()
            return [session_data(s, r) for r in rows]

    def verify_session(self, session_id: str) -> int:
        """Verify the whole chain now (start-up check); returns the number of entries."""
        with self.uow() as s:
            get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            return self.log.verify(s, session_id).seq

    # --- sheets ----------------------------------------------------------------------------

    def ingest(
        self,
        session_id: str,
        paths: Sequence[str | Path],
        *,
        source: str = "file",
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: CancelFlag | None = None,
    ) -> cm.IngestReport:
        """Record scanned files (see `counting.ingest.ingest_files`)."""
        return self.ingest_part.ingest_files(
            session_id, paths, source=source, workers=workers, progress=progress,
            cancel=cancel,
        )  # fmt: skip

    def ingest_capture(self, session_id: str, data: bytes, suffix: str = ".png") -> cm.IngestReport:
        """Record one webcam capture (PNG or JPEG bytes)."""
        return self.ingest_part.ingest_bytes(session_id, data, suffix=suffix, source="camera")

    def interpret(
        self, paths: Sequence[str | Path], *, mode: str | None = None, workers: int | None = None
    ) -> list[PageReading]:
        """Read files against the active campaign's print batches, recording nothing."""
        from scanner.batch import interpret_files

        ctx = self._scan_context(mode)
        return interpret_files([Path(p) for p in paths], ctx, workers=workers)

    def interpret_pages(
        self, paths: Sequence[str | Path], *, mode: str | None = None, workers: int | None = None
    ) -> Iterator[PageReading]:
        """Like `interpret`, yielding each file's pages as soon as they are read: several files
        in worker processes (both cores), a single file page by page here (a long PDF shows
        progress)."""
        from scanner.batch import stream_files

        ctx = self._scan_context(mode)
        yield from stream_files([Path(p) for p in paths], ctx, workers=workers)

    def _scan_context(self, mode: str | None) -> ReadContext:
        return scan_context(self.uow, mode)

    def watch_folder(
        self,
        session_id: str,
        folder: str | Path,
        *,
        cancel: CancelFlag,
        interval: float = 1.0,
        on_report: Callable[[cm.IngestReport], None] | None = None,
        workers: int | None = None,
        once: bool = False,
    ) -> int:
        """Record the scans dropped in `folder` until cancelled (see `counting.watch`)."""
        return self.watcher.watch_folder(
            session_id, folder, cancel=cancel, interval=interval, on_report=on_report,
            workers=workers, once=once,
        )  # fmt: skip

    def hand_key(
        self,
        session_id: str,
        choices: Sequence[str],
        reason: str,
        *,
        keyed_by: str | None = None,
        witness: str | None = None,
        template_hash: str | None = None,
    ) -> str:
        """Record a ballot that could not be scanned, keyed in by hand; returns its sheet id."""
        return self.decisions.hand_key(
            session_id, choices, reason,
            keyed_by=keyed_by, witness=witness, template_hash=template_hash,
        )  # fmt: skip

    # --- review ----------------------------------------------------------------------------

    def review_queue(self, session_id: str) -> list[cm.ReviewItem]:
        """Sheets waiting for a person, least certain first."""
        with self.uow() as s:
            row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            self.log.head(s, session_id)
            templates = campaign_templates(s, row.campaign_id)
            sheets, _d, results = outcomes(s, session_id, templates)
            return review_items(sheets, results, templates, row.hide_machine_opinion)

    def decide(
        self,
        session_id: str,
        sheet_id: str,
        value: str,
        reason: str | None,
        *,
        project_id: str | None = None,
        decided_by: str | None = None,
        witness: str | None = None,
    ) -> int:
        """Record one decision on a box (marked/unmarked) or a sheet (invalid/set_aside).

        A decision is never edited: deciding again on the same target records a correction
        that names the earlier decision. Returns the decision's log sequence number.
        """
        return self.decisions.decide(
            session_id, sheet_id, value, reason,
            project_id=project_id, decided_by=decided_by, witness=witness,
        )  # fmt: skip

    # --- figures ---------------------------------------------------------------------------

    def tally(self, session_id: str) -> cm.Tally:
        return self.status(session_id).tally

    # --- reconciliation and checkpoints (seal) -----------------------------------

    def record_reconciliation(
        self,
        session_id: str,
        *,
        handed_out: int,
        printed: int | None = None,
        returned: int | None = None,
        spoiled: int = 0,
        note: str = "",
    ) -> cm.Reconciliation:
        return self.sealing.record_reconciliation(
            session_id, handed_out=handed_out, printed=printed, returned=returned,
            spoiled=spoiled, note=note,
        )  # fmt: skip

    def reconciliation_differences(self, session_id: str) -> tuple[Difference, ...]:
        """The recorded figures' disagreements with each other and with the sheets counted
        (empty before anything is recorded)."""
        rec = self.get_session(session_id).reconciliation
        if rec.handed_out is None:
            return ()
        counted = self.tally(session_id).ballots_counted
        return differences(
            Figures(rec.printed or 0, rec.handed_out, rec.returned or 0, rec.spoiled or 0, counted)
        )

    def close_batch(self, session_id: str, passphrase: str | None) -> cm.Checkpoint:
        return self.sealing.close_batch(session_id, passphrase)

    def seal(self, session_id: str, passphrase: str | None) -> cm.Checkpoint:
        return self.sealing.seal(session_id, passphrase)

    def export_bundle(self, session_id: str, out: Path, *, with_images: bool = False) -> Path:
        """Write the verification bundle (zip) of a session; see `counting.export`."""
        return self.exports.export_bundle(session_id, Path(out), with_images=with_images)

    # --- results (results) ------------------------------------------------------

    def results(self, residence_id: str) -> ResidenceResults:
        """The residence's tally and funded projects (`counting.results.ResidenceResults`)."""
        return self.results_part.residence_results(residence_id)

    def set_results_rule(
        self,
        campaign_id: str,
        rule: str,
        *,
        threshold: int = 0,
        lot_order: tuple[str, ...] = (),
        options: Mapping[str, object] | None = None,
        lot_seed: str | None = None,
    ) -> None:
        self.results_part.set_results_rule(
            campaign_id, rule, threshold=threshold, lot_order=lot_order, options=options,
            lot_seed=lot_seed,
        )  # fmt: skip

    def get_results_rule(self, campaign_id: str) -> RuleDeclaration:
        """The declared rule (or the default), with the lot as project numbers and titles."""
        return self.results_part.get_results_rule(campaign_id)
