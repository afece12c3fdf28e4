"""The questions of a survey, one row each: kind, text, and the answers offered (separated by
";"; for a 1-5 scale, the words of its two ends)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.surveys import KIND_LABELS, MAX_QUESTIONS, QuestionKind, SurveyQuestion
from app.i18n import _
from ui.widgets import line_edit


class QuestionRow(QWidget):
    def __init__(self, question: SurveyQuestion | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        for kind in QuestionKind:
            self.kind.addItem(_(KIND_LABELS[kind]), kind.value)
        self.kind.setAccessibleName(_("Type de question"))
        self.text = line_edit(placeholder=_("La question"))
        self.text.setAccessibleName(_("Question"))
        self.options = line_edit(placeholder=_("Oui ; Non ; Je ne sais pas"), max_length=700)
        self.options.setAccessibleName(_("Réponses proposées, séparées par ;"))
        self.remove = QPushButton("✕")
        self.remove.setToolTip(_("Retirer la question"))
        self.remove.setAccessibleName(_("Retirer la question"))
        self.remove.clicked.connect(self.deleteLater)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        row.addWidget(self.kind)
        row.addWidget(self.text, 5)
        row.addWidget(self.options, 3)
        row.addWidget(self.remove)
        if question is not None:
            self.kind.setCurrentIndex(list(QuestionKind).index(question.kind))
            self.text.setText(question.text)
            words = (question.low_label, question.high_label)
            scale = question.kind is QuestionKind.SCALE
            self.options.setText(" ; ".join(words if scale else question.options))
            for edit in (self.text, self.options):
                edit.setCursorPosition(0)  # the start of the text shows, not its end
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = QuestionKind(self.kind.currentData())
        self.options.setEnabled(kind is not QuestionKind.TEXT)
        hints = {
            QuestionKind.SCALE: _("pas du tout ; tout à fait"),
            QuestionKind.TEXT: _("(un cadre pour écrire)"),
        }
        self.options.setPlaceholderText(hints.get(kind, _("Oui ; Non ; Je ne sais pas")))

    def question(self) -> SurveyQuestion:
        kind = QuestionKind(self.kind.currentData())
        parts = tuple(p.strip() for p in self.options.text().split(";") if p.strip())
        if kind is QuestionKind.SCALE:
            low, high = (parts + ("", ""))[:2]
            return SurveyQuestion("", kind, self.text.text(), (), low, high)
        if kind is QuestionKind.TEXT:
            return SurveyQuestion("", kind, self.text.text())
        return SurveyQuestion("", kind, self.text.text(), parts)


class QuestionsEditor(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rows_box = QVBoxLayout()
        layout.addLayout(self.rows_box)
        self.add = QPushButton(_("Ajouter une question"))
        self.add.clicked.connect(lambda: self.add_row(None))
        layout.addWidget(self.add)

    def rows(self) -> list[QuestionRow]:
        found = (self.rows_box.itemAt(i).widget() for i in range(self.rows_box.count()))
        return [w for w in found if isinstance(w, QuestionRow)]

    def add_row(self, question: SurveyQuestion | None) -> QuestionRow:
        row = QuestionRow(question, self)
        self.rows_box.addWidget(row)
        self.add.setEnabled(len(self.rows()) < MAX_QUESTIONS)
        return row

    def set_questions(self, questions: tuple[SurveyQuestion, ...]) -> None:
        for row in self.rows():
            self.rows_box.removeWidget(row)
            row.deleteLater()
        for q in questions:
            self.add_row(q)
        if not questions:
            self.add_row(None)

    def questions(self) -> list[SurveyQuestion]:
        return [r.question() for r in self.rows() if r.text.text().strip() or r.options.text()]

    def set_editable(self, editable: bool) -> None:
        for row in self.rows():
            row.setEnabled(editable)
        self.add.setEnabled(editable and len(self.rows()) < MAX_QUESTIONS)
