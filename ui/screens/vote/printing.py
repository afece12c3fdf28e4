"""Producing the Vote screen's documents: save a PDF, or send it to a printer at 100 %.

PySide6 Essentials has no QtPdf, so printing renders each page of the PDF to an image at the
printer's resolution (capped at 300 dpi, ample for the QR code and the boxes) through the
services, and paints it at its exact physical size (210 x 297 mm) from the paper's corner, with
the printer in full-page mode. Nothing is ever scaled to fit: a ballot printed smaller than
100 % would misplace every box for the reader.

A ballot batch sent to the printer goes through a temporary PDF, deleted once printed: the
serials then exist only on paper (and as keyed hashes in the database).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.errors import Cancelled, UserError
from app.i18n import N_, _, ngettext
from app.services import Services
from app.services.printing.types import MATERIAL_LABELS, MaterialKind, PrintOptions

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
MAX_RASTER_DPI = 300
A4_MM = (210.0, 297.0)

DOCUMENT_LABELS: dict[str, str] = {
    "ballots": N_("Bulletins de vote"),
    "test_deck": N_("Jeu d'essai (bulletins pré-remplis)"),
    **{k.value: v for k, v in MATERIAL_LABELS.items()},
}


def document_label(kind: str) -> str:
    return _(DOCUMENT_LABELS[kind])


@dataclass(frozen=True)
class DocumentRequest:
    """What the person asked for on the Vote screen."""

    kind: str  # "ballots", "test_deck", "sheets", "poster", "signin"
    residence_id: str
    style_id: str | None
    count: int = 1
    test: bool = False
    with_serials: bool = True

    @property
    def is_batch(self) -> bool:
        """Ballots and test decks are recorded print batches (with serials)."""
        return self.kind in ("ballots", "test_deck")


def produce(
    services: Services, request: DocumentRequest, out: Path, progress: Progress, cancel: Any
) -> str:
    """Write the document to `out`; return the sentence to show once done."""
    ballots = services.ballots
    if request.kind == "ballots" and request.style_id:
        options = PrintOptions(request.count, request.test, request.with_serials)
        summary = ballots.print_ballots(
            request.style_id, out, options, progress=progress, cancel=cancel
        )
        return batch_message(summary.batch.number, summary.batch.count, summary.batch.test)
    if request.kind == "test_deck" and request.style_id:
        summary = ballots.print_test_deck(request.style_id, out, progress=progress, cancel=cancel)
        return _("Jeu d'essai enregistré (lot n° {n}), avec le résultat attendu.").format(
            n=summary.batch.number
        )
    ballots.materials(
        request.residence_id,
        MaterialKind(request.kind),
        out,
        style_id=request.style_id,
        progress=progress,
        cancel=cancel,
    )
    return _("{document} : PDF enregistré.").format(document=document_label(request.kind))


def batch_message(number: int, count: int, test: bool) -> str:
    text = ngettext(
        "Lot n° {n} enregistré : {count} bulletin.",
        "Lot n° {n} enregistré : {count} bulletins.",
        count,
    ).format(n=number, count=count)
    return text + (" " + _("Bulletins d'essai : ils ne comptent pas dans le vote.") if test else "")


def a4_printer() -> QPrinter:
    """A printer set for A4 portrait, full page (our own margins are on the page already)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setCopyCount(1)
    return printer


def check_paper(printer: QPrinter) -> None:
    size = printer.pageLayout().pageSize().size(QPageSize.Unit.Millimeter)
    portrait = printer.pageLayout().orientation() == QPageLayout.Orientation.Portrait
    if not portrait or abs(size.width() - A4_MM[0]) > 1 or abs(size.height() - A4_MM[1]) > 1:
        raise UserError(
            _(
                "Choisissez du papier A4 en portrait : les documents sont mis en page pour l'A4 "
                "et doivent être imprimés à 100 %."
            )
        )


def print_pdf(
    services: Services,
    pdf: Path,
    printer: QPrinter,
    progress: Progress | None = None,
    cancel: Any = None,
    done_before: int = 0,
    total: int | None = None,
) -> int:
    """Paint every page of `pdf` on `printer` at its real size; return the number of pages."""
    check_paper(printer)
    pages = services.ballots.page_count(pdf)
    total = total or pages
    dpi = min(MAX_RASTER_DPI, max(printer.resolution(), 72))
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("L'imprimante n'a pas pu démarrer. Vérifiez qu'elle est allumée."))
    try:
        for index in range(pages):
            if cancel is not None and cancel.cancelled:
                printer.abort()
                raise Cancelled()
            if index:
                printer.newPage()
            _paint_page(services, painter, printer, pdf, index, dpi)
            if progress is not None:
                progress(done_before + index + 1, total)
    finally:
        painter.end()
    log.info("printed %d pages of %s at %s dpi", pages, pdf.name, dpi)
    return pages


def _paint_page(
    services: Services, painter: QPainter, printer: QPrinter, pdf: Path, index: int, dpi: int
) -> None:
    page = services.ballots.page_image(pdf, index, dpi)
    image = QImage(page.data, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888)
    per_mm = printer.resolution() / 25.4
    # Full-page mode: (0, 0) is the paper's corner, and the page is drawn at its real size.
    painter.drawImage(QRectF(0, 0, A4_MM[0] * per_mm, A4_MM[1] * per_mm), image)


def produce_and_print(
    services: Services, request: DocumentRequest, printer: QPrinter, progress: Progress, cancel: Any
) -> str:
    """Write the document to a temporary PDF, print it, delete it; return the message.

    Progress runs over twice the work: writing the PDF, then painting its pages.
    """
    check_paper(printer)
    with tempfile.TemporaryDirectory(prefix="bp-print-") as folder:
        pdf = Path(folder) / "document.pdf"

        def writing(done: int, total: int) -> None:
            progress(done, total * 2)

        message = produce(services, request, pdf, writing, cancel)
        pages = services.ballots.page_count(pdf)
        print_pdf(services, pdf, printer, progress, cancel, done_before=pages, total=2 * pages)
    sent = ngettext(
        "{n} page envoyée à l'imprimante.", "{n} pages envoyées à l'imprimante.", pages
    ).format(n=pages)
    return f"{message} {sent}"
