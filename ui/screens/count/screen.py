"""Dépouillement: the tally officer's screen.

Open a session (residence, officer, witnesses, passphrase), feed sheets (watched folder, chosen
files, webcam), watch the counters, see each sheet large with its boxes outlined, decide the
review queue with the keyboard, key in a ballot by hand, reconcile, close batches and seal.
A short sound on each sheet read lets the officer keep feeding the scanner without looking.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.counting.models import CountSession, IngestReport, SessionStatus
from app.domain.dates import DEFAULT_TZ, format_time, local_moment
from app.errors import UserError
from app.i18n import _, ngettext
from ui.screens.count.forms import (
    HandKeyPanel,
    ReconciliationPanel,
    SheetLineTableModel,
    SheetLineTableView,
)
from ui.screens.count.rejected import RejectedSheetBar
from ui.screens.count.review import ReviewPanel
from ui.screens.count.session import OpenSessionPanel, SignDialog, SlipDialog
from ui.screens.count.sheet import CountersBar, SheetView
from ui.screens.count.sources import CameraSource, FolderWatcher, SourcesBar
from ui.theme import set_role
from ui.widgets import Screen, ScreenshotVariant, primary_button
from ui.widgets.forms import fit_to_choices

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)
# The counting service reads pages in a forkserver pool (scanner/pool.py), safe to start from
# this Qt process; None lets it use every core.
INGEST_WORKERS: int | None = None
FILE_FILTER = "*.png *.jpg *.jpeg *.tif *.tiff *.pdf *.bmp *.webp"


def scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class CountScreen(Screen):
    title = _("Dépouillement")
    kinds = ("count", "residences", "campaign", "projects")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.session: CountSession | None = None
        self.status: SessionStatus | None = None
        self.last_report: IngestReport | None = None
        # the scans' own names, for this window only: the count never stores them (a name often
        # holds the scan's time), but the officer who just fed a file must know which to rescan
        self.scan_names: dict[str, str] = {}
        self.pending_files: list[Path] = []
        self.ingesting = False
        layout, self.header = self.standard_layout(
            _("Dépouillement"), _("Ouvrez une session pour compter les bulletins d'une urne.")
        )
        self._session_row()
        self.add_button = self.header.add_action(
            primary_button(_("Ajouter des fichiers…"), self.ask_files)
        )
        self.open_panel = OpenSessionPanel(ctx)
        self.open_panel.opened.connect(self._opened)
        self.stack = QStackedWidget()
        self.stack.addWidget(scroll(self.open_panel))
        self.stack.addWidget(self._session_page())
        layout.addWidget(self.stack, 1)
        self.watcher = FolderWatcher(parent=self)
        self.watcher.files_ready.connect(self.ingest_files)
        self.camera = CameraSource(ctx, self)
        self.camera.captured.connect(self._captured)
        self.camera.message.connect(lambda text: self.sources.state.setText(text))

    def _session_row(self) -> None:
        """The session chooser and "Nouvelle session…" sit in the header, beside the primary."""
        self.sessions = QComboBox()
        self.sessions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sessions.setAccessibleName(_("Session de dépouillement"))
        self.sessions.setMinimumWidth(300)
        self.sessions.setMaximumWidth(360)
        self.sessions.activated.connect(self._session_chosen)
        self.header.add_action(self.sessions)  # type: ignore[arg-type]
        self.new_button = self.header.add_action(QPushButton(_("Nouvelle session…")))
        self.new_button.clicked.connect(self.show_open_form)

    def _session_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.sources = SourcesBar(self.ctx)
        self.sources.choose_folder.connect(self.ask_folder)
        self.sources.watch_toggled.connect(self.set_watching)
        self.sources.camera_toggled.connect(self.set_camera)
        layout.addWidget(self.sources)
        self.counters = CountersBar()
        self.session_info = set_role(QLabel(), "muted")
        self.session_info.setWordWrap(True)
        self.counters.layout().addWidget(self.session_info, 1)
        layout.addWidget(self.counters)
        self.sealed_label = set_role(QLabel(), "section")
        layout.addWidget(self.sealed_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.sheet_view = SheetView()
        self.rejected_bar = RejectedSheetBar()
        self.rejected_bar.rescan.connect(self.rescan_rejected)
        self.rejected_bar.key_by_hand.connect(self.key_rejected_by_hand)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.sheet_view, 1)
        left_layout.addWidget(self.rejected_bar)
        splitter.addWidget(left)
        splitter.addWidget(self._tabs())
        splitter.setSizes([520, 560])
        layout.addWidget(splitter, 1)
        return page

    def _tabs(self) -> QTabWidget:
        self.tabs = QTabWidget()
        self.review = ReviewPanel(self.ctx)
        self.review.decided.connect(self._after_change)
        self.review.sheet_shown.connect(self.sheet_view.show_picture)
        self.review.sheet_shown.connect(self.rejected_bar.show_for)
        self.sheet_model = SheetLineTableModel(parent=self)
        self.sheet_table = SheetLineTableView()
        self.sheet_table.setModel(self.sheet_model)
        self.sheet_table.stretch_column(3)
        self.sheet_table.selectionModel().currentChanged.connect(self._sheet_chosen)
        self.hand = HandKeyPanel(self.ctx)
        self.hand.recorded.connect(self._after_change)
        self.reconcile = ReconciliationPanel(self.ctx)
        self.reconcile.recorded.connect(self._after_change)
        self.reconcile.close_batch_requested.connect(self.ask_close_batch)
        self.reconcile.seal_requested.connect(self.ask_seal)
        self.tabs.addTab(scroll(self.review), _("À revoir"))
        self.tabs.addTab(self.sheet_table, _("Feuilles lues"))
        self.hand_tab = scroll(self.hand)
        self.tabs.addTab(self.hand_tab, _("Saisie à la main"))
        self.tabs.addTab(scroll(self.reconcile), _("Clôture"))
        self.tabs.currentChanged.connect(self._tab_changed)
        return self.tabs

    # --- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        counting = self.ctx.services.counting
        self.open_panel.load()
        sessions = counting.list_sessions()
        self.sessions.clear()
        for s in sessions:
            self.sessions.addItem(self._session_label(s), s.id)
            self.sessions.setItemData(
                self.sessions.count() - 1,
                _("{label} — agent : {officer}").format(
                    label=self._session_label(s), officer=s.officer
                ),
                Qt.ItemDataRole.ToolTipRole,
            )
        fit_to_choices(self.sessions, most=420)
        current = self.session.id if self.session else (sessions[-1].id if sessions else None)
        self.session = counting.get_session(current) if current else None
        self.sessions.setCurrentIndex(max(0, self.sessions.findData(current)))
        self.sessions.setVisible(bool(sessions))
        self.stack.setCurrentIndex(1 if self.session else 0)
        self._load_session()

    def _session_label(self, s: CountSession) -> str:
        state = _("scellée") if s.sealed else _("en cours")
        essai = _(" · ESSAI") if s.mode == "test" else ""
        local = local_moment(s.opened_at, self._zone())
        # short enough to be read whole in the header at 1280 px; the officer is beside the
        # counters, and the full line is the item's tooltip
        return _("{residence} — {day} {time} ({state}){essai}").format(
            residence=s.residence_name, day=local.strftime("%d/%m"),
            time=format_time(local), state=state, essai=essai,
        )  # fmt: skip

    def _zone(self) -> str:
        """The campaign's zone: times on screen are local, as on paper."""
        try:
            return self.ctx.services.campaigns.get_campaign().timezone or DEFAULT_TZ
        except UserError:
            return DEFAULT_TZ

    def _load_session(self) -> None:
        s = self.session
        self.add_button.setEnabled(s is not None and not s.sealed)
        if s is None:
            self.header.set_subtitle(_("Ouvrez une session pour compter les bulletins d'une urne."))
            return
        self.status = self.ctx.services.counting.status(s.id)
        self.header.set_subtitle(
            _("{residence} — session scellée").format(residence=s.residence_name)
            if s.sealed
            else _("{residence} — session en cours").format(residence=s.residence_name)
        )
        self.session_info.setText(self._subtitle(s))
        self.counters.set_tally(self.status.tally)
        self.sealed_label.setText(
            _("✔ Session scellée : plus aucune modification.") if s.sealed else ""
        )
        self.sealed_label.setVisible(s.sealed)
        self.sources.setEnabled(not s.sealed)
        self.sources.check_camera()
        self.review.load(s.id, s.witnesses, s.hide_machine_opinion)
        self.sheet_model.set_rows(self.ctx.services.count_view.sheet_lines(s.id))
        self.hand.load(s)
        self.hand.setEnabled(not s.sealed)
        self.reconcile.load(s, self.status.tally)
        pending = self.status.pending_reviews
        self.tabs.setTabText(0, _("À revoir ({n})").format(n=pending) if pending else _("À revoir"))
        self._show_current_sheet()

    @staticmethod
    def _subtitle(s: CountSession) -> str:
        witnesses = ", ".join(s.witnesses) or _("aucun")
        return _("Agent : {officer}\nTémoins : {witnesses}\nClé : {fp}…").format(
            officer=s.officer, witnesses=witnesses, fp=s.key_fingerprint[:19]
        )

    def _show_current_sheet(self) -> None:
        if self.tabs.currentIndex() == 0 and self.review.current() is not None:
            self.sheet_view.show_picture(
                self.review.picture,
                self.review.current_box() and self.review.current_box().project_id,
            )  # type: ignore[union-attr]
            return
        rows = self.sheet_model.rows()
        if self.session is None or not rows:
            self.sheet_view.show_picture(None)
            self.rejected_bar.show_for(None)
            return
        self.show_sheet(rows[0].sheet_id)

    def show_sheet(self, sheet_id: str) -> None:
        if self.session is not None:
            picture = self.ctx.services.count_view.sheet_picture(self.session.id, sheet_id)
            if picture is not None and sheet_id in self.scan_names:
                picture = replace(picture, file_name=self.scan_names[sheet_id])
            self.sheet_view.show_picture(picture)
            self.rejected_bar.show_for(picture)

    def rescan_rejected(self) -> None:
        """The sheet goes through the scanner again: into the watched folder, or chosen here."""
        if self.watcher.active():
            self.ctx.notify(
                _(
                    "Reposez la feuille dans le scanner : elle sera lue dès que son fichier "
                    "arrivera dans le dossier surveillé."
                )
            )
        else:
            self.ask_files()

    def key_rejected_by_hand(self, reason: str) -> None:
        self.tabs.setCurrentWidget(self.hand_tab)
        self.hand.reason.setText(reason)
        first = next(iter(self.hand.checks.values()), None)
        if first is not None:
            first.setFocus()

    def _sheet_chosen(self, *_args: object) -> None:
        line = self.sheet_table.current_object()
        if line is not None and not line.hand_keyed:
            self.show_sheet(line.sheet_id)

    def _tab_changed(self, index: int) -> None:
        if index == 0:
            self.review.setFocus()
        self._show_current_sheet()

    def _after_change(self) -> None:
        self.ctx.events.data_changed.emit("count")
        self.reload()

    def badge(self) -> str | None:
        try:
            waiting = self.ctx.services.status.badges().get("count", 0)
        except UserError:
            return None
        return (
            ngettext("{n} à revoir", "{n} à revoir", waiting).format(n=waiting) if waiting else None
        )

    # --- sessions -----------------------------------------------------------------------------

    def show_open_form(self) -> None:
        self.stack.setCurrentIndex(0)
        self.open_panel.officer.setFocus()

    def _opened(self, session: CountSession) -> None:
        self.session = session
        self.ctx.notify(_("Session ouverte : {name}.").format(name=session.residence_name))
        self._after_change()

    def _session_chosen(self, index: int) -> None:
        session_id = self.sessions.itemData(index)
        if session_id:
            self.session = self.ctx.services.counting.get_session(session_id)
            self.stack.setCurrentIndex(1)
            self.reload()

    # --- sheets in ----------------------------------------------------------------------------

    def ask_files(self) -> None:
        folder = self.ctx.settings.last_folder or str(Path.home())
        paths, _f = QFileDialog.getOpenFileNames(
            self, _("Ajouter des feuilles scannées"), folder,
            _("Images et PDF ({patterns})").format(patterns=FILE_FILTER),
            options=QFileDialog.Option.DontUseNativeDialog,
        )  # fmt: skip
        if paths:
            self.ctx.settings.last_folder = str(Path(paths[0]).parent)
            self.ingest_files([Path(p) for p in paths])

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, _("Dossier où le scanner dépose ses fichiers"), self.ctx.settings.last_folder,
            QFileDialog.Option.DontUseNativeDialog,
        )  # fmt: skip
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path) -> None:
        self.watcher.folder = folder
        self.sources.set_folder(folder)
        self.sources.watch.setChecked(True)

    def set_watching(self, on: bool) -> None:
        if on and self.watcher.folder is not None:
            self.watcher.start(self.watcher.folder)
        else:
            self.watcher.stop()

    def ingest_files(self, paths: list[Path]) -> None:
        """Read the files off the GUI thread; files arriving meanwhile wait their turn."""
        if self.session is None or self.session.sealed:
            return
        self.pending_files.extend(p for p in paths if p not in self.pending_files)
        if self.ingesting or not self.pending_files:
            return
        files, self.pending_files, self.ingesting = self.pending_files, [], True
        counting, session_id = self.ctx.services.counting, self.session.id
        self.ctx.tasks.run(
            lambda progress, cancel: counting.ingest(
                session_id, files, progress=progress, cancel=cancel, workers=INGEST_WORKERS
            ),
            on_done=self._ingested, on_error=self._ingest_failed,
            title=ngettext("Lecture de {n} fichier…", "Lecture de {n} fichiers…", len(files)).format(n=len(files)),
        )  # fmt: skip

    def _ingested(self, report: IngestReport) -> None:
        self.ingesting, self.last_report = False, report
        self.scan_names.update({sheet.sheet_id: sheet.file_name for sheet in report.recorded})
        for _sheet in report.recorded:
            QApplication.beep()
        n = len(report.recorded)
        message = ngettext("{n} feuille lue.", "{n} feuilles lues.", n).format(n=n)
        if report.already_known:
            k = len(report.already_known)
            message += " " + ngettext(
                "{k} déjà enregistrée, ignorée.", "{k} déjà enregistrées, ignorées.", k
            ).format(k=k)
        refused = [sheet for sheet in report.recorded if sheet.status == "rejected"]
        if refused:
            message += " " + ngettext(
                "{r} rejetée : rescannez-la ou saisissez-la à la main (voir sous la feuille).",
                "{r} rejetées : rescannez-les ou saisissez-les à la main (voir sous la feuille).",
                len(refused),
            ).format(r=len(refused))
        self.ctx.notify(message)
        self._after_change()
        if refused and self.session is not None:
            self.show_sheet(refused[-1].sheet_id)  # what to do is said under the sheet
        if self.pending_files:
            self.ingest_files([])

    def _ingest_failed(self, exc: BaseException) -> None:
        self.ingesting = False
        self.sources.watch.setChecked(False)  # a full disk must not be retried every second
        self.ctx.show_error(exc, self)

    # --- webcam -------------------------------------------------------------------------------

    def set_camera(self, on: bool) -> None:
        if on and self.session is not None:
            if not self.camera.start(self.session.id):
                self.sources.camera.setChecked(False)
        else:
            self.camera.stop()

    def _captured(self, data: bytes) -> None:
        if self.session is not None:
            self._ingested(self.ctx.services.counting.ingest_capture(self.session.id, data))

    # --- signatures ---------------------------------------------------------------------------

    def ask_close_batch(self) -> SignDialog | None:
        return self._sign(seal=False)

    def ask_seal(self) -> SignDialog | None:
        return self._sign(seal=True)

    def _sign(self, seal: bool) -> SignDialog | None:
        if self.session is None:
            return None
        demo = self.ctx.services.counting.demo_passphrase(self.session.officer)
        dialog = SignDialog(self.session, seal, self, signing=self.sign, demo_passphrase=demo)
        dialog.open()
        return dialog

    def sign(self, dialog: SignDialog) -> str | None:
        """Close the batch or seal with the dialog's passphrase and show the slip to sign;
        None on success, else the reason (shown in the dialog, which stays open)."""
        if self.session is None or not dialog.confirmed():
            return _("Rien à signer.")
        counting, passphrase = self.ctx.services.counting, dialog.passphrase.text()
        try:
            checkpoint = (counting.seal if dialog.seal else counting.close_batch)(
                self.session.id, passphrase
            )
        except UserError as exc:  # wrong passphrase, pending reviews...
            return exc.message
        except Exception as exc:  # noqa: BLE001 - the key file's own errors
            log.warning("signing refused: %s", exc)
            return str(exc)
        title = _("Session scellée") if dialog.seal else _("Lot clos")
        self.slip = SlipDialog.of(self.ctx, self.session.id, checkpoint, title, self)
        self.slip.open()
        self.ctx.notify(title)
        self._after_change()
        return None

    # --- screenshots --------------------------------------------------------------------------

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [("count-sheets", self._show_sheets), ("count-reconcile", self._show_reconcile)]

    def _show_sheets(self) -> QWidget:
        self.tabs.setCurrentIndex(1)
        return self

    def _show_reconcile(self) -> QWidget:
        self.tabs.setCurrentIndex(3)
        return self
