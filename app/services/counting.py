"""The count (dépouillement): sessions, sheets, review decisions, reconciliation, seal.

Every change is written together with its audit log entry in one transaction. The log of a
session is verified the first time this process touches it: a broken chain blocks counting
with a French message. A sealed session refuses every change; a correction then goes through
a new session that names the sealed one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import signing
from app.domain.audit import EventType, SessionSealed, session_payload
from app.domain.audit_slip import slip_code, slip_text
from app.domain.dates import utc_now
from app.errors import UserError
from app.i18n import _
from app.ids import new_id
from app.services import counting_decide as decisions
from app.services import counting_ingest as ingest
from app.services import counting_models as cm
from app.services.base import Service, get_live
from app.services.counting_context import campaign_templates, read_context
from app.services.counting_keys import officer_key
from app.services.counting_lock import take_write_lock
from app.services.counting_log import AuditLog, Writer
from app.services.counting_read import (
    counts_now,
    outcomes,
    review_items,
    session_data,
)
from app.services.counting_tally import tally as compute_tally
from app.storage.count_tables import CountSessionRow, CountSheetRow
from app.storage.tables import PrintBatchRow, ResidenceRow
from app.storage.uow import UnitOfWork
from scanner.batch import interpret_files
from scanner.context import ReadContext
from scanner.result import READER_VERSION, PageReading

log = logging.getLogger(__name__)


class CountingService(Service):
    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)
        self.log = AuditLog(self.data_dir)

    # --- plumbing --------------------------------------------------------------------------

    def open_row(self, session: Session, session_id: str) -> CountSessionRow:
        """The session's row, refusing a sealed or superseded session."""
        row = get_live(session, CountSessionRow, session_id, _("Session de dépouillement"))
        if row.sealed_at is not None or row.superseded_by:
            raise SessionSealed(
                _(
                    "La session {id} est scellée : plus aucune modification n'est possible. "
                    "Pour corriger, ouvrez une nouvelle session qui reprend celle-ci."
                ).format(id=session_id)
            )
        return row

    @contextmanager
    def writing(self, session_id: str, *, after_seal: bool = False) -> Iterator[Writer]:
        """One transaction on an open session (`after_seal`: or a sealed one, for exports),
        with its verified log head read under the database's write lock. The copy's lock is
        taken before the commit and kept until the entries are in the copy, so another
        writer's entries always land after ours (see `counting_lock`)."""
        with ExitStack() as stack:
            with self.uow() as s:
                take_write_lock(s)
                if after_seal:
                    row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
                else:
                    row = self.open_row(s, session_id)
                writer = Writer(s, session_id, self.log.head(s, session_id), row.officer)
                yield writer
                s.flush()
                stack.enter_context(self.log.locks.hold(session_id))
            if writer.head is not None:
                self.log.committed(session_id, writer.head, writer.entries)

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
        over (see `counting_reopen`). The officer defaults to the sealed session's."""
        from app.services.counting_reopen import reopen_session

        return reopen_session(
            self, session_id, reason, passphrase=passphrase, officer=officer, witnesses=witnesses
        )

    def get_session(self, session_id: str) -> cm.CountSession:
        with self.uow() as s:
            row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            return session_data(s, row)

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
        self, session_id: str, paths: Sequence[str | Path], **options: Any
    ) -> cm.IngestReport:
        """Record scanned files (see `counting_ingest.ingest_files` for the options)."""
        return ingest.ingest_files(self, session_id, paths, **options)

    def ingest_capture(self, session_id: str, data: bytes, suffix: str = ".png") -> cm.IngestReport:
        """Record one webcam capture (PNG or JPEG bytes)."""
        return ingest.ingest_bytes(self, session_id, data, suffix=suffix, source="camera")

    def interpret(
        self, paths: Sequence[str | Path], *, mode: str | None = None, workers: int | None = None
    ) -> list[PageReading]:
        """Read files against the active campaign's print batches, recording nothing."""
        try:
            campaign_id: str | None = self.active_campaign_id()
        except UserError:
            campaign_id = None
        with self.uow() as s:
            if campaign_id is None:
                ctx = ReadContext.create([], None, mode=mode)
            else:
                ctx = read_context(s, campaign_id, mode)
        return interpret_files([Path(p) for p in paths], ctx, workers=workers)

    def watch_folder(self, session_id: str, folder: str | Path, **options: Any) -> int:
        """Record the scans dropped in `folder` until cancelled (see `counting_watch`)."""
        from app.services.counting_watch import watch_folder

        return watch_folder(self, session_id, folder, **options)

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
        return decisions.hand_key(
            self, session_id, choices, reason,
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
        reason: str,
        *,
        project_id: str | None = None,
        decided_by: str | None = None,
        witness: str | None = None,
    ) -> int:
        """Record one decision on a box (marked/unmarked) or a sheet (invalid/set_aside).

        A decision is never edited: deciding again on the same target records a correction
        that names the earlier decision. Returns the decision's log sequence number.
        """
        return decisions.decide(
            self, session_id, sheet_id, value, reason,
            project_id=project_id, decided_by=decided_by, witness=witness,
        )  # fmt: skip

    # --- figures ---------------------------------------------------------------------------

    def tally(self, session_id: str) -> cm.Tally:
        return self.status(session_id).tally

    def status(self, session_id: str) -> cm.SessionStatus:
        """Sheets by status, pending reviews and totals; verifies the chain first."""
        with self.uow() as s:
            row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            head = self.log.head(s, session_id)
            assert head is not None
            sheets, _d, results = outcomes(s, session_id, campaign_templates(s, row.campaign_id))
            by_status: dict[str, int] = {}
            for sheet in sheets:
                key = "hand_keyed" if sheet.hand_keyed else sheet.status
                by_status[key] = by_status.get(key, 0) + 1
            totals = compute_tally(sheets, results)
            return cm.SessionStatus(
                session=session_data(s, row),
                tally=totals,
                by_status=by_status,
                pending_reviews=totals.pending,
                head_seq=head.seq,
                head_hash=head.hash,
                batches=head.batches,
            )

    # --- reconciliation and checkpoints (counting_seal) -----------------------------------

    def record_reconciliation(self, session_id: str, **figures: Any) -> cm.Reconciliation:
        from app.services.counting_seal import record_reconciliation

        return record_reconciliation(self, session_id, **figures)

    def close_batch(self, session_id: str, passphrase: str | None) -> cm.Checkpoint:
        from app.services.counting_seal import close_batch

        return close_batch(self, session_id, passphrase)

    def seal(self, session_id: str, passphrase: str | None) -> cm.Checkpoint:
        from app.services.counting_seal import seal

        return seal(self, session_id, passphrase)

    def signing_key(self, officer: str, passphrase: str | None) -> signing.Ed25519PrivateKey:
        return officer_key(self.data_dir, officer, passphrase)[0]

    def export_bundle(self, session_id: str, out: Path, *, with_images: bool = False) -> Path:
        """Write the verification bundle (zip) of a session; see `counting_export`."""
        from app.services.counting_export import export_bundle

        return export_bundle(self, session_id, Path(out), with_images=with_images)

    # --- results (counting_results) ------------------------------------------------------

    def results(self, residence_id: str) -> Any:
        """The residence's tally and funded projects (`counting_results.ResidenceResults`)."""
        from app.services.counting_results import residence_results

        return residence_results(self, residence_id)

    def set_results_rule(self, campaign_id: str, rule: str, **options: Any) -> None:
        from app.services.counting_results import set_results_rule

        set_results_rule(self, campaign_id, rule, **options)


def checkpoint_data(entry: Any, session_id: str) -> cm.Checkpoint:
    return cm.Checkpoint(
        seq=entry.seq,
        hash=entry.hash,
        code=slip_code(entry, session_id),
        slip=slip_text(entry, session_id=session_id),
    )


def sheets_counted(session: Session, campaign_id: str) -> dict[str, int]:
    """Status counter: ballots recorded in the campaign's current counts (rejected sheets and
    blank backs of duplex scans are not ballots)."""
    from sqlalchemy import func

    query = (
        select(func.count())
        .select_from(CountSheetRow)
        .join(CountSessionRow, CountSessionRow.id == CountSheetRow.session_id)
        .where(
            CountSessionRow.campaign_id == campaign_id,
            CountSessionRow.deleted_at.is_(None),
            counts_now(),
            CountSessionRow.mode == "live",
            CountSheetRow.status.not_in(["rejected", "blank"]),
        )
    )
    return {"sheets_counted": int(session.scalar(query) or 0)}
