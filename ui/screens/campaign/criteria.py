"""Admissibility criteria: the list the commission checks each project against, editable."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain import models as m
from app.errors import UserError
from app.i18n import _
from ui.context import AppContext
from ui.theme import set_role
from ui.widgets import (
    CENTER,
    AutoSaver,
    Column,
    DataclassTableModel,
    DataTableView,
    Form,
    SavedHint,
    line_edit,
    primary_button,
    text_edit,
)


class CriterionTableModel(DataclassTableModel[m.Criterion]):
    columns = (
        Column(_("N°"), lambda c: c.position + 1, CENTER),
        Column(_("Critère"), lambda c: c.label),
        Column(_("Ce que la commission vérifie"), lambda c: c.description),
    )


class CriterionTableView(DataTableView):
    pass


class CriteriaPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: m.Criterion | None = None
        self.removed: m.Criterion | None = None
        self.model = CriterionTableModel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 8, 0, 0)
        row.setSpacing(24)
        row.addLayout(self._build_master(), 5)
        row.addWidget(self._build_detail(), 4)

    def _build_master(self) -> QVBoxLayout:
        layout = QVBoxLayout()
        intro = set_role(
            QLabel(
                _(
                    "La commission d'examen vérifie chaque projet selon ces critères, dans cet ordre."
                )
            ),
            "muted",
        )
        intro.setWordWrap(True)
        self.table = CriterionTableView()
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Critères de recevabilité"))
        self.table.setWordWrap(True)
        self.table.stretch_column(2)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(primary_button(_("Ajouter un critère"), self.start_new))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        return layout

    def _build_detail(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.detail_title = set_role(QLabel(), "section")
        self.hint = SavedHint()
        head.addWidget(self.detail_title, 1)
        head.addWidget(self.hint)
        layout.addLayout(head)
        self.form = Form()
        self.label = line_edit(placeholder=_("Intérêt collectif"))
        self.description = text_edit(min_lines=4)
        self.form.add_row("label", _("Intitulé"), self.label)
        self.form.add_row("description", _("Ce que la commission vérifie"), self.description)
        layout.addWidget(self.form)
        self.saver = AutoSaver(self.save, self.form, self.hint, parent=self)
        self.label.textEdited.connect(self._touched)
        self.label.returnPressed.connect(self.commit)
        self.description.textChanged.connect(self._touched)
        self.create_button = primary_button(_("Enregistrer le critère"), self.create)
        self.remove_button = QPushButton(_("Retirer ce critère"))
        self.remove_button.setProperty("danger", True)
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return box

    def reload(self) -> None:
        criteria = self.ctx.services.campaigns.list_criteria()
        keep = self.current.id if self.current else None
        self.model.set_rows(criteria)
        self.table.resizeRowsToContents()
        if keep and self.table.select_row_where(lambda c: c.id == keep):
            return
        if criteria:
            self.table.selectRow(0)
        else:
            self.show_criterion(None)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.saver.flush()
        rows = selected.indexes()
        if rows:
            self.show_criterion(rows[0].data(Qt.ItemDataRole.UserRole))

    def show_criterion(self, criterion: m.Criterion | None) -> None:
        editing = self.form.isAncestorOf(QApplication.focusWidget())
        same = (
            criterion is not None and self.current is not None and criterion.id == self.current.id
        )
        self.current = criterion
        if same and editing:
            return
        with self.saver.loading():
            self.saver.discard()
            self.label.setText(criterion.label if criterion else "")
            self.description.setPlainText(criterion.description if criterion else "")
        self.detail_title.setText(criterion.label if criterion else _("Nouveau critère"))
        self.create_button.setVisible(criterion is None)
        self.remove_button.setVisible(criterion is not None)

    def start_new(self) -> None:
        self.saver.flush()
        self.table.clearSelection()
        self.show_criterion(None)
        self.label.setFocus()

    def _touched(self, *_args: object) -> None:
        if self.current is not None:
            self.saver.touch()

    def commit(self) -> None:
        if self.current is None:
            self.create()
        else:
            self.saver.flush()

    def save(self) -> None:
        if self.current is None:
            return
        self.current = self.ctx.services.campaigns.update_criterion(
            self.current.id, self.label.text(), self.description.toPlainText()
        )
        self.detail_title.setText(self.current.label)
        self.ctx.changed("criteria")

    def create(self) -> None:
        self.form.clear_errors()
        try:
            self.current = self.ctx.services.campaigns.add_criterion(
                self.label.text(), self.description.toPlainText()
            )
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.ctx.show_error(exc, self)
            return
        self.ctx.notify(_("Critère « {label} » ajouté.").format(label=self.current.label))
        self.ctx.changed("criteria")

    def remove(self) -> None:
        criterion = self.current
        if criterion is None:
            return
        self.ctx.services.campaigns.remove_criterion(criterion.id)
        self.saver.discard()
        self.current, self.removed = None, criterion
        self.ctx.notify(
            _("Critère « {label} » retiré.").format(label=criterion.label), undo=self.undo_remove
        )
        self.ctx.changed("criteria")

    def undo_remove(self) -> None:
        """Put the criterion back (at the end of the list: the service has no restore yet)."""
        if self.removed is None:
            return
        self.current = self.ctx.services.campaigns.add_criterion(
            self.removed.label, self.removed.description
        )
        self.removed = None
        self.ctx.notify(_("Critère « {label} » rétabli.").format(label=self.current.label))
        self.ctx.changed("criteria")
