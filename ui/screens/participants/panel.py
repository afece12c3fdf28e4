"""The "Participants" tab of "Réunions & idées": people who agreed to be named, and their rights.

A searchable list on the left, the selected person's form on the right (saved as you type). The
rights of the person are two buttons of the form: "Exporter ses données…" (right of access: the
service's JSON, written to a file) and "Effacer ses données…" (right to erasure, irreversible,
confirmed by typing the name). Most people at a meeting are only counted, never named: the empty
state says so.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.errors import UserError
from app.i18n import _, ngettext
from ui.cli.participants import export_file_name, write_export
from ui.screens.meetings.models import fit_columns
from ui.screens.participants.erase import EraseParticipantDialog
from ui.screens.participants.form import ParticipantForm
from ui.screens.participants.models import ParticipantTableModel, ParticipantTableView
from ui.theme import set_role
from ui.widgets import EmptyState, SearchProxyModel, scroll_page

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

EMPTY_TEXT = (
    "On n'enregistre une personne que si elle est d'accord ; sinon, comptez-la dans la "
    "participation de la réunion."
)


class ParticipantsPanel(QWidget):
    """List with search, the form beside it, export and erasure on request."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.erase_dialog: EraseParticipantDialog | None = None
        self.model = ParticipantTableModel(self)
        self.proxy = SearchProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = ParticipantTableView()
        self.view.setModel(self.proxy)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fit_columns(self.view, 0)
        self.form = ParticipantForm(ctx)
        self.form.created.connect(self._created)
        self.form.export_requested.connect(self.ask_export)
        self.form.erase_requested.connect(self.ask_erase)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(self._top_row())
        self.stack = QStackedWidget()
        self.stack.addWidget(self._master_detail())
        self.empty = EmptyState(
            _("Aucune personne enregistrée"),
            _(EMPTY_TEXT),
            _("Ajouter une personne d'accord"),
            self.new_person,
        )
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

    def _top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            _("Rechercher une personne (nom, résidence, logement)…")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(_("Rechercher une personne"))
        self.search_edit.textChanged.connect(self._search)
        self.new_button = QPushButton(_("Ajouter une personne"))
        self.new_button.clicked.connect(self.new_person)
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.new_button)
        return row

    def _master_detail(self) -> QSplitter:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.view, 1)
        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        self.count_label.setWordWrap(True)
        left_layout.addWidget(self.count_label)
        scroll = scroll_page(self.form, frame=True, horizontal=False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([640, 420])
        return splitter

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the people, keeping the selection and what is being typed."""
        services = self.ctx.services
        residences = services.campaigns.list_residences()
        self.model.residences = {r.id: r.name for r in residences}
        self.form.set_residences(residences)
        people = services.participants.list_participants()
        self.model.set_rows(people)
        editing_new = self.form.creating
        self.stack.setCurrentIndex(0 if people or editing_new else 1)
        if not editing_new:
            current = self.form.person.id if self.form.person else None
            self._select(current)
        self._update_count()

    def people(self) -> list[m.Participant]:
        return self.model.rows()

    def visible_people(self) -> list[m.Participant]:
        rows = range(self.proxy.rowCount())
        return [self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def _select(self, person_id: str | None) -> None:
        found = person_id is not None and self.view.select_row_where(lambda p: p.id == person_id)
        if not found and not self.view.select_row_where(lambda _p: True):
            self.form.set_person(None)

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = ngettext("{n} personne nommée", "{n} personnes nommées", total).format(n=total)
        if shown != total:
            text = ngettext(
                "{shown} affichée sur {total}", "{shown} affichées sur {total}", shown
            ).format(shown=shown, total=text)
        self.count_label.setText(
            _("{count} · les autres sont comptées dans les réunions").format(count=text)
        )

    def _current_changed(self, *_args: object) -> None:
        person = self.view.current_object()
        shown = self.form.person
        if shown is not None and person is not None and person.id == shown.id:
            return  # the same person after a reload: keep what is being typed
        if person is None and self.form.creating:
            return
        self.form.set_person(person)

    # --- actions --------------------------------------------------------------------------------

    def new_person(self) -> None:
        """An empty form on the right; the person is recorded once her accord and name are in."""
        self.view.clearSelection()
        self.stack.setCurrentIndex(0)
        self.form.start_new()

    def _created(self, person_id: str) -> None:
        self.search_edit.clear()
        self.refresh()
        self.view.select_row_where(lambda p: p.id == person_id)

    def ask_export(self, person_id: str) -> None:
        person = self._person(person_id)
        if person is None:
            return
        folder = Path(self.ctx.settings.last_folder or str(Path.home()))
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Exporter les données de la personne"),
            str(folder / export_file_name(person.name)),
            _("Fichiers JSON (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.ctx.settings.last_folder = str(Path(path).parent)
            self.export_to(person_id, Path(path))

    def export_to(self, person_id: str, path: Path) -> Path | None:
        """Write everything held about the person to `path` (JSON, UTF-8)."""
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        try:
            write_export(self.ctx.services.participants.export_participant(person_id), path)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return None
        self.ctx.notify(_("Données exportées : {path}").format(path=path))
        return path

    def ask_erase(self, person_id: str) -> EraseParticipantDialog | None:
        """Open the typed-confirmation dialog (non-blocking; returned for tests)."""
        person = self._person(person_id)
        if person is None:
            return None
        self.erase_dialog = EraseParticipantDialog(person, self)
        self.erase_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.erase_dialog.setProperty("person_id", person_id)
        self.erase_dialog.accepted.connect(self._erase_confirmed)
        self.erase_dialog.finished.connect(self._erase_dialog_closed)
        self.erase_dialog.open()
        return self.erase_dialog

    def _erase_confirmed(self) -> None:
        if self.erase_dialog is not None:
            self.erase(str(self.erase_dialog.property("person_id")))

    def _erase_dialog_closed(self, *_args: object) -> None:
        self.erase_dialog = None

    def erase(self, person_id: str) -> bool:
        """Erase for good (the dialog has been confirmed); the list and every view reload."""
        try:
            purged = self.ctx.services.participants.erase_participant(person_id)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return False
        with self.form.saver.loading():  # an edit of the erased person must not be saved
            self.form.set_person(None)
        self.ctx.changed("participants")
        self.ctx.changed("ideas")
        if purged:
            self.ctx.notify(_("Données de la personne effacées."))
        else:
            self.ctx.notify(
                _(
                    "Données de la personne effacées. La base était occupée par une autre "
                    "opération : le nettoyage complet du fichier se fera à la fermeture."
                )
            )
        return True

    def _person(self, person_id: str) -> m.Participant | None:
        return next((p for p in self.model.rows() if p.id == person_id), None)
