"""The other tabs of the Dépouillement screen: sheets read, hand-keyed ballot, reconciliation.

A ballot the scanner cannot read at all is keyed in by hand (recorded as such, with a reason
and a witness). Reconciliation compares printed, handed out, returned and spoiled ballots and
shows every difference before it is recorded; it sits beside the batch close and the seal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.counting.models import CountSession, Tally
from app.domain.counting.reconcile import Figures, differences
from app.errors import UserError
from app.i18n import N_, _
from app.services.counting import view as count_view
from app.services.counting.view import SheetLine
from ui.theme import TONE_ICONS, set_role
from ui.widgets import (
    Column,
    DataclassTableModel,
    DataTableView,
    Form,
    line_edit,
    primary_button,
)

if TYPE_CHECKING:
    from ui.context import AppContext

OUTCOME_WORDS = {
    "valid": ("✔", N_("valide")),
    "blank": ("○", N_("blanc")),
    "invalid": ("✖", N_("nul")),
    "set_aside": ("❚❚", N_("mis de côté")),
    "rejected": ("✖", N_("rejeté")),
    "pending": ("⚠", N_("à revoir")),
}


def outcome_word(outcome: str) -> str:
    icon, word = OUTCOME_WORDS.get(outcome, ("", outcome))
    return f"{icon} {_(word)}".strip()


class SheetLineTableModel(DataclassTableModel[SheetLine]):
    columns = (
        Column(_("Ordre"), lambda s: s.seq),
        Column(_("Fichier"), lambda s: _("saisi à la main") if s.hand_keyed else s.file_name),
        Column(_("Compte comme"), lambda s: outcome_word(s.outcome)),
        Column(_("Raison"), lambda s: " ".join(count_view.reason_text(r) for r in s.reasons)),
    )


class SheetLineTableView(DataTableView):
    pass


class HandKeyPanel(QWidget):
    """Tick the projects chosen on a ballot that cannot be scanned; `recorded` after saving."""

    recorded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: CountSession | None = None
        layout = QVBoxLayout(self)
        hint = set_role(QLabel(_("Pour un bulletin que le lecteur ne peut pas lire (déchiré, mouillé) : "
                                  "cochez les projets choisis ; il est enregistré comme saisi à la main.")),
                        "muted")  # fmt: skip
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.boxes_layout = QVBoxLayout()
        layout.addLayout(self.boxes_layout)
        self.checks: dict[str, QCheckBox] = {}
        self.form = Form()
        self.reason = line_edit(placeholder=_("ex. : bulletin déchiré"))
        self.witness = QComboBox()
        self.form.add_row("reason", _("Raison"), self.reason)
        self.form.add_row("witness", _("Témoin"), self.witness)
        layout.addWidget(self.form)
        self.save = primary_button(_("Enregistrer le bulletin saisi"), self.record)
        layout.addWidget(self.save)
        layout.addStretch(1)

    def load(self, session: CountSession | None) -> None:
        self.session = session
        for check in self.checks.values():
            check.deleteLater()
        self.checks = {}
        if session is None:
            return
        for pid, number, title in self.ctx.services.count_view.ballot_projects(session.id):
            check = QCheckBox(_("N° {n} — {title}").format(n=number, title=title))
            self.checks[pid] = check
            self.boxes_layout.addWidget(check)
        self.witness.clear()
        self.witness.addItem(_("— aucun témoin —"), "")
        for name in session.witnesses:
            self.witness.addItem(name, name)

    def record(self) -> str | None:
        if self.session is None:
            return None
        self.form.clear_errors()
        choices = [pid for pid, check in self.checks.items() if check.isChecked()]
        try:
            sheet_id = self.ctx.services.counting.hand_key(
                self.session.id, choices, self.reason.text(),
                witness=self.witness.currentData() or None,
            )  # fmt: skip
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.form.set_error("reason", exc.message)
            return None
        for check in self.checks.values():
            check.setChecked(False)
        self.reason.clear()
        self.ctx.notify(_("Bulletin saisi à la main enregistré."))
        self.recorded.emit()
        return sheet_id


class IntLine(QLineEdit):
    """A whole number typed in a plain field (the styled QSpinBox hid its digits here)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QIntValidator(0, 10_000_000, self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setMaximumWidth(200)

    def value(self) -> int:
        return int(self.text() or 0)

    def setValue(self, value: int) -> None:  # noqa: N802 - same name as QSpinBox
        self.setText(str(value))


class ReconciliationPanel(QWidget):
    """Printed, handed out, returned, spoiled; differences shown; then batch close and seal."""

    recorded = Signal()
    close_batch_requested = Signal()
    seal_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: CountSession | None = None
        self.counted = 0
        layout = QVBoxLayout(self)
        self.form = Form()
        self.printed, self.handed_out = IntLine(), IntLine()
        self.returned, self.spoiled = IntLine(), IntLine()
        self.form.add_row("printed", _("Bulletins imprimés"), self.printed)
        self.form.add_row(
            "handed_out", _("Remis aux votants (feuille d'émargement)"), self.handed_out
        )
        self.form.add_row("returned", _("Retrouvés dans l'urne"), self.returned)
        self.form.add_row("spoiled", _("Abîmés ou annulés"), self.spoiled)
        layout.addWidget(self.form)
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        layout.addWidget(self.differences)
        self.save = QPushButton(_("Enregistrer le rapprochement"))
        self.save.clicked.connect(self.record)
        layout.addWidget(self.save)
        layout.addSpacing(12)
        layout.addWidget(set_role(QLabel(_("Clôture")), "section"))
        row = QHBoxLayout()
        self.batch_button = QPushButton(_("Clore le lot et signer…"))
        self.seal_button = QPushButton(_("Sceller la session…"))
        self.seal_button.setProperty("danger", True)
        self.batch_button.clicked.connect(self.close_batch_requested)
        self.seal_button.clicked.connect(self.seal_requested)
        row.addWidget(self.batch_button)
        row.addWidget(self.seal_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        for spin in (self.printed, self.handed_out, self.returned, self.spoiled):
            spin.textChanged.connect(self.show_differences)

    def load(self, session: CountSession | None, tally: Tally | None) -> None:
        self.session = session
        t = tally or Tally()
        self.counted = t.ballots_counted
        rec = session.reconciliation if session else None
        self.printed.setValue((rec.printed if rec else None) or 0)
        self.handed_out.setValue((rec.handed_out if rec else None) or 0)
        self.returned.setValue(rec.returned if rec and rec.returned is not None else self.counted)
        self.spoiled.setValue((rec.spoiled if rec else None) or 0)
        sealed = session is None or session.sealed
        for w in (self.save, self.batch_button, self.seal_button, self.form):
            w.setEnabled(not sealed)
        self.show_differences()

    def differences_text(self) -> list[str]:
        """The typed figures' differences, each with its numbers (`app.domain.counting`)."""
        figures = Figures(
            printed=self.printed.value(),
            handed_out=self.handed_out.value(),
            returned=self.returned.value(),
            spoiled=self.spoiled.value(),
            counted=self.counted,
        )
        return [d.message for d in differences(figures)]

    def show_differences(self) -> None:
        lines = self.differences_text()
        if lines:
            self.differences.setText("\n".join(f"{TONE_ICONS['warning']} {line}" for line in lines))
            self.differences.setStyleSheet("color: #8A4B00; font-weight: bold;")
        else:
            self.differences.setText(f"{TONE_ICONS['success']} " + _("Aucun écart."))
            self.differences.setStyleSheet("color: #1D6B34; font-weight: bold;")

    def record(self) -> bool:
        if self.session is None:
            return False
        self.form.clear_errors()
        try:
            self.ctx.services.counting.record_reconciliation(
                self.session.id, handed_out=self.handed_out.value(), printed=self.printed.value(),
                returned=self.returned.value(), spoiled=self.spoiled.value(),
                note="\n".join(self.differences_text()),
            )  # fmt: skip
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.ctx.show_error(exc, self)
            return False
        self.ctx.notify(_("Rapprochement enregistré."))
        self.recorded.emit()
        return True
