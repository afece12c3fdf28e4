"""Tables over lists of frozen data objects: model, accent-blind search proxy, and view.

Name by pairs: `Project` -> `ProjectTableModel(DataclassTableModel[Project])` ->
`ProjectTableView(DataTableView)`. Columns are declared as (header, getter, alignment).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

ObjectRole = Qt.ItemDataRole.UserRole  # the data object of the row
SortRole = Qt.ItemDataRole.UserRole + 1  # the raw value used to sort


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    getter: Callable[[T], Any]
    alignment: Qt.AlignmentFlag = LEFT
    sort_key: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str] | None = None


def fold(text: str) -> str:
    """Lower case without accents, so that "ecole" finds "École"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class DataclassTableModel(QAbstractTableModel, Generic[T]):
    """Read-only table of data objects; subclasses set `columns` or pass them in."""

    columns: Sequence[Column[T]] = ()

    def __init__(
        self, columns: Sequence[Column[T]] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if columns is not None:
            self.columns = list(columns)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def row_of(self, predicate: Callable[[T], bool]) -> int:
        """The row number of the first object matching `predicate`, or -1."""
        return next((i for i, obj in enumerate(self._rows) if predicate(obj)), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(self.columns[section].alignment)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        obj, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.getter(obj)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == ObjectRole:
            return obj
        if role == SortRole:
            key = column.sort_key or column.getter
            value = key(obj)
            return fold(value) if isinstance(value, str) else value
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(obj)
        return None


class SearchProxyModel(QSortFilterProxyModel):
    """Sorts on raw values and filters on every column, ignoring case and accents."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def set_search(self, text: str) -> None:
        words = fold(text).split()
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._words = words
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._words:
            return True
        model = self.sourceModel()
        cells = " ".join(
            str(model.data(model.index(source_row, c, source_parent)) or "")
            for c in range(model.columnCount())
        )
        haystack = fold(cells)
        return all(word in haystack for word in self._words)

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a, b = left.data(SortRole), right.data(SortRole)
        if a is None or b is None:
            return a is None and b is not None
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


class DataTableView(QTableView):
    """A calm, keyboard-friendly table: whole-row selection, tall rows, sortable headers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 18)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def stretch_column(self, column: int) -> None:
        """Give `column` the spare width; the other columns fit their contents."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        for i in range(header.count()):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if i == column
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(i, mode)

    def current_object(self) -> Any:
        """The data object of the current row (through the proxy), or None."""
        index = self.currentIndex()
        return index.data(ObjectRole) if index.isValid() else None

    def select_row_where(self, predicate: Callable[[Any], bool]) -> bool:
        """Select the first row whose object matches; True when found."""
        model = self.model()
        if model is None:
            return False
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if predicate(index.data(ObjectRole)):
                self.setCurrentIndex(index)
                self.selectRow(row)
                return True
        return False
