"""The selected project's form, saved as you type, with the ballot line counter, its picture
(chosen from a file, copied into the data folder) and its ideas."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.domain.money import format_euros
from app.errors import UserError
from app.i18n import _
from app.services.ideas import ProjectInput
from ui.screens.meetings.models import fit_columns
from ui.screens.projects.models import LinkedIdeaTableModel, status_text
from ui.theme import COLORS, set_role
from ui.widgets import (
    DataTableView,
    Form,
    SavedHint,
    line_edit,
    money_edit,
    read_money,
    record_saver,
    tall,
    text_edit,
)

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

# What fits on the ballot beside the box, in the body size, before the layout has to cut it.
BALLOT_SHORT_CHARS = 140
EDITABLE_STATUSES = (m.ProjectStatus.DRAFT, m.ProjectStatus.SUBMITTED)
PICTURE_W, PICTURE_H = 200, 130  # the thumbnail beside the buttons, in pixels


def ballot_counter_text(text: str, limit: int = BALLOT_SHORT_CHARS) -> tuple[str, bool]:
    """ "87 / 140 caractères" and whether it fits on the ballot."""
    n = len(" ".join(text.split()))
    if n <= limit:
        return _("{n} / {max} caractères : tient sur le bulletin").format(n=n, max=limit), True
    return (
        _("⚠ {n} / {max} caractères : trop long pour le bulletin, raccourcissez").format(
            n=n, max=limit
        ),
        False,
    )


class ProjectForm(QWidget):
    """Edit one project; status beyond "À examiner" is the commission's, shown read-only."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.project: m.Project | None = None
        self.hint = SavedHint()
        self.form = Form()
        self._build()
        self.saver = record_saver(
            self._save, self.form, self.hint, lambda exc: ctx.show_error(exc, self.form)
        )
        for signal in (
            self.title_edit.textEdited,
            self.short_edit.textChanged,
            self.long_edit.textChanged,
            self.cost_edit.textEdited,
            self.theme_box.currentTextChanged,
            self.status_box.currentIndexChanged,
        ):
            signal.connect(self.saver.touch)
        self.short_edit.textChanged.connect(self._update_counter)
        self.remove_idea_button.clicked.connect(self.remove_selected_idea)
        self.setEnabled(False)

    def _build(self) -> None:
        self.heading = set_role(QLabel(_("Projet")), "section")
        self.residence_label = set_role(QLabel(), "muted")
        self.title_edit = line_edit(max_length=300)
        self.short_edit = tall(text_edit(), 2)
        self.counter = QLabel()
        self.long_edit = tall(text_edit(), 5)
        self.cost_edit = money_edit(placeholder=_("Par exemple : 12 500"))
        self.theme_box = QComboBox()
        self.theme_box.setEditable(True)
        self.status_box = QComboBox()
        picture_row = self._picture_row()
        f = self.form
        f.add_row("title", _("Titre (imprimé sur le bulletin)"), self.title_edit)
        row = f.add_row(
            "short_description", _("Description courte pour le bulletin"), self.short_edit
        )
        row.layout().insertWidget(2, self.counter)
        f.add_row("long_description", _("Description détaillée (fiche projet)"), self.long_edit)
        f.add_row(
            "picture", _("Image (fiche projet)"), picture_row,
            _("Une photo ou un dessin : en grand sur la fiche du projet, et à côté du projet "
              "sur le bulletin quand la place le permet."),
        )  # fmt: skip
        f.add_row("cost_cents", _("Coût estimé"), self.cost_edit)
        f.add_row("theme", _("Thème"), self.theme_box)
        f.add_row("status", _("Statut"), self.status_box)
        self.ideas_model = LinkedIdeaTableModel(self)
        self.ideas_view = DataTableView()
        self.ideas_view.setModel(self.ideas_model)
        self.ideas_view.setSortingEnabled(False)
        self.ideas_view.setMinimumHeight(120)
        self.ideas_view.setAccessibleName(_("Idées du projet"))
        fit_columns(self.ideas_view, 0)
        self.remove_idea_button = QPushButton(_("Retirer l'idée du projet"))
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.residence_label)
        layout.addWidget(self.form)
        layout.addWidget(set_role(QLabel(_("Idées regroupées dans ce projet")), "section"))
        layout.addWidget(self.ideas_view)
        layout.addWidget(self.remove_idea_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)

    def _picture_row(self) -> QWidget:
        self.picture_label = QLabel()
        self.picture_label.setFixedSize(PICTURE_W, PICTURE_H)
        self.picture_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture_label.setAccessibleName(_("Image du projet"))
        set_role(self.picture_label, "muted")
        self.choose_picture_button = QPushButton(_("Choisir une image…"))
        self.remove_picture_button = QPushButton(_("Retirer l'image"))
        self.choose_picture_button.clicked.connect(self.choose_picture)
        self.remove_picture_button.clicked.connect(self.remove_picture)
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_picture_button)
        buttons.addWidget(self.remove_picture_button)
        buttons.addStretch(1)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture_label)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return row

    def choose_picture(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Image du projet"), str(Path.home()), _("Images (*.jpg *.jpeg *.png)")
        )
        if path:
            self.set_picture_file(Path(path))

    def set_picture_file(self, path: Path | None) -> None:
        """Keep a copy of the picture in the data folder (None: remove it) and show it."""
        if self.project is None:
            return
        self.saver.flush()
        try:
            self.project = self.ctx.services.projects.set_picture(self.project.id, path)
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.ctx.show_error(exc, self)
            return
        self.form.rows["picture"].set_error(None)
        self._show_picture()
        self.ctx.changed("projects")

    def remove_picture(self) -> None:
        self.set_picture_file(None)

    def _show_picture(self) -> None:
        relative = self.project.picture_path if self.project else ""
        pixmap = QPixmap(str(self.ctx.services.data_dir / relative)) if relative else QPixmap()
        if pixmap.isNull():
            self.picture_label.clear()
            self.picture_label.setText(_("Pas d'image"))
        else:
            self.picture_label.setPixmap(
                pixmap.scaled(
                    PICTURE_W,
                    PICTURE_H,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.remove_picture_button.setEnabled(bool(relative))

    def set_themes(self, themes: tuple[str, ...]) -> None:
        with self.saver.loading():
            current = self.theme_box.currentText()
            self.theme_box.clear()
            self.theme_box.addItems(list(themes))
            self.theme_box.setCurrentText(current)

    def set_project(
        self, project: m.Project | None, residence: str = "", ideas: list[m.Idea] | None = None
    ) -> None:
        self.saver.flush()
        self.project = project
        self.form.clear_errors()
        self.hint.clear()
        self.setEnabled(project is not None)
        self.ideas_model.set_rows(ideas or [])
        if project is None:
            return
        with self.saver.loading():
            self.heading.setText(_("Projet n° {n}").format(n=project.number))
            self.residence_label.setText(_("Résidence : {name}").format(name=residence))
            self.title_edit.setText(project.title)
            self.short_edit.setPlainText(project.short_description)
            self.long_edit.setPlainText(project.long_description)
            cost = project.cost_cents
            self.cost_edit.setText(
                "" if cost is None else format_euros(cost).replace("\u00a0€", "")
            )
            self.theme_box.setCurrentText(project.theme)
            self._fill_status(project.status)
        self._show_picture()
        self._update_counter()

    def _fill_status(self, status: m.ProjectStatus) -> None:
        self.status_box.clear()
        choices = EDITABLE_STATUSES if status in EDITABLE_STATUSES else (status,)
        for choice in choices:
            self.status_box.addItem(status_text(choice), choice.value)
        self.status_box.setCurrentIndex(self.status_box.findData(status.value))
        decided = status not in EDITABLE_STATUSES
        self.status_box.setEnabled(not decided)
        self.status_box.setToolTip(_("Décidé par la commission d'examen") if decided else "")

    def _update_counter(self) -> None:
        text, fits = ballot_counter_text(self.short_edit.toPlainText())
        self.counter.setText(text)
        color = COLORS.text_muted if fits else COLORS.warning
        self.counter.setStyleSheet(f"color: {color};" + ("" if fits else " font-weight: bold;"))

    def input(self) -> ProjectInput:
        assert self.project is not None
        return ProjectInput(
            title=self.title_edit.text(),
            residence_id=self.project.residence_id,
            short_description=self.short_edit.toPlainText(),
            long_description=self.long_edit.toPlainText(),
            cost_cents=read_money(self.cost_edit, "cost_cents"),
            theme=self.theme_box.currentText(),
            status=m.ProjectStatus(self.status_box.currentData() or self.project.status.value),
        )

    def _save(self) -> None:
        if self.project is None:
            return
        self.project = self.ctx.services.projects.update_project(self.project.id, self.input())
        self.ctx.changed("projects")

    def remove_selected_idea(self) -> None:
        idea = self.ideas_view.current_object()
        if self.project is None or idea is None:
            return
        try:
            self.project = self.ctx.services.projects.remove_idea(self.project.id, idea.id)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        project_id = self.project.id
        self.ideas_model.set_rows([i for i in self.ideas_model.rows() if i.id != idea.id])
        self.ctx.changed("projects")
        self.ctx.notify(
            _("Idée « {title} » retirée du projet").format(title=idea.title),
            undo=lambda: self._restore_idea(project_id, idea.id),
        )

    def _restore_idea(self, project_id: str, idea_id: str) -> None:
        self.ctx.services.projects.add_ideas(project_id, [idea_id])
        self.ctx.changed("projects")
