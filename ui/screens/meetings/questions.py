"""The questions asked at a meeting, with the answer given: add, edit, remove (with undo)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QPushButton, QVBoxLayout, QWidget

from app.domain import models as m
from app.errors import UserError
from app.i18n import _
from ui.screens.meetings.models import QuestionTableModel, QuestionTableView
from ui.widgets import Form, line_edit

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class QuestionsEditor(QWidget):
    """A small table of questions and, below it, the question/answer fields for one of them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id: str | None = None
        self._editing: m.Question | None = None
        self.model = QuestionTableModel(self)
        self.view = QuestionTableView()
        self.view.setModel(self.model)
        self.view.setMinimumHeight(150)
        self.form = Form()
        self.question_edit = line_edit(
            placeholder=_("Par exemple : qui entretiendra le jardin ?"), max_length=2000
        )
        self.answer_edit = line_edit(
            placeholder=_("La réponse donnée pendant la réunion"), max_length=2000
        )
        self.form.add_row("question", _("Question posée"), self.question_edit)
        self.form.add_row("answer", _("Réponse donnée"), self.answer_edit)
        self.save_button = QPushButton(_("Ajouter la question"))
        self.new_button = QPushButton(_("Nouvelle question"))
        self.remove_button = QPushButton(_("Retirer la question"))
        self.remove_button.setProperty("danger", True)
        buttons = QGridLayout()  # two by two: the form fits beside the list at 1280 px
        buttons.addWidget(self.save_button, 0, 0)
        buttons.addWidget(self.new_button, 0, 1)
        buttons.addWidget(self.remove_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save_question)
        self.new_button.clicked.connect(self.start_new)
        self.remove_button.clicked.connect(self.remove_question)
        self.answer_edit.returnPressed.connect(self.save_question)
        self.question_edit.returnPressed.connect(self.answer_edit.setFocus)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self._update_buttons()

    def set_meeting(self, meeting: m.Meeting | None) -> None:
        self.meeting_id = meeting.id if meeting else None
        self.model.set_rows(list(meeting.questions) if meeting else [])
        self.start_new()

    def questions(self) -> list[m.Question]:
        return self.model.rows()

    def _row_changed(self, *_args: object) -> None:
        question = self.view.current_object()
        self._editing = question
        self.question_edit.setText(question.question if question else "")
        self.answer_edit.setText(question.answer if question else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        editing = self._editing is not None
        self.save_button.setText(
            _("Enregistrer la question") if editing else _("Ajouter la question")
        )
        self.remove_button.setEnabled(editing)
        self.setEnabled(self.meeting_id is not None)

    def start_new(self) -> None:
        """Empty fields for a new question (the table keeps its rows)."""
        self.view.clearSelection()
        self.view.setCurrentIndex(self.model.index(-1, -1))
        self._editing = None
        self.question_edit.clear()
        self.answer_edit.clear()
        self.form.clear_errors()
        self._update_buttons()

    def save_question(self) -> None:
        if self.meeting_id is None:
            return
        self.form.clear_errors()
        question, answer = self.question_edit.text(), self.answer_edit.text()
        meetings = self.ctx.services.meetings
        try:
            if self._editing is None:
                meetings.add_question(self.meeting_id, question, answer)
            else:
                meetings.update_question(self._editing.id, question, answer)
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.ctx.show_error(exc, self)
            return
        self._reload()
        self.start_new()
        self.question_edit.setFocus()
        self.ctx.changed("meetings")

    def remove_question(self) -> None:
        question = self._editing
        if question is None or self.meeting_id is None:
            return
        try:
            self.ctx.services.meetings.delete_question(question.id)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self._reload()
        self.start_new()
        self.ctx.changed("meetings")
        self.ctx.notify(_("Question retirée"), undo=lambda: self._restore(question))

    def _restore(self, question: m.Question) -> None:
        """Undo a removal: the question comes back (as a new record) on its meeting."""
        self.ctx.services.meetings.add_question(
            question.meeting_id, question.question, question.answer
        )
        if question.meeting_id == self.meeting_id:
            self._reload()
        self.ctx.changed("meetings")

    def _reload(self) -> None:
        if self.meeting_id is None:
            return
        meeting = self.ctx.services.meetings.get_meeting(self.meeting_id)
        self.model.set_rows(list(meeting.questions))
