"""Commission: the session (date, members present, place) and the GRID where each project is
examined against the criteria, decided and recorded with Entrée; the minutes exported as a PDF."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QHeaderView, QLabel, QPushButton, QStackedWidget, QWidget

from app.domain import models as m
from app.errors import UserError
from app.i18n import _, ngettext
from ui.screens.commission.grid import CommissionGridModel, CommissionGridView
from ui.screens.commission.keys import keys_help
from ui.screens.commission.session import SessionPanel
from ui.theme import TONE_ICONS, set_role
from ui.widgets import EmptyState, Screen, ScreenshotVariant, primary_button

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class CommissionScreen(Screen):
    title = _("Commission")
    kinds = ("commission", "projects", "criteria", "residences", "campaign")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout, self.header = self.standard_layout(
            _("Commission d'examen"),
            _(
                "Chaque projet est examiné selon les critères publiés, puis déclaré recevable ou non, avec un motif public."
            ),
        )
        self.export_button = self.header.add_action(
            QPushButton(_("Exporter le compte rendu (PDF)"))
        )
        self.record_button = self.header.add_action(
            primary_button(_("Enregistrer la décision (Entrée)"))
        )
        self.export_button.clicked.connect(self.ask_export)
        self.record_button.clicked.connect(self.record_current)
        self.session_panel = SessionPanel(ctx)
        self.session_panel.session_changed.connect(self._session_changed)
        layout.addWidget(self.session_panel)
        self.model = CommissionGridModel(self)
        self.view = CommissionGridView()
        self.view.setModel(self.model)
        self.view.record_requested.connect(self.record_row)
        self.empty = EmptyState(
            _("Aucun projet à examiner"),
            _(
                "Les projets apparaissent ici dès qu'ils sont « À examiner ». Préparez-les dans l'écran Projets."
            ),
            _("Aller aux projets"),
            lambda: ctx.navigate("projects"),
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.message = set_role(QLabel(), "error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.keys_help = set_role(QLabel(keys_help()), "muted")
        self.keys_help.setWordWrap(True)
        layout.addWidget(self.keys_help)
        self.view.selectionModel().currentChanged.connect(self._show_row_error)

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        services = self.ctx.services
        if not services.campaigns.has_campaign():
            self.stack.setCurrentWidget(self.empty)
            return
        self.session_panel.load()
        current = self.view.currentIndex()
        self.model.set_grid(services.commission.grid(), services.campaigns.list_criteria())
        self.stack.setCurrentWidget(self.view if self.model.rows else self.empty)
        self._fit_columns()
        if current.isValid() and current.row() < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        elif self.model.rows:
            self.view.setCurrentIndex(self.model.index(0, 1))
        self._update_actions()

    def _fit_columns(self) -> None:
        """Criteria, decision and cost as wide as their (wrapped) header or content."""
        header, model = self.view.horizontalHeader(), self.model
        fit = QHeaderView.ResizeMode.ResizeToContents
        for column in range(model.columnCount()):
            header.setSectionResizeMode(
                column,
                fit if 0 < column <= model.cost_column else QHeaderView.ResizeMode.Interactive,
            )
        header.resizeSection(0, min(max(self.view.sizeHintForColumn(0), 190), 330))
        header.resizeSection(model.reason_column, 320)
        header.setStretchLastSection(True)

    def badge(self) -> str | None:
        try:
            waiting = self.ctx.services.status.campaign_status().projects_to_review
        except UserError:
            return None
        return (
            ngettext("{n} à examiner", "{n} à examiner", waiting).format(n=waiting)
            if waiting
            else None
        )

    def _session_changed(self, _session_id: str) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        has_session = self.session_panel.session is not None
        self.export_button.setEnabled(has_session)
        self.record_button.setEnabled(has_session and bool(self.model.rows))

    def _show_row_error(self, *_args: object) -> None:
        index = self.view.currentIndex()
        error = self.model.drafts[index.row()].error if index.isValid() else ""
        self.message.setText(f"{TONE_ICONS['danger']} {error}" if error else "")

    # --- recording ------------------------------------------------------------------------------

    def record_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.record_row(index.row())

    def record_row(self, row: int) -> bool:
        """Record the row's review in the current session; errors stay on the row, inline."""
        session = self.session_panel.session
        if session is None:
            self.model.set_error(row, _("Créez d'abord la séance : indiquez les membres présents."))
            self._show_row_error()
            return False
        try:
            data = self.model.review_input(row)
            self.ctx.services.commission.record_review(session.id, data)
        except UserError as exc:
            self.model.set_error(row, exc.message)
            self._show_row_error()
            return False
        project = self.model.rows[row].project
        self.model.drafts[row].dirty = False
        self.ctx.changed("commission")
        self.ctx.changed("projects")
        self.reload()
        self._move_to_next(project.id)
        self.ctx.notify(
            _("Décision enregistrée : n° {n} « {title} »").format(
                n=project.number, title=project.title
            )
        )
        return True

    def _move_to_next(self, project_id: str) -> None:
        row = self.model.row_of_project(project_id)
        if 0 <= row < self.model.rowCount() - 1:
            row += 1
        self.view.setCurrentIndex(self.model.index(max(row, 0), 1))
        self.view.setFocus()
        self._show_row_error()

    # --- minutes --------------------------------------------------------------------------------

    def ask_export(self) -> None:
        session = self.session_panel.session
        if session is None:
            return
        folder = self.ctx.settings.last_folder or str(Path.home())
        name = _("compte-rendu-commission-{date}.pdf").format(date=session.held_on.isoformat())
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Enregistrer le compte rendu de la commission"),
            str(Path(folder) / name),
            _("Documents PDF (*.pdf)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.ctx.settings.last_folder = str(Path(path).parent)
            self.export_minutes_to(Path(path))

    def export_minutes_to(self, path: Path) -> None:
        """Write the minutes PDF off the GUI thread (`services.commission.export_minutes`)."""
        session = self.session_panel.session
        if session is None:
            return
        commission = self.ctx.services.commission
        if not hasattr(commission, "export_minutes"):
            self.ctx.show_error(
                UserError(_("L'export du compte rendu n'est pas encore disponible.")), self
            )
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        self._export_path = path
        self.ctx.tasks.run(
            lambda progress, cancel: commission.export_minutes(session.id, path),
            on_done=self._exported,
            on_error=self._export_failed,
            title=_("Export du compte rendu de la commission…"),
            cancellable=False,
        )

    def _exported(self, _result: object) -> None:
        self.ctx.notify(_("Compte rendu enregistré : {path}").format(path=self._export_path))

    def _export_failed(self, exc: BaseException) -> None:
        self.ctx.show_error(exc, self)

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [("commission-editing", self._show_editing)]

    def _show_editing(self) -> QWidget:
        row = next((i for i, r in enumerate(self.model.rows) if r.review is None), 0)
        if self.model.rows:
            self.model.set_verdict(row, 1, m.Verdict.MET)
            self.view.setCurrentIndex(self.model.index(row, 1))
            self.view.setFocus()
        return self
