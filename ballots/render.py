"""Print ballots: one PDF of N ballots with unique serials, written atomically.

The static page is drawn once as a PDF form and reused; each page adds only its QR code, so a
thousand ballots take a few seconds. Serials are random, unique across the known batches, and
printed in a shuffled order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm as MM
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ballots.atomic import write_with
from ballots.ballot_page import draw_static
from ballots.errors import Cancelled, CountError
from ballots.geometry import build_layout
from ballots.i18n import _
from ballots.labels import (
    LARGER_SIZES,
    NORMAL_SIZES,
    LabelPlan,
    RenderWarning,
    TextSizes,
    plan_label,
)
from ballots.layout import BallotLayout
from ballots.model import BallotSpec
from ballots.payload import MAX_BATCH, Payload, encode_text
from ballots.pictures import load_picture
from ballots.qr import dark_runs, qr_matrix
from ballots.serials import SerialCheck, generate_serials, merkle_root, shuffled
from ballots.style import INK, Pen

log = logging.getLogger(__name__)

MAX_COUNT = 10_000
Progress = Callable[[int, int], None]
PageHook = Callable[[Pen, int], None]


class CancelFlag(Protocol):
    @property
    def cancelled(self) -> bool: ...


@dataclass(frozen=True)
class PreparedBallot:
    """A ballot style checked and fitted: what the preview shows and the printer uses."""

    spec: BallotSpec
    layout: BallotLayout
    plans: tuple[LabelPlan, ...]
    pictures: dict[str, ImageReader]
    warnings: tuple[RenderWarning, ...]


@dataclass(frozen=True)
class PrintResult:
    """What the app records for a print batch. `serials` is sorted: it reveals no print order."""

    path: Path
    layout: BallotLayout
    batch: int
    count: int
    test: bool
    serials: tuple[int, ...]
    merkle_root: str
    warnings: tuple[RenderWarning, ...]


def prepare_ballot(spec: BallotSpec) -> PreparedBallot:
    """Check everything that could fail before printing: layout, pictures, text fitting."""
    layout = build_layout(spec)
    pictures = {
        p.project_id: load_picture(p.picture, p.number)
        for p in spec.projects
        if p.picture is not None
    }
    plans, warnings = plan_labels(spec, layout, pictures)
    return PreparedBallot(spec, layout, plans, pictures, warnings)


def plan_labels(
    spec: BallotSpec, layout: BallotLayout, pictures: dict[str, ImageReader]
) -> tuple[tuple[LabelPlan, ...], tuple[RenderWarning, ...]]:
    """Every label, in the largest type the whole ballot can take: a set of larger sizes is
    kept only if it cuts, shrinks or leaves out nothing that the normal sizes print."""
    digits = max(len(str(p.number)) for p in spec.projects)

    def attempt(sizes: TextSizes) -> tuple[list[LabelPlan], list[RenderWarning]]:
        plans, warnings = [], []
        for project, box in zip(spec.projects, layout.boxes, strict=True):
            plan, found = plan_label(project, box, project.project_id in pictures, digits, sizes)
            plans.append(plan)
            warnings.extend(found)
        return plans, warnings

    normal = attempt(NORMAL_SIZES)
    base = _shown(*normal)
    for sizes in LARGER_SIZES:
        larger = attempt(sizes)
        if _shown(*larger) == base:
            return tuple(larger[0]), tuple(larger[1])
    return tuple(normal[0]), tuple(normal[1])


def _shown(plans: list[LabelPlan], warnings: list[RenderWarning]) -> tuple[object, ...]:
    """What a set of labels prints and gives up: warnings and description lines per label."""
    return (
        sorted((w.project_id or "", w.code) for w in warnings),
        [len(p.description) > 0 for p in plans],
        [len(p.title.lines) <= 2 for p in plans],
    )


def check_count(count: int) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise CountError(
            _(
                "Nombre de bulletins invalide : {count}. Indiquez entre 1 et {max} bulletins par "
                "impression."
            ).format(count=count, max="10 000"),
            field="count",
        )


def render_ballots(
    prepared: BallotSpec | PreparedBallot,
    out: Path,
    *,
    key: bytes,
    batch: int,
    count: int,
    test: bool = False,
    with_serials: bool = True,
    known_serials: Collection[int] = (),
    serial_ok: SerialCheck | None = None,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    page_hook: PageHook | None = None,
) -> PrintResult:
    """Write `count` ballots to `out` (atomically) and return what the batch must record.

    New serials never collide with earlier batches: give their serials in clear
    (`known_serials`), or a test `serial_ok(serial) -> bool` that says whether a serial is
    still unused (e.g. its keyed hash is not in the caller's table of issued serials).
    `page_hook(pen, index)` draws extra content on page `index` (the test deck's marks).
    """
    check_count(count)
    if not 1 <= batch <= MAX_BATCH:
        raise CountError(_("Numéro de lot d'impression invalide."), field="batch")
    ready = prepared if isinstance(prepared, PreparedBallot) else prepare_ballot(prepared)
    serials = generate_serials(count, known_serials, serial_ok) if with_serials else ()
    order: list[int | None] = list(shuffled(serials)) if with_serials else [None] * count

    def write(tmp: Path) -> None:
        _write_pdf(tmp, ready, key, batch, test, order, progress, cancel, page_hook)

    write_with(out, write)
    log.info("printed %d ballots (batch %d, test=%s) to %s", count, batch, test, out)
    return PrintResult(
        out, ready.layout, batch, count, test, serials, merkle_root(serials).hex(), ready.warnings
    )


def _write_pdf(
    path: Path,
    ready: PreparedBallot,
    key: bytes,
    batch: int,
    test: bool,
    order: list[int | None],
    progress: Progress | None,
    cancel: CancelFlag | None,
    page_hook: PageHook | None,
) -> None:
    canvas = Canvas(str(path), pagesize=A4, pageCompression=1, invariant=1)
    spec = ready.spec
    canvas.setTitle(_("Bulletins de vote – {residence}").format(residence=spec.residence.name))
    canvas.setAuthor("BP Terrain")
    pen = Pen(canvas)
    canvas.beginForm("ballot")
    draw_static(pen, spec, ready.layout, ready.plans, ready.pictures, test)
    canvas.endForm()
    layout = ready.layout
    for index, serial in enumerate(order):
        if cancel is not None and cancel.cancelled:
            raise Cancelled(_("Impression annulée."))
        canvas.doForm("ballot")
        payload = Payload(
            bytes.fromhex(layout.campaign.tag),
            layout.template_prefix,
            layout.style.index,
            layout.page.number,
            test,
            batch,
            serial,
        )
        draw_qr(pen, layout, encode_text(payload, key))
        if page_hook is not None:
            page_hook(pen, index)
        canvas.showPage()
        if progress is not None:
            progress(index + 1, len(order))
    canvas.save()


def draw_qr(pen: Pen, layout: BallotLayout, text: str) -> None:
    """The QR square exactly on `layout.qr` (quiet zone excluded), as horizontal dark runs.

    The runs are written as raw PDF operators in module units (a scaled coordinate system with
    y downwards), integers only: four times faster than reportlab's path objects.
    """
    matrix = qr_matrix(text)
    module = layout.qr.w_mm / len(matrix) * MM
    c = pen.c
    c.saveState()
    c.setFillColor(INK)
    c.translate(layout.qr.x_mm * MM, pen.y(layout.qr.y_mm))
    c.scale(module, -module)
    ops = [f"{col} {row} {length} 1 re" for row, col, length in dark_runs(matrix)]
    c.addLiteral("\n".join(ops) + "\nf")
    c.restoreState()
