"""The ballot style form: rule, order, language, large print; saved as you type.

Every change is saved a moment after the last key press (an "Enregistré" hint says so); an error
from the service is shown in red under its field and nothing is saved until it is fixed. After a
save the form emits `saved` so that the preview is drawn again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSpinBox, QWidget

from app.errors import UserError
from app.i18n import _
from app.services.printing.types import (
    LANGUAGE_LABELS,
    ORDER_LABELS,
    RULE_LABELS,
    BallotStyle,
    ProjectOrder,
    RuleKind,
    StyleInput,
)
from ui.context import AppContext
from ui.widgets import Form, SavedHint, line_edit, money_edit, read_money

SAVE_DELAY_MS = 400


def _combo(items: Mapping[Any, str], name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for value, label in items.items():
        box.addItem(_(label), value)
    return box


class StyleForm(Form):
    """Edits one `BallotStyle` through `services.ballots.update_style`."""

    saved = Signal(object)  # the BallotStyle as saved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.style_obj: BallotStyle | None = None
        self._loading = False
        self.name_edit = line_edit(max_length=100)
        self.rule_combo = _combo(RULE_LABELS, _("Règle de vote"))
        self.max_spin = self._spin(_("Au plus"))
        self.min_spin = self._spin(_("Au moins"))
        self.budget_edit = money_edit(placeholder="30 000")
        self.order_combo = _combo(ORDER_LABELS, _("Ordre des projets"))
        self.language_combo = _combo(LANGUAGE_LABELS, _("Langue du bulletin"))
        self.large_check = QCheckBox(_("Gros caractères"))
        self.large_check.setToolTip(
            _("Cases et textes plus grands, pour les personnes qui voient mal.")
        )
        self.hint = SavedHint()
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._connect()

    @staticmethod
    def _spin(name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, 30)
        spin.setAccessibleName(name)
        return spin

    def _build(self) -> None:
        self.add_row("name", _("Nom du modèle"), self.name_edit, _("Imprimé près du code QR."))
        self.add_row("rule_kind", _("Règle de vote"), self.rule_combo)
        limits = QWidget()
        row = QHBoxLayout(limits)
        row.setContentsMargins(0, 0, 0, 0)
        self.max_spin.setPrefix(_("au plus "))
        self.min_spin.setPrefix(_("au moins "))
        self.min_spin.setSpecialValueText(_("pas de minimum"))
        row.addWidget(self.max_spin, 1)
        row.addWidget(self.min_spin, 1)
        self.limits_row = self.add_row("max_choices", _("Nombre de projets à cocher"), limits)
        self.register("min_choices", self.limits_row)
        self.budget_row = self.add_row(
            "budget_cents", _("Budget du vote (€)"), self.budget_edit,
            _("Par défaut, l'enveloppe de la résidence."),
        )  # fmt: skip
        self.add_row(
            "project_order", _("Ordre des projets"), self.order_combo,
            _("Le tirage au sort change l'ordre à chaque lot imprimé."),
        )  # fmt: skip
        self.add_row("language", _("Langue du bulletin"), self.language_combo)
        self.add_row("large_print", _("Lisibilité"), self.large_check)
        self.add_widget(self.hint)

    def _connect(self) -> None:
        self.name_edit.textEdited.connect(self.schedule_save)
        self.budget_edit.textEdited.connect(self.schedule_save)
        for spin in (self.max_spin, self.min_spin):
            spin.valueChanged.connect(self.schedule_save)
        for box in (self.rule_combo, self.order_combo, self.language_combo):
            box.currentIndexChanged.connect(self.schedule_save)
        self.rule_combo.currentIndexChanged.connect(self._show_rule_fields)
        self.large_check.toggled.connect(self.schedule_save)

    def set_style(self, style: BallotStyle | None, project_count: int) -> None:
        """Show a style (None: nothing to edit) without saving anything."""
        self._timer.stop()
        self._loading = True
        self.style_obj = style
        self.clear_errors()
        self.hint.clear()
        self.setEnabled(style is not None)
        if style is not None:
            self.name_edit.setText(style.name)
            self._select(self.rule_combo, style.rule_kind)
            self.max_spin.setMaximum(max(1, project_count))
            self.min_spin.setMaximum(max(1, project_count))
            self.max_spin.setValue(style.max_choices or min(3, max(1, project_count)))
            self.min_spin.setValue(style.min_choices or 0)
            cents = style.budget_cents
            self.budget_edit.setText("" if cents is None else f"{cents // 100}")
            self._select(self.order_combo, style.order)
            self._select(self.language_combo, style.language)
            self.large_check.setChecked(style.large_print)
        self._show_rule_fields()
        self._loading = False

    @staticmethod
    def _select(box: QComboBox, value: object) -> None:
        box.setCurrentIndex(max(0, box.findData(value)))

    def _show_rule_fields(self, *_args: object) -> None:
        kind = self.rule_combo.currentData()
        self.limits_row.setVisible(kind == RuleKind.APPROVAL)
        self.budget_row.setVisible(kind == RuleKind.BUDGET)

    def schedule_save(self, *_args: object) -> None:
        if self._loading or self.style_obj is None:
            return
        self.hint.mark_pending()
        self._timer.start()

    def read_input(self) -> StyleInput:
        """The form as a `StyleInput`; a bad amount raises a UserError naming its field."""
        kind = RuleKind(self.rule_combo.currentData())
        return StyleInput(
            name=self.name_edit.text(),
            language=str(self.language_combo.currentData()),
            large_print=self.large_check.isChecked(),
            order=ProjectOrder(self.order_combo.currentData()),
            rule_kind=kind,
            max_choices=self.max_spin.value() if kind is RuleKind.APPROVAL else None,
            min_choices=(self.min_spin.value() or None) if kind is RuleKind.APPROVAL else None,
            budget_cents=read_money(self.budget_edit, "budget_cents")
            if kind is RuleKind.BUDGET
            else None,
        )

    def save_now(self) -> BallotStyle | None:
        """Save at once (also called by tests); returns the saved style or None on error."""
        self._timer.stop()
        if self.style_obj is None:
            return None
        self.clear_errors()
        try:
            style = self.ctx.services.ballots.update_style(self.style_obj.id, self.read_input())
        except UserError as exc:
            if not self.show_user_error(exc):
                self.hint.mark_failed(exc.message)
            else:
                self.hint.mark_failed()
            return None
        self.style_obj = style
        self.hint.mark_saved()
        self.saved.emit(style)
        return style
