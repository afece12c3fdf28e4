"""Vote: prepare the paper of each residence — ballots, test deck, project sheets, poster,
sign-in sheet — with a live preview, saved as PDF or printed at 100 %; past print batches below.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _, ngettext
from app.services.printing.types import StyleInput
from ui.screens.vote.batches import PrintBatchTableModel, PrintBatchTableView
from ui.screens.vote.panel import VotePanel
from ui.screens.vote.preview import PREVIEW_DPI, PreviewPane
from ui.screens.vote.printing import (
    DocumentRequest,
    a4_printer,
    document_label,
    produce,
    produce_and_print,
)
from ui.theme import set_role
from ui.widgets import EmptyState, Screen, SearchProxyModel, primary_button, scroll_page

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class VoteScreen(Screen):
    title = _("Vote")
    kinds = ("campaign", "residences", "projects", "commission")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout, self.header = self.standard_layout(
            _("Vote"),
            _(
                "Préparez le papier de chaque résidence : bulletins, jeu d'essai, fiches projets, "
                "affiche et liste d'émargement. L'aperçu montre exactement ce qui sera imprimé."
            ),
        )
        self.save_button = self.header.add_action(QPushButton(_("Enregistrer le PDF…")))
        self.print_button = self.header.add_action(primary_button(_("Imprimer…")))
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_document)
        self.panel = VotePanel(ctx)
        self.preview = PreviewPane()
        self.batch_model = PrintBatchTableModel(self)
        self.batch_proxy = SearchProxyModel(self)
        self.batch_proxy.setSourceModel(self.batch_model)
        self.batch_view = PrintBatchTableView()
        self.batch_view.setModel(self.batch_proxy)
        self.batch_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.batch_view.stretch_column(2)
        self.empty = EmptyState(
            _("Rien à imprimer pour l'instant"),
            _(
                "Les bulletins reprennent les projets que la commission a déclarés recevables. "
                "Commencez par créer la campagne et ses résidences."
            ),
            _("Aller à la campagne"),
            lambda: ctx.navigate("campaign"),
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self._body())
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.panel.residence_changed.connect(self.residence_changed)
        self.panel.changed.connect(self.update_preview)
        self.panel.new_style_requested.connect(self.new_style)
        self.preview.page_requested.connect(self.show_page)
        self.panel.set_kind("ballots")

    def _body(self) -> QWidget:
        scroll = scroll_page(self.panel, frame=True, horizontal=False)
        scroll.setMinimumWidth(360)
        batches = QWidget()
        box = QVBoxLayout(batches)
        box.setContentsMargins(0, 8, 0, 0)
        self.batch_summary = set_role(QLabel(), "muted")
        box.addWidget(self.batch_view, 1)
        box.addWidget(self.batch_summary)
        # Tabs give the preview the whole height of a small laptop screen.
        self.tabs = QTabWidget()
        self.tabs.addTab(self.preview, _("Aperçu"))
        self.tabs.addTab(batches, _("Lots imprimés"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.tabs)
        splitter.setSizes([380, 920])
        splitter.setStretchFactor(1, 1)
        return splitter

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        services = self.ctx.services
        if not services.campaigns.has_campaign() or not services.campaigns.list_residences():
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(0)
        residences = services.campaigns.list_residences()
        ready = next((r.id for r in residences if services.ballots.admissible_projects(r.id)), None)
        self.panel.fill_residences([(r.id, r.name) for r in residences], ready)
        self.residence_changed()
        self.reload_batches()

    def residence_changed(self, *_args: object) -> None:
        residence_id = self.panel.residence_id()
        if residence_id is None:
            return
        ballots = self.ctx.services.ballots
        residence = self.ctx.services.campaigns.get_residence(residence_id)
        self.panel.count_spin.setValue(max(10, -(-residence.dwellings // 10) * 10))
        self.panel.load_sessions(
            ballots.vote_sessions_text(residence_id), ballots.poster_contact_text(residence_id)
        )
        self._load_styles(residence_id)

    def _load_styles(self, residence_id: str, keep: str | None = None) -> None:
        ballots = self.ctx.services.ballots
        styles = ballots.list_styles(residence_id)
        if not styles and ballots.admissible_projects(residence_id):
            styles = [ballots.ensure_default_style(residence_id)]
        self.panel.fill_styles(styles, keep)
        self._show_style()

    def _show_style(self) -> None:
        style_id = self.panel.style_combo.currentData()
        if style_id is None:
            self.panel.style_form.set_style(None, 0)
        else:
            count = len(self.ctx.services.ballots.ballot_projects(style_id))
            self.panel.style_form.set_style(self.ctx.services.ballots.get_style(style_id), count)
        self.update_preview()

    def reload_batches(self) -> None:
        batches = self.ctx.services.ballots.list_batches()
        self.batch_model.set_rows(batches)
        live = sum(b.count for b in batches if not b.test)
        self.tabs.setTabText(1, _("Lots imprimés ({n})").format(n=len(batches)))
        self.batch_summary.setText(
            ngettext(
                "{n} bulletin imprimé pour le vote", "{n} bulletins imprimés pour le vote", live
            ).format(n=live)
            if batches
            else _("Aucun lot imprimé pour l'instant : chaque impression apparaîtra ici.")
        )

    def badge(self) -> str | None:
        """Residences whose ballots can be printed but have not been yet."""
        try:
            services = self.ctx.services
            printed = {b.residence_id for b in services.ballots.list_batches() if not b.test}
            waiting = [
                r
                for r in services.campaigns.list_residences()
                if r.id not in printed and services.ballots.admissible_projects(r.id)
            ]
        except UserError:
            return None
        if not waiting:
            return None
        return ngettext("{n} à imprimer", "{n} à imprimer", len(waiting)).format(n=len(waiting))

    # --- preview --------------------------------------------------------------------------------

    def update_preview(self, *_args: object) -> None:
        if self.panel.style_combo.currentData() != getattr(
            self.panel.style_form.style_obj, "id", None
        ):
            self._show_style()  # the style chosen changed: show it in the form (draws the preview)
            return
        self.show_page(0)

    def show_page(self, page: int) -> None:
        request = self.request()
        if request is None:
            self.preview.show_message(_("Choisissez une résidence."))
            return
        if request.is_batch and request.style_id is None:
            self.preview.show_message(self._no_project_text())
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            shown = self.ctx.services.ballots.document_preview(
                request.residence_id, request.kind, style_id=request.style_id, page=page,
                dpi=PREVIEW_DPI, test=request.test,
            )  # fmt: skip
        except UserError as exc:
            self.preview.show_message("⚠ " + exc.message)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.preview.show_page(shown.png, shown.page, shown.pages, shown.warnings, self._note())

    def _no_project_text(self) -> str:
        return _(
            "Aucun projet recevable dans cette résidence : la commission doit d'abord déclarer "
            "des projets recevables. Le bulletin les reprendra automatiquement."
        )

    def _note(self) -> str:
        kind = self.panel.kind()
        if kind == "ballots":
            return _(
                "Aperçu sans numéro de série : chaque bulletin imprimé aura son propre code QR."
            )
        if kind == "test_deck":
            return _(
                "Aperçu des premiers bulletins du jeu d'essai. Le jeu imprimé en compte 21, "
                "pré-remplis ; le résultat attendu est enregistré à côté du PDF "
                "(fichier .expected.json)."
            )
        return ""

    def new_style(self) -> None:
        """Another style for the residence (large print first, as it is the most asked for)."""
        residence_id = self.panel.residence_id()
        if residence_id is None:
            return
        taken = {s.name for s in self.ctx.services.ballots.list_styles(residence_id)}
        large = _("Gros caractères") not in taken
        name = "" if large else _("Modèle {n}").format(n=len(taken) + 1)
        try:
            style = self.ctx.services.ballots.create_style(
                residence_id, StyleInput(name=name, large_print=large)
            )
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self._load_styles(residence_id, keep=style.id)
        self.ctx.notify(_("Modèle « {name} » créé.").format(name=style.name))

    # --- actions --------------------------------------------------------------------------------

    def request(self) -> DocumentRequest | None:
        residence_id = self.panel.residence_id()
        if residence_id is None:
            return None
        return DocumentRequest(
            kind=self.panel.kind(),
            residence_id=residence_id,
            style_id=self.panel.style_id(),
            count=self.panel.count_spin.value(),
            test=self.panel.test_check.isChecked(),
            with_serials=not self.panel.serial_check.isChecked(),
        )

    def _ready_request(self) -> DocumentRequest | None:
        """The request, once pending edits are saved; None (with a message) when impossible."""
        if self.panel.style_form.save_now() is None and self.panel.style_form.style_obj:
            return None
        request = self.request()
        if request is None or (request.is_batch and request.style_id is None):
            self.ctx.show_error(UserError(self._no_project_text()), self)
            return None
        if request.kind == "poster" and not self.panel.save_sessions():
            return None
        return request

    def save_pdf(self) -> None:
        request = self._ready_request()
        if request is None:
            return
        folder = Path(self._last_folder())
        name = f"{document_label(request.kind)} - {self.panel.residence_combo.currentText()}.pdf"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer le PDF"), str(folder / name), _("Documents PDF (*.pdf)")
        )
        if path:
            self.save_pdf_to(Path(path))

    def save_pdf_to(self, path: Path) -> None:
        request = self._ready_request()
        if request is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._remember_folder(path.parent)
        services = self.ctx.services
        self.ctx.tasks.run(
            lambda progress, cancel: produce(services, request, path, progress, cancel),
            on_done=self.work_done,
            title=_("Enregistrement de « {name} »…").format(name=path.name),
        )

    def print_document(self) -> None:
        if self._ready_request() is None:
            return
        printer = a4_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Imprimer à 100 % (taille réelle) — jamais « Ajuster à la page »"))
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_with(printer)

    def print_with(self, printer: QPrinter) -> None:
        """Produce the document and send it to `printer` (already set up) in the background."""
        request = self._ready_request()
        if request is None:
            return
        services = self.ctx.services
        self.ctx.tasks.run(
            lambda progress, cancel: produce_and_print(
                services, request, printer, progress, cancel
            ),
            on_done=self.work_done,
            title=_("Impression : {document}…").format(document=document_label(request.kind)),
        )

    def work_done(self, message: Any) -> None:
        self.ctx.notify(str(message))
        self.reload_batches()
        self.ctx.changed("ballots")

    def _last_folder(self) -> str:
        return self.ctx.settings.last_folder or str(Path.home())

    def _remember_folder(self, folder: Path) -> None:
        self.ctx.settings.last_folder = str(folder)
