""" "Regrouper les idées en projet": tick ideas not yet in a project (one residence at a time)
and merge them into a new project, or add them to an existing project of that residence."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.ideas import IdeaFilter
from ui.screens.meetings.models import fit_columns
from ui.screens.projects.models import PickableIdeaTableModel
from ui.theme import TONE_ICONS, set_role
from ui.widgets import DataTableView, primary_button

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class MergePanel(QWidget):
    """Pick ideas, then one primary action: "Créer le projet" or "Ajouter au projet"."""

    merged = Signal(str)  # the project id
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = PickableIdeaTableModel(self)
        self.view = DataTableView()
        self.view.setModel(self.model)
        self.view.setSortingEnabled(False)
        self.view.setAccessibleName(_("Idées pas encore dans un projet"))
        fit_columns(self.view, 0)
        self.residence_box = QComboBox()
        self.residence_box.setAccessibleName(_("Résidence des idées à regrouper"))
        self.new_radio = QRadioButton(_("Créer un nouveau projet"))
        self.add_radio = QRadioButton(_("Ajouter à un projet existant :"))
        self.new_radio.setChecked(True)
        self.project_box = QComboBox()
        self.project_box.setAccessibleName(_("Projet auquel ajouter les idées"))
        self.error = set_role(QLabel(), "error")
        self.error.setWordWrap(True)
        self.merge_button = primary_button(_("Regrouper"), self.merge)
        self.close_button = QPushButton(_("Fermer"))
        self._layout()
        self.residence_box.currentIndexChanged.connect(self.reload_ideas)
        self.model.dataChanged.connect(self._update)
        self.new_radio.toggled.connect(self._update)
        self.project_box.currentIndexChanged.connect(self._update)
        self.close_button.clicked.connect(self.closed.emit)

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 8, 8)
        layout.addWidget(set_role(QLabel(_("Regrouper les idées en projet")), "section"))
        explain = set_role(
            QLabel(
                _(
                    "Cochez les idées qui disent la même chose (Espace coche la ligne choisie). "
                    "Le nouveau projet reprend le titre de la première idée cochée et la somme "
                    "des coûts estimés : vous pourrez tout modifier ensuite."
                )
            ),
            "muted",
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addWidget(QLabel(_("Résidence")))
        layout.addWidget(self.residence_box)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.new_radio)
        target = QHBoxLayout()
        target.addWidget(self.add_radio)
        target.addWidget(self.project_box, 1)
        layout.addLayout(target)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.merge_button)
        layout.addLayout(buttons)

    def open(self, residences: list[m.Residence], residence_id: str | None = None) -> None:
        """Show the ideas of one residence (the given one, else the first with ideas waiting)."""
        self.residence_box.blockSignals(True)
        self.residence_box.clear()
        for residence in residences:
            self.residence_box.addItem(residence.name, residence.id)
        index = self.residence_box.findData(residence_id) if residence_id else -1
        if index < 0:
            waiting = {
                i.residence_id
                for i in self.ctx.services.ideas.list_ideas(IdeaFilter(unassigned_only=True))
            }
            index = next((n for n, r in enumerate(residences) if r.id in waiting), 0)
        self.residence_box.setCurrentIndex(index)
        self.residence_box.blockSignals(False)
        self.model.checked.clear()
        self.reload_ideas()
        self.view.setFocus()

    def reload_ideas(self, *_args: object) -> None:
        residence_id = self.residence_box.currentData()
        services = self.ctx.services
        ideas = (
            services.ideas.list_ideas(IdeaFilter(residence_id=residence_id, unassigned_only=True))
            if residence_id
            else []
        )
        self.model.set_rows(ideas)
        self.project_box.clear()
        for project in (
            services.projects.list_projects(residence_id=residence_id) if residence_id else []
        ):
            self.project_box.addItem(
                _("N° {n} — {title}").format(n=project.number, title=project.title), project.id
            )
        self.add_radio.setEnabled(self.project_box.count() > 0)
        self.error.clear()
        self._update()

    def _update(self, *_args: object) -> None:
        n = len(self.model.checked_ids())
        to_new = self.new_radio.isChecked() or not self.add_radio.isEnabled()
        self.project_box.setEnabled(not to_new)
        if to_new:
            text = ngettext("Créer le projet avec {n} idée", "Créer le projet avec {n} idées", n)
        else:
            text = ngettext("Ajouter {n} idée au projet", "Ajouter {n} idées au projet", n)
        self.merge_button.setText(text.format(n=n))
        self.merge_button.setEnabled(n > 0)

    def check(self, idea_ids: list[str]) -> None:
        for idea_id in idea_ids:
            self.model.set_checked(idea_id, True)

    def merge(self) -> str | None:
        """Merge the checked ideas; returns the project id, or None when refused (shown inline)."""
        ids = self.model.checked_ids()
        if not ids:
            return None
        projects = self.ctx.services.projects
        try:
            if self.new_radio.isChecked() or not self.add_radio.isEnabled():
                project = projects.merge_ideas(ids)
                message = ngettext(
                    "Projet n° {number} créé à partir de {n} idée",
                    "Projet n° {number} créé à partir de {n} idées",
                    len(ids),
                )
            else:
                project = projects.add_ideas(self.project_box.currentData(), ids)
                message = ngettext(
                    "{n} idée ajoutée au projet n° {number}",
                    "{n} idées ajoutées au projet n° {number}",
                    len(ids),
                )
        except UserError as exc:
            self.error.setText(f"{TONE_ICONS['danger']} {exc.message}")
            return None
        self.model.checked.clear()
        self.ctx.changed("projects")
        self.ctx.notify(message.format(number=project.number, n=len(ids)))
        self.merged.emit(project.id)
        return project.id

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        """Ctrl+Entrée merges (Espace already ticks the current idea in the list)."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.merge()
            return
        super().keyPressEvent(event)
