"""The commission GRID: projects as rows, criteria as columns, then decision, validated cost,
public reason and the row's state. Keyboard-driven: arrows move; 1/2/3 (or a letter of the
translated label, see `commission_keys`) set a verdict, or the decision in the decision column;
Entrée records the row's review."""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain import models as m
from app.domain.money import amount_text, parse_euros
from app.errors import UserError
from app.i18n import _
from app.services.commission import GridRow, ReviewInput
from ui.screens.commission.keys import decision_keys, verdict_keys
from ui.theme import TONE_ICONS, tone_colors
from ui.widgets.table_model import Index

log = logging.getLogger(__name__)

VERDICT_TONES = {m.Verdict.MET: "success", m.Verdict.NOT_MET: "danger", m.Verdict.UNSURE: "warning"}
DECISION_TONES = {
    m.Decision.ADMISSIBLE: "success",
    m.Decision.INADMISSIBLE: "danger",
    m.Decision.REWORK: "warning",
}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def header_lines(label: str) -> str:
    """A criterion's label on up to three short lines, so that its column stays narrow."""
    return "\n".join(textwrap.wrap(label, 15, break_long_words=False))


def verdict_text(verdict: m.Verdict | None) -> str:
    if verdict is None:
        return "·"
    return f"{TONE_ICONS[VERDICT_TONES[verdict]]} {_(m.VERDICT_LABELS[verdict])}"


def decision_text(decision: m.Decision | None) -> str:
    if decision is None:
        return _("— choisir")
    return f"{TONE_ICONS[DECISION_TONES[decision]]} {_(m.DECISION_LABELS[decision])}"


def money_text(cents: int | None) -> str:
    return "" if cents is None else amount_text(cents)


@dataclass
class RowDraft:
    """What the commission typed on one row, recorded or not yet."""

    verdicts: dict[str, m.Verdict] = field(default_factory=dict)
    decision: m.Decision | None = None
    reason: str = ""
    cost: str = ""
    error: str = ""
    dirty: bool = False

    @classmethod
    def from_row(cls, row: GridRow) -> RowDraft:
        review = row.review
        if review is None:
            return cls(cost=money_text(row.project.cost_cents))
        cost = review.validated_cost_cents
        return cls(
            verdicts={v.criterion_id: v.verdict for v in review.verdicts},
            decision=review.decision,
            reason=review.public_reason,
            cost=money_text(cost if cost is not None else row.project.cost_cents),
        )


class CommissionGridModel(QAbstractTableModel):
    """Rows are `GridRow`s; each carries a `RowDraft` of what is being decided."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[GridRow] = []
        self.drafts: list[RowDraft] = []
        self.criteria: list[m.Criterion] = []

    # --- shape ----------------------------------------------------------------------------------

    @property
    def decision_column(self) -> int:
        return 1 + len(self.criteria)

    @property
    def cost_column(self) -> int:
        return self.decision_column + 1

    @property
    def reason_column(self) -> int:
        return self.decision_column + 2

    @property
    def state_column(self) -> int:
        return self.decision_column + 3

    def is_criterion(self, column: int) -> bool:
        return 1 <= column <= len(self.criteria)

    def set_grid(self, rows: list[GridRow], criteria: list[m.Criterion]) -> None:
        """Load the grid; rows being edited keep their unrecorded changes."""
        kept = {
            r.project.id: d
            for r, d in zip(self.rows, self.drafts, strict=True)
            if d.dirty or d.error
        }
        self.beginResetModel()
        self.rows, self.criteria = list(rows), list(criteria)
        self.drafts = [kept.get(r.project.id) or RowDraft.from_row(r) for r in rows]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.criteria) + 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if self.is_criterion(section):
                return header_lines(self.criteria[section - 1].label)
            fixed = [_("Projet"), _("Décision"), _("Coût validé"), _("Motif public"), _("État")]
            return fixed[0] if section == 0 else fixed[section - len(self.criteria)]
        if role == Qt.ItemDataRole.ToolTipRole and self.is_criterion(section):
            criterion = self.criteria[section - 1]
            return f"{criterion.label}\n{criterion.description}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.cost_column, self.reason_column):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # --- content --------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        draft = self.drafts[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, draft, column, role == Qt.ItemDataRole.EditRole)
        tone = self._tone(draft, column)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole) and tone:
            fg, bg = tone_colors(tone)
            return QColor(fg if role == Qt.ItemDataRole.ForegroundRole else bg)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, draft, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.cost_column:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: GridRow, draft: RowDraft, column: int, editing: bool) -> str:
        if column == 0:
            return _("n° {n} {title} — {residence}").format(
                residence=row.residence_name, n=row.project.number, title=row.project.title
            )
        if self.is_criterion(column):
            return verdict_text(draft.verdicts.get(self.criteria[column - 1].id))
        if column == self.decision_column:
            return decision_text(draft.decision)
        if column == self.cost_column:
            return draft.cost if editing or not draft.cost else f"{draft.cost}\u00a0€"
        if column == self.reason_column:
            return draft.reason
        return self._state(row, draft)

    def _state(self, row: GridRow, draft: RowDraft) -> str:
        if draft.error:
            return f"{TONE_ICONS['danger']} {draft.error}"
        if draft.dirty:
            return _("● À enregistrer (Entrée)")
        if row.review is not None:
            return f"{TONE_ICONS['success']} " + _("Enregistré")
        return _("○ À examiner")

    def _tone(self, draft: RowDraft, column: int) -> str | None:
        if self.is_criterion(column):
            verdict = draft.verdicts.get(self.criteria[column - 1].id)
            return VERDICT_TONES[verdict] if verdict else None
        if column == self.decision_column and draft.decision:
            return DECISION_TONES[draft.decision]
        if column == self.state_column:
            return "danger" if draft.error else ("warning" if draft.dirty else None)
        return None

    def _tooltip(self, row: GridRow, draft: RowDraft, column: int) -> str | None:
        if column == 0:
            return f"{row.residence_name}\n{row.project.title}\n{row.project.short_description}"
        if column == self.state_column and draft.error:
            return draft.error
        if column == self.reason_column:
            return draft.reason or _(
                "Motif lu par les habitants (obligatoire si le projet n'est pas recevable)"
            )
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        draft = self.drafts[index.row()]
        if index.column() == self.cost_column:
            draft.cost = str(value).strip()
        elif index.column() == self.reason_column:
            draft.reason = str(value)
        else:
            return False
        self._touched(index.row())
        return True

    # --- edits from keys ------------------------------------------------------------------------

    def set_verdict(self, row: int, column: int, verdict: m.Verdict | None) -> None:
        criterion_id = self.criteria[column - 1].id
        if verdict is None:
            self.drafts[row].verdicts.pop(criterion_id, None)
        else:
            self.drafts[row].verdicts[criterion_id] = verdict
        self._touched(row)

    def set_decision(self, row: int, decision: m.Decision) -> None:
        self.drafts[row].decision = decision
        self._touched(row)

    def _touched(self, row: int) -> None:
        self.drafts[row].dirty = True
        self.drafts[row].error = ""
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.state_column))

    def review_input(self, row: int) -> ReviewInput:
        """The row as the service's input; a missing decision or a bad cost is a UserError."""
        draft, project = self.drafts[row], self.rows[row].project
        if draft.decision is None:
            raise UserError(
                _("Choisissez la décision (1, 2 ou 3 dans la colonne Décision)."), field="decision"
            )
        cost = parse_euros(draft.cost, field="validated_cost_cents") if draft.cost else None
        verdicts = tuple(
            m.CriterionVerdict(c.id, draft.verdicts[c.id])
            for c in self.criteria
            if c.id in draft.verdicts
        )
        return ReviewInput(project.id, draft.decision, verdicts, draft.reason, cost)

    def set_error(self, row: int, message: str) -> None:
        self.drafts[row].error = message
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.state_column))

    def row_of_project(self, project_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.project.id == project_id), -1)


class CommissionGridView(QTableView):
    """The grid's keyboard: verdict and decision keys, Entrée to record the row."""

    record_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setAccessibleName(_("Grille de la commission"))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 20)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.frozen = self._frozen_column()

    # --- the project's name stays in view (the Qt "frozen column" pattern) ---------------------

    def _frozen_column(self) -> QTableView:
        """A second view over the same model showing only the project column, laid over the
        grid's first column: scrolling to Décision, Motif and État keeps the name in view."""
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        frozen = QTableView(self)
        frozen.setObjectName("commission-frozen-column")
        frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frozen.verticalHeader().setVisible(False)
        frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        frozen.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollMode(self.verticalScrollMode())
        frozen.setWordWrap(False)
        frozen.setStyleSheet("QTableView { border: none; border-right: 2px solid #C5CCD6; }")
        self.viewport().stackUnder(frozen)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.verticalHeader().sectionResized.connect(self._row_resized)
        frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(frozen.verticalScrollBar().setValue)
        frozen.clicked.connect(self._frozen_clicked)
        return frozen

    def setModel(self, model: Any) -> None:  # noqa: N802 - Qt API
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        for signal in (model.modelReset, model.layoutChanged, model.columnsInserted):
            signal.connect(self._refreeze)
        self._refreeze()

    def _refreeze(self, *_args: object) -> None:
        model = self.model()
        if model is None:
            return
        for column in range(model.columnCount()):
            self.frozen.setColumnHidden(column, column != 0)
        self.frozen.verticalHeader().setDefaultSectionSize(
            self.verticalHeader().defaultSectionSize()
        )
        self.frozen.setColumnWidth(0, self.columnWidth(0))
        self._place_frozen()
        self.frozen.show()

    def _section_resized(self, index: int, _old: int, size: int) -> None:
        if index == 0:
            self.frozen.setColumnWidth(0, size)
            self._place_frozen()

    def _row_resized(self, index: int, _old: int, size: int) -> None:
        self.frozen.setRowHeight(index, size)

    def _place_frozen(self) -> None:
        self.frozen.setGeometry(
            self.verticalHeader().width() + self.frameWidth(),
            self.frameWidth(),
            self.columnWidth(0),
            self.viewport().height() + self.horizontalHeader().height(),
        )

    def _frozen_clicked(self, index: QModelIndex) -> None:
        self.setCurrentIndex(self.model().index(index.row(), 1))
        self.setFocus()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._place_frozen()

    def scrollTo(
        self, index: QModelIndex, hint: Any = QAbstractItemView.ScrollHint.EnsureVisible
    ) -> None:  # noqa: N802
        """Never leave the current cell hidden under the frozen column."""
        if index.column() > 0:
            super().scrollTo(index, hint)
            left = self.visualRect(index).left()
            if left < self.columnWidth(0):
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() - (self.columnWidth(0) - left))
        else:
            super().scrollTo(index, hint)

    def grid(self) -> CommissionGridModel:
        return self.model()  # type: ignore[return-value]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        index, model = self.currentIndex(), self.grid()
        key = Qt.Key(event.key())
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if index.isValid() and plain and self.state() != QAbstractItemView.State.EditingState:
            verdicts, decisions = verdict_keys(), decision_keys()  # letters follow the language
            code = int(event.key())
            if model.is_criterion(index.column()) and (
                code in verdicts or key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            ):
                model.set_verdict(index.row(), index.column(), verdicts.get(code))
                self.setCurrentIndex(model.index(index.row(), index.column() + 1))
                return
            if index.column() == model.decision_column and code in decisions:
                model.set_decision(index.row(), decisions[code])
                return
            if key in ENTER_KEYS:
                self.record_requested.emit(index.row())
                return
        super().keyPressEvent(event)
