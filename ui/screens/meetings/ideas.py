"""The ideas list of "Réunions & idées": search and filters above, the list, the idea's form."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.ideas import IdeaFilter
from ui.screens.meetings.idea_form import IdeaForm
from ui.screens.meetings.models import (
    IdeaCriteria,
    IdeaFilterProxy,
    IdeaTableModel,
    IdeaTableView,
    fit_columns,
    meeting_label,
)
from ui.screens.meetings.moderation import ModerationBox
from ui.theme import set_role
from ui.widgets import scroll_page
from ui.widgets.forms import fit_to_choices

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class IdeasPanel(QWidget):
    """Ideas with search and filters (text, residence, theme, meeting, not yet in a project)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = IdeaTableModel(self)
        self.proxy = IdeaFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = IdeaTableView()
        self.view.setModel(self.proxy)
        self.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        fit_columns(self.view, 2, {0: 250})
        self.form = IdeaForm(ctx)
        self.count_label = set_role(QLabel(), "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self._filters())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count_label)
        splitter.addWidget(left)
        self.moderation = ModerationBox(ctx)
        self.moderation.moderated.connect(self._moderated)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.moderation)
        right_layout.addWidget(self.form, 1)
        splitter.addWidget(scroll_page(right, frame=True, horizontal=False))
        splitter.setSizes([860, 440])
        layout.addWidget(splitter, 1)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.form.delete_requested.connect(self.delete_idea)

    def _filters(self) -> QVBoxLayout:
        row = QVBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("Rechercher une idée (titre, description, lieu)…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(_("Rechercher une idée"))
        self.residence_filter = QComboBox()
        self.residence_filter.setAccessibleName(_("Filtrer par résidence"))
        self.theme_filter = QComboBox()
        self.theme_filter.setAccessibleName(_("Filtrer par thème"))
        self.meeting_filter = QComboBox()
        self.meeting_filter.setAccessibleName(_("Filtrer par réunion"))
        self.meeting_filter.setMaximumWidth(320)
        self.unassigned_check = QCheckBox(_("Pas encore dans un projet"))
        self.online_filter = QComboBox()  # online ideas: those to moderate, accepted, refused
        self.online_filter.setAccessibleName(_("Filtrer par origine et modération"))
        # two lines, so that every filter shows its whole choice ("Toutes les résidences")
        # on a 1280 px screen: the search and the check box, then the three lists
        first = QHBoxLayout()
        first.addWidget(self.search_edit, 1)
        first.addWidget(self.unassigned_check)
        row.addLayout(first)
        lists = QHBoxLayout()
        for box in (
            self.online_filter, self.residence_filter, self.theme_filter, self.meeting_filter
        ):  # fmt: skip
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            lists.addWidget(box)
        lists.addStretch(1)
        row.addLayout(lists)
        self.search_edit.textChanged.connect(self.apply_filters)
        for box in (
            self.online_filter, self.residence_filter, self.theme_filter, self.meeting_filter
        ):  # fmt: skip
            box.currentIndexChanged.connect(self.apply_filters)
        self.unassigned_check.toggled.connect(self.apply_filters)
        return row

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload ideas and the filter choices, keeping the selection and the filters."""
        services = self.ctx.services
        campaign = services.campaigns.get_campaign()
        residences = services.campaigns.list_residences()
        meetings = services.meetings.list_meetings()
        projects = {p.id: p for p in services.projects.list_projects()}
        names = {r.id: r.name for r in residences}
        self.model.residences = names
        self.model.meetings = {mt.id: mt for mt in meetings}
        self.model.projects = projects
        self._fill_filters(campaign.themes, residences, meetings, names)
        self.form.set_choices(campaign.themes, residences, meetings)
        current = self.form.idea.id if self.form.idea else None
        self._fill_online(services.ideas.pending_count(), campaign.online_ideas)
        self.model.set_rows(services.ideas.list_ideas(IdeaFilter(online="all")))
        self._select(current)
        self._update_count()

    def _fill_filters(
        self,
        themes: tuple[str, ...],
        residences: list[m.Residence],
        meetings: list[m.Meeting],
        names: dict[str, str],
    ) -> None:
        def refill(box: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
            box.blockSignals(True)
            current = box.currentData()
            box.clear()
            box.addItem(everything, "")
            for label, data in items:
                box.addItem(label, data)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)
            fit_to_choices(box)

        refill(
            self.residence_filter, _("Toutes les résidences"), [(r.name, r.id) for r in residences]
        )
        refill(self.theme_filter, _("Tous les thèmes"), [(t, t) for t in themes])
        refill(
            self.meeting_filter,
            _("Toutes les réunions"),
            [(meeting_label(mt, names), mt.id) for mt in meetings],
        )

    def _fill_online(self, pending: int, allowed: bool) -> None:
        """ "Idées retenues" (meetings and accepted online ideas), then the online ones; shown
        when the campaign takes online ideas or some are there."""
        box = self.online_filter
        box.blockSignals(True)
        current = box.currentData() or ""
        box.clear()
        box.addItem(_("Idées retenues"), "")
        box.addItem(
            _("Proposées en ligne, à modérer ({n})").format(n=pending),
            m.MODERATION_PENDING,
        )  # fmt: skip
        box.addItem(_("Toutes les idées proposées en ligne"), "online")
        box.addItem(_("Proposées en ligne, refusées"), m.MODERATION_REFUSED)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(False)
        fit_to_choices(box)
        box.setVisible(
            allowed or pending > 0 or any(i.origin == "online" for i in self.model.rows())
        )

    def show_pending(self) -> None:
        """The online ideas still to moderate (the filter's second choice)."""
        self.online_filter.setVisible(True)
        self.online_filter.setCurrentIndex(self.online_filter.findData(m.MODERATION_PENDING))

    def _moderated(self, idea_id: str) -> None:
        self.ctx.changed("ideas")
        self._select(idea_id)

    def criteria(self) -> IdeaCriteria:
        return IdeaCriteria(
            text=self.search_edit.text(),
            residence_id=self.residence_filter.currentData() or None,
            theme=self.theme_filter.currentData() or None,
            meeting_id=self.meeting_filter.currentData() or None,
            unassigned_only=self.unassigned_check.isChecked(),
            online=self.online_filter.currentData() or "",
        )

    def apply_filters(self, *_args: object) -> None:
        self.proxy.set_criteria(self.criteria())
        self._update_count()

    def visible_ideas(self) -> list[m.Idea]:
        return [
            self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole)
            for r in range(self.proxy.rowCount())
        ]

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = ngettext("{n} idée", "{n} idées", total).format(n=total)
        if shown != total:
            text = _("{shown} affichées sur {total}").format(shown=shown, total=text)
        self.count_label.setText(text)

    def _select(self, idea_id: str | None) -> None:
        found = idea_id is not None and self.view.select_row_where(lambda i: i.id == idea_id)
        if not found and not self.view.select_row_where(lambda _i: True):
            self.form.set_idea(None)
            self.moderation.set_idea(None)

    def _current_changed(self, *_args: object) -> None:
        idea = self.view.current_object()
        self.moderation.set_idea(idea)
        if self.form.idea is not None and idea is not None and idea.id == self.form.idea.id:
            return  # the same idea after a reload: keep what is being typed
        project = self.model.projects.get(idea.project_id or "") if idea else None
        self.form.set_idea(idea, project)

    def delete_idea(self, idea_id: str) -> None:
        try:
            idea = self.ctx.services.ideas.get_idea(idea_id)
            self.ctx.services.ideas.delete_idea(idea_id)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.form.set_idea(None)
        self.ctx.changed("ideas")
        self.ctx.notify(
            _("Idée « {title} » supprimée").format(title=idea.title),
            undo=lambda: self._restore(idea_id),
        )

    def _restore(self, idea_id: str) -> None:
        self.ctx.services.ideas.restore_idea(idea_id)
        self.ctx.changed("ideas")
