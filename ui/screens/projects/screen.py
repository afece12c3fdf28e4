"""Projets: the projects list with search and filters, the selected project's form beside it, and
"Regrouper les idées en projet" (pick ideas not yet in a project, merge them)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.errors import UserError
from app.i18n import _, ngettext
from ui.screens.meetings.models import fit_columns
from ui.screens.projects.form import ProjectForm
from ui.screens.projects.merge import MergePanel
from ui.screens.projects.models import (
    ProjectFilterProxy,
    ProjectTableModel,
    ProjectTableView,
    status_text,
)
from ui.theme import set_role
from ui.widgets import EmptyState, Screen, ScreenshotVariant, primary_button, scroll_page

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class ProjectsScreen(Screen):
    title = _("Projets")
    kinds = ("projects", "ideas", "commission", "residences", "campaign")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout, self.header = self.standard_layout(
            _("Projets"),
            _(
                "Les idées des habitants deviennent des projets, examinés ensuite par la commission."
            ),
        )
        self.merge_button = self.header.add_action(
            primary_button(_("Regrouper les idées en projet"), self.start_merge)
        )
        self.model = ProjectTableModel(self)
        self.proxy = ProjectFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = ProjectTableView()
        self.view.setModel(self.proxy)
        self.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        fit_columns(self.view, 1)
        self.form = ProjectForm(ctx)
        self.merge_panel = MergePanel(ctx)
        self.merge_panel.merged.connect(self._merged)
        self.merge_panel.closed.connect(self.show_detail)
        layout.addLayout(self._filters())
        layout.addWidget(self._body(), 1)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self._ideas: dict[str, m.Idea] = {}

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Rechercher un projet…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(_("Rechercher un projet"))
        self.residence_filter = QComboBox()
        self.residence_filter.setAccessibleName(_("Filtrer par résidence"))
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(_("Filtrer par statut"))
        self.status_filter.addItem(_("Tous les statuts"), "")
        for status in m.ProjectStatus:
            self.status_filter.addItem(status_text(status), status.value)
        row.addWidget(self.search_edit, 2)
        row.addWidget(self.residence_filter, 1)
        row.addWidget(self.status_filter, 1)
        self.search_edit.textChanged.connect(self.proxy.set_search)
        self.residence_filter.currentIndexChanged.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        return row

    def _body(self) -> QWidget:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        self.summary = set_role(QLabel(), "muted")
        left_layout.addWidget(self.summary)
        scroll = scroll_page(self.form, frame=True, horizontal=False)
        self.right = QStackedWidget()
        self.right.addWidget(scroll)
        self.right.addWidget(self.merge_panel)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setSizes([700, 560])
        self.empty = EmptyState(
            _("Aucun projet pour l'instant"),
            _(
                "Un projet rassemble une ou plusieurs idées des habitants, avec un titre court "
                "pour le bulletin et un coût. Commencez par regrouper les idées notées en réunion."
            ),
            _("Regrouper les idées en projet"),
            self.start_merge,
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(splitter)
        self.stack.addWidget(self.empty)
        return self.stack

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        services = self.ctx.services
        if not services.campaigns.has_campaign():
            self.stack.setCurrentWidget(self.empty)
            return
        residences = services.campaigns.list_residences()
        self.model.residences = {r.id: r.name for r in residences}
        self._fill_residence_filter(residences)
        self.form.set_themes(services.campaigns.get_campaign().themes)
        self._ideas = {i.id: i for i in services.ideas.list_ideas()}
        current = self.form.project.id if self.form.project else None
        projects = services.projects.list_projects()
        self.model.set_rows(projects)
        merging = self.right.currentWidget() is self.merge_panel
        self.stack.setCurrentIndex(0 if projects or merging else 1)
        if not self.view.select_row_where(lambda p: p.id == current):
            if not self.view.select_row_where(lambda _p: True):
                self.form.set_project(None)
        waiting = sum(1 for i in self._ideas.values() if i.project_id is None)
        self.summary.setText(
            ngettext("{n} projet", "{n} projets", len(projects)).format(n=len(projects))
            + " · "
            + ngettext("{n} idée à regrouper", "{n} idées à regrouper", waiting).format(n=waiting)
        )
        if merging:
            self.merge_panel.reload_ideas()

    def _fill_residence_filter(self, residences: list[m.Residence]) -> None:
        box = self.residence_filter
        box.blockSignals(True)
        current = box.currentData()
        box.clear()
        box.addItem(_("Toutes les résidences"), "")
        for residence in residences:
            box.addItem(residence.name, residence.id)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)

    def apply_filters(self, *_args: object) -> None:
        status = self.status_filter.currentData()
        self.proxy.set_filters(
            self.residence_filter.currentData() or None, m.ProjectStatus(status) if status else None
        )

    def badge(self) -> str | None:
        try:
            waiting = self.ctx.services.status.campaign_status().ideas_unassigned
        except UserError:
            return None
        if not waiting:
            return None
        return ngettext("{n} à regrouper", "{n} à regrouper", waiting).format(n=waiting)

    def _current_changed(self, *_args: object) -> None:
        project = self.view.current_object()
        if (
            self.form.project is not None
            and project is not None
            and project.id == self.form.project.id
        ):
            return  # same project after a reload: keep what is being typed
        if project is None:
            self.form.set_project(None)
            return
        ideas = [self._ideas[i] for i in project.idea_ids if i in self._ideas]
        self.form.set_project(project, self.model.residences.get(project.residence_id, ""), ideas)
        self.show_detail()

    # --- merge ----------------------------------------------------------------------------------

    def start_merge(self) -> None:
        """Show the idea picker in place of the form (the list stays visible on the left)."""
        self.form.saver.flush()
        self.stack.setCurrentIndex(0)
        self.right.setCurrentWidget(self.merge_panel)
        self.merge_panel.open(
            self.ctx.services.campaigns.list_residences(),
            self.residence_filter.currentData() or None,
        )

    def show_detail(self) -> None:
        self.right.setCurrentIndex(0)

    def _merged(self, project_id: str) -> None:
        self.reload()
        self.form.set_project(None)
        self.view.select_row_where(lambda p: p.id == project_id)
        project = self.view.current_object()
        if project is not None:
            ideas = [self._ideas[i] for i in project.idea_ids if i in self._ideas]
            self.form.set_project(
                project, self.model.residences.get(project.residence_id, ""), ideas
            )
        self.show_detail()
        self.form.title_edit.setFocus()

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [("projects-merge", self._show_merge)]

    def _show_merge(self) -> QWidget:
        self.start_merge()
        rows = self.merge_panel.model.rows()
        self.merge_panel.check([i.id for i in rows[:2]])
        return self
