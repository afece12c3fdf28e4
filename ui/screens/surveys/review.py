"""A doubtful form, decided by a person: the questions in doubt (nothing was chosen for the
resident), and the free-text answer's image to read and, if wished, type out."""

from __future__ import annotations

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.surveys import PAGE_DOUBT, QuestionKind, Survey, SurveyResponse
from app.errors import UserError
from app.i18n import _
from app.services.surveys import SurveyService
from ui.widgets import text_edit


class ReviewDialog(QDialog):
    def __init__(
        self,
        service: SurveyService,
        survey: Survey,
        response: SurveyResponse,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.response = service, response
        self.setWindowTitle(_("Formulaire à revoir"))
        layout = QVBoxLayout(self)
        intro = _(
            "Regardez le formulaire papier ({source}, page {page}) et cochez ce que la personne "
            "a voulu dire."
        ).format(source=response.source or "?", page=response.page)
        if PAGE_DOUBT in response.doubts:
            intro += " " + _("Tout le formulaire est à vérifier (traits pâles ou ambigus).")
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.boxes: dict[str, list[QCheckBox]] = {}
        in_doubt = set(response.doubts)
        for q in survey.questions:
            if q.kind is QuestionKind.TEXT:
                continue
            group = QGroupBox(q.text)
            column = QVBoxLayout(group)
            ticks = set(response.answers.get(q.id, ()))
            self.boxes[q.id] = []
            for n, choice in enumerate(q.choices(), start=1):
                box = QCheckBox(choice)
                box.setChecked(n in ticks)
                column.addWidget(box)
                self.boxes[q.id].append(box)
            group.setVisible(q.id in in_doubt or PAGE_DOUBT in in_doubt)
            layout.addWidget(group)
        self.transcript = text_edit(response.text_transcript, _("Texte écrit, recopié"), 2)
        image = service.image_path(response)
        if image is not None and image.exists():
            picture = QLabel()
            picture.setPixmap(QPixmap(str(image)).scaledToWidth(560))
            picture.setAccessibleName(_("Réponse écrite à la main"))
            layout.addWidget(picture)
            layout.addWidget(self.transcript)
        else:
            self.transcript.setVisible(False)
        self.error = QLabel()
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addStretch(1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        answers = {
            qid: [n for n, box in enumerate(boxes, start=1) if box.isChecked()]
            for qid, boxes in self.boxes.items()
        }
        transcript = self.transcript.toPlainText() if self.transcript.isVisible() else None
        try:
            self.service.review(self.response.id, answers, transcript)
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
