"""The selected idea's form, saved as you type; an idea already in a project says which one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain import models as m
from app.domain.money import format_euros
from app.i18n import _
from app.services.ideas import IdeaInput
from ui.screens.meetings.models import meeting_label
from ui.theme import set_role
from ui.widgets import (
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


class IdeaForm(QWidget):
    """Edit one idea: title, description, theme, residence, place, estimated cost, meeting."""

    delete_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.idea: m.Idea | None = None
        self.hint = SavedHint()
        self.form = Form()
        self.title_edit = line_edit(max_length=300)
        self.description_edit = tall(text_edit(), 4)
        self.theme_box = QComboBox()
        self.theme_box.setEditable(True)
        self.residence_box = QComboBox()
        self.location_edit = line_edit(placeholder=_("Par exemple : aire de jeux, hall B"))
        self.cost_edit = money_edit(placeholder=_("Facultatif, en euros"))
        self.meeting_box = QComboBox()
        self.project_label = set_role(QLabel(), "muted")
        self.project_label.setWordWrap(True)
        f = self.form
        f.add_row("title", _("Titre de l'idée"), self.title_edit)
        f.add_row("description", _("Description"), self.description_edit)
        f.add_row("theme", _("Thème"), self.theme_box)
        f.add_row("residence_id", _("Résidence"), self.residence_box)
        f.add_row("location", _("Lieu dans la résidence"), self.location_edit)
        f.add_row(
            "estimated_cost_cents",
            _("Coût estimé"),
            self.cost_edit,
            hint=_("Exemple : 4 800 ou 1 250,50"),
        )
        f.add_row("meeting_id", _("Réunion où l'idée a été proposée"), self.meeting_box)
        f.add_row("project_id", _("Projet"), self.project_label)
        self.delete_button = QPushButton(_("Supprimer l'idée"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self._ask_delete)
        top = QHBoxLayout()
        top.addWidget(set_role(QLabel(_("Idée")), "section"), 1)
        top.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.saver = record_saver(
            self._save, self.form, self.hint, lambda exc: ctx.show_error(exc, self.form)
        )
        for signal in (
            self.title_edit.textEdited,
            self.description_edit.textChanged,
            self.theme_box.currentTextChanged,
            self.residence_box.currentIndexChanged,
            self.location_edit.textEdited,
            self.cost_edit.textEdited,
            self.meeting_box.currentIndexChanged,
        ):
            signal.connect(self.saver.touch)
        self.setEnabled(False)

    def set_choices(
        self,
        themes: tuple[str, ...],
        residences: list[m.Residence],
        meetings: list[m.Meeting],
    ) -> None:
        """Fill the drop-down lists (kept when the same idea is shown again)."""
        names = {r.id: r.name for r in residences}
        with self.saver.loading():
            self.theme_box.clear()
            self.theme_box.addItems(list(themes))
            self.residence_box.clear()
            for residence in residences:
                self.residence_box.addItem(residence.name, residence.id)
            self.meeting_box.clear()
            self.meeting_box.addItem(_("Aucune (idée reçue hors réunion)"), "")
            for meeting in meetings:
                self.meeting_box.addItem(meeting_label(meeting, names), meeting.id)
            self._fill(self.idea)

    def set_idea(self, idea: m.Idea | None, project: m.Project | None = None) -> None:
        self.saver.flush()
        self.idea = idea
        self.form.clear_errors()
        self.hint.clear()
        self.setEnabled(idea is not None)
        with self.saver.loading():
            self._fill(idea, project)

    def _fill(self, idea: m.Idea | None, project: m.Project | None = None) -> None:
        if idea is None:
            return
        self.title_edit.setText(idea.title)
        self.description_edit.setPlainText(idea.description)
        self.theme_box.setCurrentText(idea.theme)
        self.residence_box.setCurrentIndex(max(0, self.residence_box.findData(idea.residence_id)))
        self.location_edit.setText(idea.location)
        cost = idea.estimated_cost_cents
        self.cost_edit.setText("" if cost is None else format_euros(cost).replace("\u00a0€", ""))
        self.meeting_box.setCurrentIndex(max(0, self.meeting_box.findData(idea.meeting_id or "")))
        in_project = idea.project_id is not None
        self.residence_box.setEnabled(not in_project)
        if project is not None:
            text = _("Dans le projet n° {n} : « {title} »").format(
                n=project.number, title=project.title
            )
        elif in_project:
            text = _("Dans un projet")
        else:
            text = _("Pas encore dans un projet : regroupez-la depuis l'écran Projets.")
        self.project_label.setText(text)

    def input(self) -> IdeaInput:
        assert self.idea is not None
        return IdeaInput(
            title=self.title_edit.text(),
            residence_id=str(self.residence_box.currentData() or self.idea.residence_id),
            description=self.description_edit.toPlainText(),
            theme=self.theme_box.currentText(),
            location=self.location_edit.text(),
            estimated_cost_cents=read_money(self.cost_edit, "estimated_cost_cents"),
            meeting_id=self.meeting_box.currentData() or None,
            proposer_id=self.idea.proposer_id,
        )

    def _save(self) -> None:
        if self.idea is None:
            return
        self.idea = self.ctx.services.ideas.update_idea(self.idea.id, self.input())
        self.ctx.changed("ideas")

    def _ask_delete(self) -> None:
        if self.idea is not None:
            self.delete_requested.emit(self.idea.id)
