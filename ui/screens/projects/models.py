"""Table models of the Projets screen: projects (with their status in colour + icon + word),
the ideas linked to a project, and the checkable list of ideas waiting to be grouped."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from app.domain import models as m
from app.domain.money import format_euros
from app.i18n import _
from ui.theme import TONE_ICONS, tone_colors
from ui.widgets import (
    CENTER,
    RIGHT,
    Column,
    DataclassTableModel,
    DataTableView,
    ObjectRole,
    SearchProxyModel,
)
from ui.widgets.table_model import Index

STATUS_TONES: dict[m.ProjectStatus, str] = {
    m.ProjectStatus.DRAFT: "neutral",
    m.ProjectStatus.SUBMITTED: "info",
    m.ProjectStatus.ADMISSIBLE: "success",
    m.ProjectStatus.INADMISSIBLE: "danger",
    m.ProjectStatus.REWORK: "warning",
}


def status_text(status: m.ProjectStatus) -> str:
    """ "✔ Recevable": the icon and the word, so that colour is never the only signal."""
    return f"{TONE_ICONS[STATUS_TONES[status]]} {_(m.PROJECT_STATUS_LABELS[status])}"


def cost_text(cents: int | None) -> str:
    return format_euros(cents) if cents is not None else "—"


class ProjectTableModel(DataclassTableModel[m.Project]):
    """Projects: number, title, residence, cost, status, number of ideas."""

    STATUS_COLUMN = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        self.residences: dict[str, str] = {}
        super().__init__(
            [
                Column(_("N°"), lambda p: p.number, RIGHT),
                Column(_("Projet"), lambda p: p.title, tooltip=lambda p: p.short_description),
                Column(_("Résidence"), lambda p: self.residences.get(p.residence_id, "")),
                Column(
                    _("Coût"),
                    lambda p: cost_text(p.cost_cents),
                    RIGHT,
                    sort_key=lambda p: p.cost_cents or 0,
                ),
                Column(
                    _("Statut"), lambda p: status_text(p.status), sort_key=lambda p: p.status.value
                ),
                Column(_("Idées"), lambda p: len(p.idea_ids), CENTER),
            ],
            parent,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            index.isValid()
            and index.column() == self.STATUS_COLUMN
            and role
            in (
                Qt.ItemDataRole.ForegroundRole,
                Qt.ItemDataRole.BackgroundRole,
            )
        ):
            fg, bg = tone_colors(STATUS_TONES[self.row_at(index.row()).status])
            return QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg)
        return super().data(index, role)


class ProjectFilterProxy(SearchProxyModel):
    """Search words plus a residence and a status filter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.residence_id: str | None = None
        self.status: m.ProjectStatus | None = None

    def set_filters(self, residence_id: str | None, status: m.ProjectStatus | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self.residence_id, self.status = residence_id, status
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.residence_id, self.status = residence_id, status
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        project = self.sourceModel().index(source_row, 0, source_parent).data(ObjectRole)
        if project is None:
            return False
        if self.residence_id and project.residence_id != self.residence_id:
            return False
        if self.status and project.status is not self.status:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class ProjectTableView(DataTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Liste des projets"))


class LinkedIdeaTableModel(DataclassTableModel[m.Idea]):
    """The ideas a project was built from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(_("Idée d'origine"), lambda i: i.title, tooltip=lambda i: i.description),
                Column(_("Coût estimé"), lambda i: cost_text(i.estimated_cost_cents), RIGHT),
            ],
            parent,
        )


class PickableIdeaTableModel(DataclassTableModel[m.Idea]):
    """Ideas not yet in a project, each with a check box (Espace toggles the current one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(_("Idée"), lambda i: i.title, tooltip=lambda i: i.description),
                Column(_("Thème"), lambda i: i.theme),
                Column(_("Coût estimé"), lambda i: cost_text(i.estimated_cost_cents), RIGHT),
            ],
            parent,
        )
        self.checked: set[str] = set()

    def set_rows(self, rows: list[m.Idea]) -> None:  # type: ignore[override]
        self.checked &= {i.id for i in rows}
        super().set_rows(rows)

    def checked_ids(self) -> list[str]:
        """Checked ideas in list order (the first one names the new project)."""
        return [i.id for i in self.rows() if i.id in self.checked]

    def set_checked(self, idea_id: str, checked: bool) -> None:
        row = self.row_of(lambda i: i.id == idea_id)
        if row >= 0:
            self.setData(
                self.index(row, 0),
                Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked,
                Qt.ItemDataRole.CheckStateRole,
            )

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0 and index.isValid():
            checked = self.row_at(index.row()).id in self.checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        idea_id = self.row_at(index.row()).id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(idea_id)
        else:
            self.checked.discard(idea_id)
        self.dataChanged.emit(index, index, [role])
        return True
