"""The left column of the Vote screen: residence, document, style, print options, vote times."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from app.services.printing.types import BallotStyle
from ui.context import AppContext
from ui.screens.vote.printing import DOCUMENT_LABELS, document_label
from ui.screens.vote.style import StyleForm
from ui.theme import TONE_ICONS, set_role, tone_colors
from ui.widgets import Form, SavedHint, line_edit, text_edit

MAX_COUNT = 10_000


def print_warning() -> str:
    return _(
        "{icon} Imprimez toujours à 100 % (« taille réelle »), sur du papier A4. Ne choisissez "
        "jamais « Ajuster à la page » : les cases ne seraient plus à leur place et les bulletins "
        "seraient refusés au dépouillement."
    ).format(icon=TONE_ICONS["warning"])


class VotePanel(QWidget):
    """Choices that say what to preview and print; emits `changed` when the preview must follow."""

    changed = Signal()
    residence_changed = Signal()
    new_style_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.has_styles = False
        self.residence_combo = QComboBox()
        self.document_combo = QComboBox()
        for kind in DOCUMENT_LABELS:
            self.document_combo.addItem(document_label(kind), kind)
        self.style_combo = QComboBox()
        self.new_style_button = QPushButton(_("Nouveau modèle"))
        self.new_style_button.setToolTip(_("Un autre modèle : gros caractères, autre langue…"))
        self.style_form = StyleForm(ctx)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_COUNT)
        self.count_spin.setGroupSeparatorShown(True)
        self.count_spin.setSuffix(" " + _("bulletins"))
        self.test_check = QCheckBox(_("Bulletins d'essai (« ESSAI »)"))
        self.test_check.setToolTip(_("Marqués « ESSAI » : ils ne comptent jamais dans le vote."))
        self.serial_check = QCheckBox(_("Sans numéro de série"))
        self.serial_check.setToolTip(
            _("Pour une urne surveillée : les photocopies ne seront pas repérées.")
        )
        self.sessions_edit = text_edit(
            placeholder=_("12/01/2027 17:00-19:00 Salle commune"), min_lines=3
        )
        self.contact_edit = line_edit(
            max_length=80, placeholder=_("Par exemple : Amina Diallo, gardienne : 04 99 00 12 34")
        )
        self.sessions_hint = SavedHint()
        self._sessions_timer = QTimer(self)
        self._sessions_timer.setSingleShot(True)
        self._sessions_timer.setInterval(500)
        self._build()
        self._connect()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 14, 0)
        layout.setSpacing(10)
        top = Form()
        top.add_row("residence", _("Résidence"), self.residence_combo)
        top.add_row("document", _("Document"), self.document_combo)
        layout.addWidget(top)
        self.style_box = QWidget()
        box = QVBoxLayout(self.style_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(set_role(QLabel(_("Modèle de bulletin")), "section"))
        row = QHBoxLayout()
        row.addWidget(self.style_combo, 1)
        row.addWidget(self.new_style_button)
        self.style_combo.setAccessibleName(_("Modèle de bulletin"))
        box.addLayout(row)
        box.addWidget(self.style_form)
        layout.addWidget(self.style_box)
        self.options = Form()
        self.options.add_row("count", _("Nombre de bulletins"), self.count_spin)
        self.options.add_widget(self.test_check)
        self.options.add_widget(self.serial_check)
        layout.addWidget(self.options)
        self.sessions = Form()
        self.sessions.add_row(
            "sessions", _("Permanences de vote (une par ligne)"), self.sessions_edit,
            _("Le jour, les heures et le lieu : ils sont imprimés sur l'affiche."),
        )  # fmt: skip
        self.sessions.add_row(
            "contact", _("Contact sur l'affiche"), self.contact_edit,
            _("Qui les habitants peuvent appeler : un nom et un numéro."),
        )  # fmt: skip
        self.sessions.add_widget(self.sessions_hint)
        layout.addWidget(self.sessions)
        warning = QLabel(print_warning())
        warning.setWordWrap(True)
        fg, bg = tone_colors("warning")
        warning.setStyleSheet(
            f"background: {bg}; color: {fg}; border: 1px solid {fg}; border-radius: 6px;"
            " padding: 8px; font-weight: bold;"
        )
        layout.addWidget(warning)
        layout.addStretch(1)

    def _connect(self) -> None:
        self.residence_combo.currentIndexChanged.connect(self._emit_residence)
        self.document_combo.currentIndexChanged.connect(self._document_changed)
        self.style_combo.currentIndexChanged.connect(self._emit_changed)
        self.style_form.saved.connect(self._style_saved)
        self.new_style_button.clicked.connect(self.new_style_requested.emit)
        self.sessions_edit.textChanged.connect(self._schedule_sessions)
        self.contact_edit.textEdited.connect(self._schedule_sessions)
        self._sessions_timer.timeout.connect(self.save_sessions)
        self.test_check.toggled.connect(self._emit_changed)

    def _emit_residence(self, *_args: object) -> None:
        self.residence_changed.emit()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    # --- reading the choices -------------------------------------------------------------------

    def residence_id(self) -> str | None:
        value = self.residence_combo.currentData()
        return str(value) if value else None

    def kind(self) -> str:
        return str(self.document_combo.currentData())

    def style_id(self) -> str | None:
        value = self.style_combo.currentData()
        return str(value) if value and self.kind() in ("ballots", "test_deck") else None

    def set_kind(self, kind: str) -> None:
        self.document_combo.setCurrentIndex(max(0, self.document_combo.findData(kind)))

    def _document_changed(self, *_args: object) -> None:
        kind = self.kind()
        self.style_box.setVisible(kind in ("ballots", "test_deck") and self.has_styles)
        self.options.setVisible(kind == "ballots")
        self.sessions.setVisible(kind == "poster")
        self.changed.emit()

    def _style_saved(self, style: object) -> None:
        index = self.style_combo.currentIndex()
        self.style_combo.setItemText(index, getattr(style, "name", ""))
        self.changed.emit()

    # --- filling -------------------------------------------------------------------------------

    def fill_residences(self, residences: list[tuple[str, str]], preferred: str | None) -> None:
        """(id, name) pairs; keeps the current residence, else selects `preferred`."""
        box = self.residence_combo
        current = box.currentData() or preferred
        box.blockSignals(True)
        box.clear()
        for residence_id, name in residences:
            box.addItem(name, residence_id)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)

    def fill_styles(self, styles: Sequence[BallotStyle], keep: str | None = None) -> None:
        box = self.style_combo
        current = keep or box.currentData()
        box.blockSignals(True)
        box.clear()
        for style in styles:
            box.addItem(style.name, style.id)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)
        self.new_style_button.setEnabled(bool(styles))
        self.has_styles = bool(styles)
        self._document_changed()

    def load_sessions(self, text: str, contact: str = "") -> None:
        self.sessions_edit.blockSignals(True)
        self.sessions_edit.setPlainText(text)
        self.sessions_edit.blockSignals(False)
        self.contact_edit.setText(contact)
        self.sessions.clear_errors()
        self.sessions_hint.clear()

    def _schedule_sessions(self) -> None:
        self.sessions_hint.mark_pending()
        self._sessions_timer.start()

    def save_sessions(self) -> bool:
        """Check and keep the vote times and the contact typed for the residence; True when
        saved."""
        self._sessions_timer.stop()
        residence_id = self.residence_id()
        if residence_id is None:
            return False
        self.sessions.clear_errors()
        try:
            self.ctx.services.ballots.set_vote_sessions(
                residence_id, self.sessions_edit.toPlainText()
            )
            self.ctx.services.ballots.set_poster_contact(residence_id, self.contact_edit.text())
        except UserError as exc:
            self.sessions.show_user_error(exc)
            self.sessions_hint.mark_failed()
            return False
        self.sessions_hint.mark_saved()
        self.changed.emit()
        return True
