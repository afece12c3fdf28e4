"""Past print batches: `PrintBatch` -> `PrintBatchTableModel` -> `PrintBatchTableView`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QWidget

from app.domain.dates import DEFAULT_TZ, format_time
from app.i18n import _
from app.services.printing.types import PrintBatch
from ui.tasks import format_count
from ui.widgets import CENTER, RIGHT, Column, DataclassTableModel, DataTableView


def printed_text(batch: PrintBatch) -> str:
    """ "26/11/2026, 7 h 04": short enough for a table column."""
    local = batch.printed_at.astimezone(ZoneInfo(DEFAULT_TZ))
    return f"{local:%d/%m/%Y}, {format_time(local)}"


def mode_text(batch: PrintBatch) -> str:
    if batch.kind == "test_deck":
        return "⚠ " + _("Jeu d'essai")
    return "⚠ " + _("Essai") if batch.test else "✔ " + _("Vote réel")


def serial_text(batch: PrintBatch) -> str:
    return _("Oui") if batch.with_serials else _("Non")


def batch_number_text(batch: PrintBatch) -> str:
    return _("n° {number}").format(number=batch.number)


class PrintBatchTableModel(DataclassTableModel[PrintBatch]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(_("Lot"), batch_number_text, CENTER, sort_key=lambda b: b.number),
                Column(
                    _("Imprimé le"),
                    printed_text,
                    sort_key=lambda b: b.printed_at,
                ),
                Column(_("Résidence"), lambda b: b.residence_name),
                Column(_("Modèle"), lambda b: b.style_name),
                Column(
                    _("Bulletins"),
                    lambda b: format_count(b.count),
                    RIGHT,
                    sort_key=lambda b: b.count,
                ),
                Column(_("Mode"), mode_text),
                Column(_("N° de série"), serial_text),
            ],
            parent,
        )


class PrintBatchTableView(DataTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Lots imprimés"))
