"""Ballots in the application: styles per residence, print batches, preview, past batches.

The ballots library draws the paper; this service decides what goes on it (the residence's
admissible projects, the style's rule and order), gives it the campaign's secret key, and
records each print batch: its exact layout, its commitment to the serials (Merkle root) and the
keyed hashes of the serials that let the count recognise a genuine ballot. Serials in clear are
never stored anywhere.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import models as m
from app.errors import CancelFlag, UserError
from app.i18n import _
from app.services.base import Service, device_block, get_live
from app.services.printing import files, specs
from app.services.printing.jobs import PrintJob, PrintJobs
from app.services.printing.materials import DocumentPreview, Materials
from app.services.printing.preview import BallotPreview, PageImage, Previews
from app.services.printing.styles import Styles
from app.services.printing.types import (
    BallotStyle,
    MaterialKind,
    PrintBatch,
    PrintOptions,
    PrintSummary,
    ProjectOrder,
    StyleInput,
)
from app.storage.tables import (
    BallotStyleRow,
    IssuedSerialRow,
    PrintBatchRow,
    ResidenceRow,
)
from app.storage.uow import UnitOfWork
from ballots.layout import layout_to_json
from ballots.materials import VoteSession
from ballots.render import PrintResult, check_count, render_ballots
from ballots.serials import keyed_serial_hash
from ballots.testdeck import expected_to_json, make_test_deck

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
DECK_SIZE = 21  # three weeks of the deck's 7-sheet pattern: blanks, over-the-limit, every mark
# (PDF written so far, sidecar files as (suffix, text)) for one rendering into a temporary path.
Rendered = tuple[PrintResult, tuple[tuple[str, str], ...]]
SerialOk = Callable[[int], bool]
Renderer = Callable[[Path, int, SerialOk], Rendered]


class BallotService(Service):
    """Ballot styles, printing and the record of print batches (see the module docstring).

    A facade over its parts: `styles` (ballot styles), `jobs` (what a print needs), `previews`
    (PNG previews and page pictures) and `materials` (posters, sheets, sign-in lists); the
    printing and the record of batches are its own.
    """

    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)
        self.styles = Styles(uow)
        self.jobs = PrintJobs(uow, self.data_dir)
        self.previews = Previews(self.jobs)
        self.documents = Materials(uow, self.jobs, self.styles, self.previews)

    # --- styles (`Styles`) -----------------------------------------------------------------

    def admissible_projects(self, residence_id: str) -> list[m.Project]:
        """The projects the commission found admissible for this residence, by number."""
        return self.styles.admissible_projects(residence_id)

    def ballot_projects(self, style_id: str) -> list[m.Project]:
        """The projects of a style in its fixed order (what a fixed-order ballot shows)."""
        return self.styles.ballot_projects(style_id)

    def list_styles(self, residence_id: str) -> list[BallotStyle]:
        return self.styles.list_styles(residence_id)

    def get_style(self, style_id: str) -> BallotStyle:
        return self.styles.get_style(style_id)

    def ensure_default_style(self, residence_id: str) -> BallotStyle:
        """The residence's first style, created from its admissible projects when there is none."""
        return self.styles.ensure_default_style(residence_id)

    def choose_style(self, residence_id: str, name_or_id: str | None = None) -> BallotStyle:
        """A style named on the command line (name or id), else the default one."""
        return self.styles.choose_style(residence_id, name_or_id)

    def create_style(self, residence_id: str, data: StyleInput) -> BallotStyle:
        return self.styles.create_style(residence_id, data)

    def update_style(self, style_id: str, data: StyleInput) -> BallotStyle:
        """Change a style. Batches already printed keep their own recorded layout."""
        return self.styles.update_style(style_id, data)

    # --- previews (`Previews`) and other materials (`Materials`) ---------------------------

    def preview(self, style_id: str, *, dpi: float = 100.0, test: bool = False) -> BallotPreview:
        """The ballot of a style as PNG. A random order is shown as drawn with a fixed seed."""
        return self.previews.preview(style_id, dpi=dpi, test=test)

    @staticmethod
    def page_count(pdf: Path | bytes) -> int:
        return Previews.page_count(pdf)

    @staticmethod
    def page_image(pdf: Path | bytes, index: int = 0, dpi: float = 300.0) -> PageImage:
        return Previews.page_image(pdf, index, dpi)

    @staticmethod
    def page_png(pdf: Path | bytes, index: int = 0, dpi: float = 100.0) -> bytes:
        return Previews.page_png(pdf, index, dpi)

    def vote_sessions_text(self, residence_id: str) -> str:
        return self.documents.vote_sessions_text(residence_id)

    def set_vote_sessions(self, residence_id: str, text: str) -> tuple[VoteSession, ...]:
        """Check and keep the residence's voting times and places (one per line)."""
        return self.documents.set_vote_sessions(residence_id, text)

    def poster_contact_text(self, residence_id: str) -> str:
        return self.documents.poster_contact_text(residence_id)

    def set_poster_contact(self, residence_id: str, text: str) -> str:
        """Keep whom residents ask about the vote (printed at the foot of the poster)."""
        return self.documents.set_poster_contact(residence_id, text)

    def materials(
        self,
        residence_id: str,
        kind: MaterialKind,
        out: Path,
        *,
        style_id: str | None = None,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> Path:
        """Write project sheets, the poster or the sign-in sheet to `out` (atomically)."""
        return self.documents.materials(
            residence_id, kind, out, style_id=style_id, progress=progress, cancel=cancel
        )

    def document_preview(
        self,
        residence_id: str,
        kind: str,
        *,
        style_id: str | None = None,
        page: int = 0,
        dpi: float = 100.0,
        test: bool = False,
    ) -> DocumentPreview:
        """Page `page` of any document of the Vote screen, drawn exactly as it will print."""
        return self.documents.document_preview(
            residence_id, kind, style_id=style_id, page=page, dpi=dpi, test=test
        )

    # --- printing -------------------------------------------------------------------------

    def job(
        self,
        style_id: str,
        *,
        order: ProjectOrder | None = None,
        seed: int | None = None,
        long: bool = False,
    ) -> PrintJob:
        """Read the style, its residence, campaign, key and admissible projects."""
        return self.jobs.job(style_id, order=order, seed=seed, long=long)

    def print_ballots(
        self,
        style_id: str,
        out: Path,
        options: PrintOptions,
        *,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> PrintSummary:
        """Print a batch to `out` (PDF) and `out`.layout.json, and record it.

        Nothing appears at `out` unless the batch is recorded; on any error (disk full,
        cancel) the previous file at `out`, if any, is left as it was.
        """
        with specs.library_errors():
            check_count(options.count)
        job = self.job(style_id, order=options.order, seed=secrets.randbits(64))
        self._refuse_without_budget(job.residence_id)

        def render(tmp: Path, batch: int, serial_ok: SerialOk) -> Rendered:
            result = render_ballots(
                job.spec,
                tmp,
                key=job.key,
                batch=batch,
                count=options.count,
                test=options.test,
                with_serials=options.with_serials,
                serial_ok=serial_ok,
                progress=progress,
                cancel=cancel,
            )
            return result, ()

        return self._print(job, out, options, "ballots", render)

    def print_test_deck(
        self,
        style_id: str,
        out: Path,
        *,
        count: int = DECK_SIZE,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> PrintSummary:
        """Pre-marked test ballots and `FILE.expected.json`, the tally the count must find."""
        with specs.library_errors():
            check_count(count)
        job = self.job(style_id, seed=secrets.randbits(64))
        self._refuse_without_budget(job.residence_id)
        options = PrintOptions(count=count, test=True)

        def render(tmp: Path, batch: int, serial_ok: SerialOk) -> Rendered:
            deck = make_test_deck(
                job.spec,
                tmp,
                key=job.key,
                batch=batch,
                count=count,
                seed=secrets.randbits(32),
                serial_ok=serial_ok,
                progress=progress,
                cancel=cancel,
            )
            return deck.printed, ((".expected.json", expected_to_json(deck.expected)),)

        return self._print(job, out, options, "test_deck", render)

    def print_for_residence(
        self,
        residence_id: str,
        out: Path,
        options: PrintOptions,
        *,
        style_name: str | None = None,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> PrintSummary:
        """Print with a named style of the residence, or its first style (created if needed)."""
        style = self.choose_style(residence_id, style_name)
        return self.print_ballots(style.id, out, options, progress=progress, cancel=cancel)

    def _refuse_without_budget(self, residence_id: str) -> None:
        """Ballots of a residence with no envelope would fund nothing: refused up front."""
        with self.uow() as session:
            residence = get_live(session, ResidenceRow, residence_id, _("Résidence"))
            if not residence.budget_cents:
                raise UserError(
                    _(
                        "La résidence « {name} » a un budget de 0 € : aucun projet ne pourrait "
                        "être financé. Indiquez son enveloppe avant d'imprimer les bulletins."
                    ).format(name=residence.name),
                    field="budget_cents",
                )

    def _print(
        self, job: PrintJob, out: Path, options: PrintOptions, kind: str, render: Renderer
    ) -> PrintSummary:
        out = files.check_target(out)
        batch = self.next_batch_number(job.campaign_id)
        tmp_pdf = files.temp_beside(out)
        try:
            result, hashes, sidecars = self._render_unique(job, tmp_pdf, batch, render)
            extra = tuple((files.sidecar(out, suffix), text) for suffix, text in sidecars)
            return self._record(job, result, hashes, tmp_pdf, out, options, kind, extra)
        finally:
            files.remove_quietly(tmp_pdf)

    def _render_unique(
        self, job: PrintJob, tmp: Path, batch: int, render: Renderer
    ) -> tuple[PrintResult, list[str], tuple[tuple[str, str], ...]]:
        """Render with serials never issued before in this campaign, and their keyed hashes.

        We keep only keyed hashes of earlier serials, so the library is handed a test
        (`serial_ok`) that looks each drawn serial's hash up in the campaign's issued hashes:
        a collision (odds about 2^-50 for a whole campaign) is redrawn on the spot.
        """
        serial_ok = self.unused_serial_check(job.campaign_id, job.key)
        with specs.printed_language(job.language), specs.library_errors():
            result, sidecars = render(tmp, batch, serial_ok)
        hashes = [keyed_serial_hash(job.key, s) for s in result.serials]
        return result, hashes, sidecars

    def unused_serial_check(self, campaign_id: str, key: bytes) -> Callable[[int], bool]:
        """A test saying whether a serial was never issued in the campaign (by its keyed hash)."""
        with self.uow() as session:
            issued = set(
                session.scalars(
                    select(IssuedSerialRow.serial_hash)
                    .join(PrintBatchRow, IssuedSerialRow.batch_id == PrintBatchRow.id)
                    .where(PrintBatchRow.campaign_id == campaign_id)
                )
            )

        def serial_ok(serial: int) -> bool:
            return keyed_serial_hash(key, serial) not in issued

        return serial_ok

    def issued_before(self, hashes: list[str]) -> bool:
        """True when any of these keyed serial hashes belongs to a recorded batch."""
        with self.uow() as session:
            for start in range(0, len(hashes), 500):
                chunk = hashes[start : start + 500]
                found = session.scalar(
                    select(func.count())
                    .select_from(IssuedSerialRow)
                    .where(IssuedSerialRow.serial_hash.in_(chunk))
                )
                if found:
                    return True
        return False

    def next_batch_number(self, campaign_id: str) -> int:
        with self.uow() as session:
            return self._next_batch_number(session, campaign_id)

    @staticmethod
    def _next_batch_number(session: Session, campaign_id: str) -> int:
        """The next batch number in this laptop's own block (`device_block`): two laptops that
        print offline never give the same number (it is printed in every ballot's QR code)."""
        low, high = device_block(session, BATCH_BLOCK)
        last = session.scalar(
            select(func.max(PrintBatchRow.batch_number)).where(
                PrintBatchRow.campaign_id == campaign_id,
                PrintBatchRow.batch_number > low,
                PrintBatchRow.batch_number < high,
            )
        )
        number = int(last or low) + 1
        if number >= high:
            raise UserError(
                _(
                    "Ce poste a imprimé {count} lots dans cette campagne : c'est le maximum. "
                    "Imprimez les suivants depuis un autre poste inscrit."
                ).format(count=BATCH_BLOCK - 1)
            )
        return number

    def _record(
        self,
        job: PrintJob,
        result: PrintResult,
        hashes: list[str],
        tmp_pdf: Path,
        out: Path,
        options: PrintOptions,
        kind: str,
        extra: tuple[tuple[Path, str], ...] = (),
    ) -> PrintSummary:
        """Write the sidecar files, record the batch, then put every file in place."""
        layout_path = files.sidecar(out, ".layout.json")
        sidecars = ((layout_path, layout_to_json(result.layout)), *extra)
        temps = [(files.temp_beside(path), path, text) for path, text in sidecars]
        try:
            for tmp, _path, text in temps:
                files.write_text_file(tmp, text)
            batch = self._insert_and_move(job, result, hashes, options, kind, tmp_pdf, out, temps)
        finally:
            files.remove_quietly(*(tmp for tmp, _p, _t in temps))
        warnings = tuple(w.message for w in result.warnings)
        return PrintSummary(batch, out, layout_path, warnings, tuple(p for p, _t in extra))

    def _insert_and_move(
        self,
        job: PrintJob,
        result: PrintResult,
        hashes: list[str],
        options: PrintOptions,
        kind: str,
        tmp_pdf: Path,
        out: Path,
        temps: list[tuple[Path, Path, str]],
    ) -> PrintBatch:
        moved: list[Path] = []
        try:
            with self.uow() as session:
                row = PrintBatchRow(
                    campaign_id=job.campaign_id,
                    residence_id=job.residence_id,
                    style_id=job.style_id,
                    batch_number=result.batch,
                    count=result.count,
                    mode="test" if options.test else "live",
                    with_serials=options.with_serials,
                    template_hash=result.layout.template_hash,
                    layout_json=layout_to_json(result.layout),
                    merkle_root=result.merkle_root,
                    kind=kind,
                )
                session.add(row)
                session.flush()
                if hashes:
                    session.execute(
                        insert(IssuedSerialRow),
                        [{"serial_hash": h, "batch_id": row.id} for h in hashes],
                    )
                for tmp, path, _text in temps:
                    files.replace(tmp, path)
                    moved.append(path)
                files.replace(tmp_pdf, out)
                moved.append(out)
                batch = specs.batch_data(row, job.residence_name, job.style_name, len(hashes))
        except IntegrityError as exc:
            files.remove_quietly(*moved)
            raise UserError(
                _("Un autre lot a été imprimé en même temps : recommencez l'impression.")
            ) from exc
        except BaseException:
            files.remove_quietly(*moved)  # files whose serials the database does not know
            raise
        log.info("recorded print batch %d (%d ballots, %s)", batch.number, batch.count, kind)
        return batch

    # --- past batches -----------------------------------------------------------------------

    def list_batches(self, campaign_id: str | None = None) -> list[PrintBatch]:
        """Every print batch of the campaign, most recent first, with its serial count."""
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            serials = dict(
                session.execute(
                    select(IssuedSerialRow.batch_id, func.count()).group_by(
                        IssuedSerialRow.batch_id
                    )
                ).all()
            )
            residences = {r.id: r.name for r in session.scalars(select(ResidenceRow))}
            styles = {s.id: s.name for s in session.scalars(select(BallotStyleRow))}
            rows = session.scalars(
                select(PrintBatchRow)
                .where(PrintBatchRow.campaign_id == campaign_id, PrintBatchRow.deleted_at.is_(None))
                .order_by(PrintBatchRow.batch_number.desc())
            )
            return [
                specs.batch_data(
                    r,
                    residences.get(r.residence_id, ""),
                    styles.get(r.style_id, ""),
                    int(serials.get(r.id, 0)),
                )
                for r in rows
            ]

    def batch_layout(self, batch_id: str) -> str:
        """The exact layout file (JSON text) of a recorded batch, e.g. to hand to the count."""
        with self.uow() as session:
            return get_live(session, PrintBatchRow, batch_id, _("Lot d'impression")).layout_json


BATCH_BLOCK = 10_000
"""Batch numbers per laptop: the laptop numbered n prints batches n×10,000 + 1, + 2, …"""
