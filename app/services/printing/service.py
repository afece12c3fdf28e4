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
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import ballots
from app.errors import CancelFlag, UserError
from app.i18n import _
from app.services.base import Service, device_block, get_live
from app.services.printing import files, specs
from app.services.printing.materials import MaterialsMixin
from app.services.printing.preview import PreviewMixin
from app.services.printing.styles import StyleMixin
from app.services.printing.types import (
    PrintBatch,
    PrintOptions,
    PrintSummary,
    ProjectOrder,
)
from app.storage.tables import (
    BallotStyleRow,
    CampaignRow,
    IssuedSerialRow,
    PrintBatchRow,
    ResidenceRow,
)
from app.storage.uow import UnitOfWork
from ballots.layout import layout_to_json
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


@dataclass(frozen=True)
class PrintJob:
    """Everything a print needs, read from the store in one transaction."""

    spec: ballots.BallotSpec
    key: bytes
    campaign_id: str
    residence_id: str
    residence_name: str
    style_id: str
    style_name: str
    language: str


class BallotService(StyleMixin, PreviewMixin, MaterialsMixin, Service):
    """Ballot styles, printing and the record of print batches (see the module docstring)."""

    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)

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
        with self.uow() as session:
            style = get_live(session, BallotStyleRow, style_id, _("Modèle de bulletin"))
            residence = get_live(session, ResidenceRow, style.residence_id, _("Résidence"))
            campaign = get_live(session, CampaignRow, style.campaign_id, _("Campagne"))
            if not campaign.secret_key:
                raise UserError(
                    _(
                        "La clé des bulletins de cette campagne n'est pas sur ce poste (campagne "
                        "reçue par synchronisation) : imprimez les bulletins sur le poste qui a "
                        "créé la campagne."
                    )
                )
            admissible = self._admissible_rows(session, residence.id)
            if not admissible:
                raise specs.no_project_error(residence.name)
            spec = specs.build_spec(
                campaign,
                residence,
                style,
                admissible,
                self.data_dir,
                order=order,
                seed=seed,
                long=long,
            )
            return PrintJob(
                spec,
                bytes(campaign.secret_key),
                campaign.id,
                residence.id,
                residence.name,
                style.id,
                style.name,
                style.language,
            )

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
