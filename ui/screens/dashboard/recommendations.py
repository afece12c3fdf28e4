"""The "Préconisations" of the evaluation report, written in the dashboard, saved as you type."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.errors import UserError
from app.i18n import _
from ui.context import AppContext
from ui.theme import set_role
from ui.widgets.autosave import AutoSaver
from ui.widgets.feedback import SavedHint
from ui.widgets.forms import Form


class RecommendationsEditor(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(set_role(QLabel(_("Préconisations (rapport d'évaluation)")), "section"), 1)
        self.hint = SavedHint()
        head.addWidget(self.hint)
        layout.addLayout(head)
        self.form = Form()
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_("Préconisations"))
        self.text.setPlaceholderText(
            _("Ce qui a marché, ce qu'il faut changer la prochaine fois. "
              "Une ligne commençant par « - » devient une puce dans le rapport.")
        )  # fmt: skip
        self.text.setMinimumHeight(110)
        self.text.setMaximumHeight(180)
        self.form.add_row("recommendations", "", self.text)
        layout.addWidget(self.form)
        self.saver = AutoSaver(self.save, self.form, self.hint, parent=self)
        self.text.textChanged.connect(self.saver.touch)

    def load(self) -> None:
        try:
            text = self.ctx.services.evaluation.recommendations()
        except UserError:
            text = ""
        with self.saver.loading():
            if text != self.text.toPlainText():
                self.text.setPlainText(text)

    def save(self) -> None:
        self.ctx.services.evaluation.set_recommendations(self.text.toPlainText())
