"""Questionnaires: paper surveys composed here, printed with the ballots' QR and markers, read
back in batch by the ballot reader; doubtful forms wait for a person, never guessed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.surveys import QuestionKind, Survey, SurveyResults
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.surveys import ReadReport
from ui.screens.meetings.models import fit_columns
from ui.screens.surveys.composer import QuestionsEditor
from ui.screens.surveys.review import ReviewDialog
from ui.theme import set_role
from ui.widgets import (
    RIGHT,
    Column,
    DataclassTableModel,
    DataTableView,
    EmptyState,
    Form,
    Screen,
    ScreenshotVariant,
    line_edit,
    primary_button,
    scroll_page,
)

if TYPE_CHECKING:
    from ui.context import AppContext

BAR = 24  # characters of the widest bar


class SurveyTableModel(DataclassTableModel[Survey]):
    columns = (
        Column(_("N°"), lambda s: s.number, RIGHT),
        Column(_("Questionnaire"), lambda s: s.title),
        Column(_("État"), lambda s: _("imprimé") if s.printed else _("brouillon")),
    )


class SurveyTableView(DataTableView):
    pass


def results_text(res: SurveyResults) -> str:
    """The answers as short lines with bars (a picture in plain text, readable by a screen
    reader): "Oui ████████ 12"."""
    lines = [
        ngettext("{n} formulaire compté", "{n} formulaires comptés", res.forms).format(n=res.forms)
    ]
    for q in res.questions:
        lines.append("")
        lines.append(q.question.text)
        if q.question.kind is QuestionKind.TEXT:
            lines.append("    " + _("{n} réponse(s) écrite(s) à lire").format(n=q.texts))
            continue
        top = max(q.counts, default=0) or 1
        for choice, count in zip(q.question.choices(), q.counts, strict=True):
            bar = "█" * round(BAR * count / top)
            lines.append(f"    {choice[:28]:<28} {bar} {count}")
        if q.mean is not None:
            lines.append("    " + _("moyenne : {m}").format(m=f"{q.mean:.1f}".replace(".", ",")))
    return "\n".join(lines)


class SurveysScreen(Screen):
    title = _("Questionnaires")
    kinds = ("surveys", "campaign")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.services.surveys
        outer, self.header = self.standard_layout(
            _("Questionnaires"),
            _("Des enquêtes papier, lues par le même lecteur que les bulletins."),
        )
        self.header.add_action(QPushButton(_("Nouveau questionnaire"))).clicked.connect(
            self.new_survey
        )
        self.read_button = self.header.add_action(
            primary_button(_("Lire des formulaires remplis…"), self.ask_read)
        )
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.model = SurveyTableModel(parent=self)
        self.table = SurveyTableView()
        self.table.setModel(self.model)
        fit_columns(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        left.addWidget(self.table, 1)
        self.empty = EmptyState(
            _("Aucun questionnaire"),
            _(
                "Composez un court questionnaire (choix, échelle de 1 à 5, une question ouverte) : "
                "il s'imprime comme un bulletin et se lit au scanner."
            ),  # fmt: skip
            _("Nouveau questionnaire"),
            self.new_survey,
        )
        left.addWidget(self.empty)
        body.addLayout(left, 4)
        body.addWidget(self._detail(), 7)
        outer.addLayout(body, 1)
        self.survey: Survey | None = None

    def _detail(self) -> QWidget:
        panel = QWidget()
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        self.form = Form()
        self.title_edit = line_edit(placeholder=_("Votre avis sur le budget participatif"))
        self.form.add_row("title", _("Titre"), self.title_edit)
        self.intro = line_edit(placeholder=_("Une phrase d'accueil"), max_length=300)
        self.form.add_row("intro", _("Introduction"), self.intro)
        self.editor = QuestionsEditor()
        self.form.add_row("questions", _("Questions"), self.editor)
        column.addWidget(self.form)
        buttons = QHBoxLayout()
        self.save = QPushButton(_("Enregistrer"))
        self.save.clicked.connect(self.save_survey)
        self.print_button = QPushButton(_("Imprimer…"))
        self.print_button.clicked.connect(self.ask_print)
        self.review_button = QPushButton()
        self.review_button.clicked.connect(self.review_next)
        for b in (self.save, self.print_button, self.review_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.results = QLabel()
        self.results.setWordWrap(False)
        self.results.setStyleSheet("font-family: monospace;")
        area = scroll_page(self.results, frame=True)
        column.addWidget(set_role(QLabel(_("Réponses")), "section"))
        column.addWidget(area, 1)
        return panel

    def refresh(self) -> None:
        current = self.survey.id if self.survey else None
        surveys = self.service.list_surveys()
        self.model.set_rows(surveys)
        self.table.setVisible(bool(surveys))
        self.empty.setVisible(not surveys)
        self.read_button.setEnabled(any(s.printed for s in surveys))
        if not (current and self.table.select_row_where(lambda s: s.id == current)) and surveys:
            self.table.selectRow(0)
        self._selected()

    def _selected(self) -> None:
        self.survey = self.table.current_object() or self.survey
        survey = self.survey
        self.form.clear_errors()
        self.title_edit.setText(survey.title if survey else "")
        self.intro.setText(survey.intro if survey else "")
        self.editor.set_questions(survey.questions if survey else ())
        editable = survey is None or not survey.printed
        for widget in (self.title_edit, self.intro):
            widget.setEnabled(editable)
        self.editor.set_editable(editable)
        self.save.setEnabled(editable)
        self.print_button.setEnabled(survey is not None)
        if survey is None:
            self.results.setText("")
            self.review_button.setVisible(False)
            return
        res = self.service.results(survey.id)
        self.results.setText(results_text(res) if survey.printed else _("Pas encore imprimé."))
        self.review_button.setVisible(res.to_review > 0)
        self.review_button.setText(
            ngettext("Revoir {n} formulaire…", "Revoir {n} formulaires…", res.to_review).format(
                n=res.to_review
            )
        )

    def new_survey(self) -> None:
        self.table.clearSelection()
        self.survey = None
        self.table.setCurrentIndex(self.model.index(-1, 0))
        self._selected()
        self.title_edit.setFocus()

    def save_survey(self) -> None:
        self.form.clear_errors()
        title, intro, questions = self.title_edit.text(), self.intro.text(), self.editor.questions()
        try:
            if self.survey is None:
                self.survey = self.service.create(title, questions, intro)
            else:
                self.survey = self.service.update(self.survey.id, title, questions, intro)
        except UserError as exc:
            if not self.form.show_user_error(exc):
                raise
            return
        self.ctx.changed("surveys")
        self.ctx.notify(_("Questionnaire enregistré."))
        self.reload()

    def ask_print(self) -> None:
        if self.survey is None:
            return
        count, ok = QInputDialog.getInt(self, _("Imprimer"), _("Nombre d'exemplaires"), 50, 1, 5000)
        if not ok:
            return
        default = Path(self.ctx.settings.last_folder or Path.home())
        name, _f = QFileDialog.getSaveFileName(
            self, _("Questionnaires"), str(default / f"questionnaire-{self.survey.number}.pdf"),
            _("PDF (*.pdf)"),
        )  # fmt: skip
        if name:
            self.print_to(Path(name), count)

    def print_to(self, path: Path, count: int) -> None:
        survey_id = self.survey.id if self.survey else ""
        service = self.service
        self.ctx.settings.last_folder = str(path.parent)
        self.ctx.tasks.run(
            lambda progress, cancel: service.print_forms(
                survey_id, path, count, progress=progress, cancel=cancel
            ),
            on_done=self.printed,
            title=_("Impression des questionnaires…"),
        )

    def printed(self, path: Any) -> None:
        self.ctx.notify(_("Questionnaires enregistrés : {name}").format(name=Path(path).name))
        self.ctx.changed("surveys")
        self.reload()

    def ask_read(self) -> None:
        names, _f = QFileDialog.getOpenFileNames(
            self, _("Formulaires remplis"), self.ctx.settings.last_folder or str(Path.home()),
            _("Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"),
        )  # fmt: skip
        if names:
            self.read_files([Path(n) for n in names])

    def read_files(self, paths: list[Path]) -> None:
        service = self.service
        self.ctx.tasks.run(
            lambda progress, cancel: service.read_forms(paths, progress=progress, cancel=cancel),
            on_done=self.read_done,
            title=_("Lecture des formulaires…"),
        )

    def read_done(self, report: Any) -> None:
        assert isinstance(report, ReadReport)
        message = _(
            "{recorded} formulaire(s) enregistré(s) dont {review} à revoir, {dup} déjà lu(s), "
            "{refused} refusé(s)."
        ).format(recorded=report.recorded, review=report.to_review, dup=report.duplicates,
                 refused=len(report.refused))  # fmt: skip
        if report.refused:
            message += "\n" + "\n".join(
                f"{Path(r.file).name} p. {r.page} : {r.message}" for r in report.refused[:5]
            )
        self.ctx.notify(message)
        self.ctx.changed("surveys")
        self.reload()

    def review_next(self) -> None:
        if self.survey is None:
            return
        from app.domain.surveys import ResponseStatus

        waiting = self.service.responses(self.survey.id, ResponseStatus.TO_REVIEW)
        if waiting:
            dialog = ReviewDialog(self.service, self.survey, waiting[0], self)
            if dialog.exec():
                self.ctx.changed("surveys")
                self.reload()

    def badge(self) -> str | None:
        waiting = sum(self.service.results(s.id).to_review for s in self.service.list_surveys())
        if not waiting:
            return None
        return ngettext("{n} à revoir", "{n} à revoir", waiting).format(n=waiting)

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        def review() -> QWidget:
            from app.domain.surveys import ResponseStatus

            if self.survey is None:
                return self
            waiting = self.service.responses(self.survey.id, ResponseStatus.TO_REVIEW)
            written = [r for r in self.service.responses(self.survey.id) if r.text_image]
            chosen = waiting or written
            if not chosen:
                return self
            dialog = ReviewDialog(self.service, self.survey, chosen[0], self)
            dialog.show()
            return dialog

        return [("surveys-review", review)]
