"""Residences, master and detail side by side: a searchable list, the selected one's form.

Saved as you type; a new residence is typed into an empty form and added with one button (or
Enter). Deleting shows "Résidence supprimée — Annuler" instead of asking first.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.domain.money import format_euros
from app.errors import UserError
from app.i18n import _, ngettext
from ui.context import AppContext
from ui.theme import set_role
from ui.widgets import (
    RIGHT,
    AutoSaver,
    Column,
    DataclassTableModel,
    DataTableView,
    EmptyState,
    Form,
    SavedHint,
    SearchProxyModel,
    int_edit,
    line_edit,
    money_edit,
    primary_button,
    read_money,
)
from ui.widgets.forms import FormRow


class ResidenceTableModel(DataclassTableModel[m.Residence]):
    columns = (
        Column(_("Résidence"), lambda r: r.name),
        Column(_("Logements"), lambda r: r.dwellings, RIGHT),
        Column(
            _("Budget"),
            lambda r: format_euros(r.budget_cents),
            RIGHT,
            sort_key=lambda r: r.budget_cents,
        ),
    )


class ResidenceTableView(DataTableView):
    pass


class ResidencesPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: m.Residence | None = None
        self.model = ResidenceTableModel()
        self.proxy = SearchProxyModel(self)
        self.proxy.setSourceModel(self.model)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 8, 0, 0)
        row.setSpacing(24)
        row.addLayout(self._build_master(), 5)
        row.addWidget(self._build_detail(), 4)

    # --- building ----------------------------------------------------------------------------

    def _build_master(self) -> QVBoxLayout:
        layout = QVBoxLayout()
        self.search = line_edit(placeholder=_("Rechercher une résidence…"))
        self.search.setAccessibleName(_("Rechercher une résidence"))
        self.search.textChanged.connect(self.proxy.set_search)
        self.table = ResidenceTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(_("Liste des résidences"))
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.stretch_column(0)
        self.total = set_role(QLabel(), "muted")
        self.add_button = primary_button(_("Ajouter une résidence"), self.start_new)
        self.empty = EmptyState(
            _("Aucune résidence pour l'instant"),
            _(
                "Chaque résidence a son enveloppe budgétaire et ses propres projets. Ajoutez la première."
            ),
            _("Ajouter une résidence"),
            self.start_new,
        )
        self.master = QStackedWidget()
        self.master.addWidget(self.table)
        self.master.addWidget(self.empty)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        layout.addWidget(self.master, 1)
        layout.addWidget(self.total)
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
        self.name = line_edit(placeholder=_("Les Tilleuls"))
        self.address = line_edit(placeholder=_("12 rue des Lilas, 69000 Lyon"))
        self.dwellings = int_edit(0, 100_000)
        self.budget = money_edit(placeholder="25 000")
        self.form.add_row("name", _("Nom"), self.name)
        self.form.add_row("address", _("Adresse"), self.address)
        self.form.add_row("dwellings", _("Nombre de logements"), self.dwellings)
        self.form.add_row("budget_cents", _("Enveloppe budgétaire (€)"), self.budget,
                          hint=_("Le total que les projets votés pourront coûter."))  # fmt: skip
        layout.addWidget(self.form)
        self.saver = AutoSaver(self.save, self.form, self.hint, parent=self)
        for edit in (self.name, self.address, self.budget):
            edit.textEdited.connect(self._touched)
            edit.returnPressed.connect(self.commit)
        self.dwellings.valueChanged.connect(self._touched)
        self.create_button = primary_button(_("Enregistrer la résidence"), self.create)
        self.delete_button = QPushButton(_("Supprimer la résidence"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete)
        self.action_error = FormRow("", QWidget())
        self.action_error.label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.action_error)
        layout.addStretch(1)
        return box

    # --- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        residences = self.ctx.services.campaigns.list_residences()
        keep = self.current.id if self.current else None
        self.model.set_rows(residences)
        self.master.setCurrentWidget(self.table if residences else self.empty)
        total = sum(r.budget_cents for r in residences)
        self.total.setText(
            ngettext("{n} résidence · total des enveloppes : {total}",
                     "{n} résidences · total des enveloppes : {total}", len(residences),
                     ).format(n=len(residences), total=format_euros(total))
        )  # fmt: skip
        if keep and self.table.select_row_where(lambda r: r.id == keep):
            return
        if residences:
            self.table.selectRow(0)
        else:
            self.show_residence(None)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.saver.flush()
        rows = selected.indexes()
        residence = rows[0].data(Qt.ItemDataRole.UserRole) if rows else None
        if residence is not None:
            self.show_residence(residence)

    def show_residence(self, residence: m.Residence | None) -> None:
        editing = self.form.isAncestorOf(QApplication.focusWidget())
        same = (
            residence is not None and self.current is not None and residence.id == self.current.id
        )
        self.current = residence
        if same and editing:
            return  # never overwrite what the person is typing
        self.action_error.set_error(None)
        with self.saver.loading():
            self.saver.discard()
            self.name.setText(residence.name if residence else "")
            self.address.setText(residence.address if residence else "")
            self.dwellings.setValue(residence.dwellings if residence else 0)
            self.budget.setText(
                format_euros(residence.budget_cents).replace("\u00a0€", "") if residence else ""
            )
        self.detail_title.setText(residence.name if residence else _("Nouvelle résidence"))
        self.create_button.setVisible(residence is None)
        self.delete_button.setVisible(residence is not None)

    def start_new(self) -> None:
        self.saver.flush()
        self.table.clearSelection()
        self.show_residence(None)
        self.name.setFocus()

    def _values(self) -> dict[str, object]:
        return {
            "name": self.name.text(),
            "address": self.address.text(),
            "dwellings": self.dwellings.value(),
            "budget_cents": read_money(self.budget, "budget_cents", optional=True) or 0,
        }

    def _touched(self, *_args: object) -> None:
        if self.current is not None:
            self.saver.touch()

    def commit(self) -> None:
        """Enter in a field: add the new residence, or save the current one now."""
        if self.current is None:
            self.create()
        else:
            self.saver.flush()

    def save(self) -> None:
        if self.current is None:
            return
        self.current = self.ctx.services.campaigns.update_residence(
            self.current.id, **self._values()
        )  # type: ignore[arg-type]
        self.detail_title.setText(self.current.name)
        self.ctx.changed("residences")

    def create(self) -> None:
        self.form.clear_errors()
        try:
            created = self.ctx.services.campaigns.add_residence(**self._values())  # type: ignore[arg-type]
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.action_error.set_error(exc.message)
            return
        self.current = created
        self.ctx.notify(_("Résidence « {name} » ajoutée.").format(name=created.name))
        self.ctx.changed("residences")

    def delete(self) -> None:
        residence = self.current
        if residence is None:
            return
        try:
            self.ctx.services.campaigns.delete_residence(residence.id)
        except UserError as exc:
            self.action_error.set_error(exc.message)
            return
        self.saver.discard()
        self.current = None
        self.deleted_id = residence.id
        self.ctx.notify(
            _("Résidence « {name} » supprimée.").format(name=residence.name), undo=self.undo_delete
        )
        self.ctx.changed("residences")

    def undo_delete(self) -> None:
        restored = self.ctx.services.campaigns.restore_residence(self.deleted_id)
        self.current = restored
        self.ctx.notify(_("Résidence « {name} » rétablie.").format(name=restored.name))
        self.ctx.changed("residences")
