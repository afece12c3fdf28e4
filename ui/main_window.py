"""The main window: the process in the sidebar, one screen at a time, the status always visible.

Screens come from `ui.screens.SCREENS`; Ctrl+1..9 open them in that order. The window listens to
`data_changed` to refresh the badges and the status bar (debounced: many changes, one refresh).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from ui.context import AppContext
from ui.screens import SCREENS
from ui.screens.backup.dialogs import RestoreDialog, SaveDialog, ask_backup_file, ask_save_file
from ui.screens.sync.controller import SyncController
from ui.theme import ZOOM_STEPS, apply_theme
from ui.widgets import Screen, Toast
from ui.widgets.sidebar import Sidebar
from ui.widgets.status_bar import AppStatusBar

log = logging.getLogger(__name__)


def default_size(available: QSize) -> QSize:
    """1366×768 at most, never larger than the screen's free area (a 1366×768 laptop keeps its
    task bar: the window opened at 1366×800 and hid its status bar)."""
    return QSize(min(1366, available.width()), min(768, available.height()))


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.screens: dict[str, Screen] = {}
        self.sidebar = Sidebar()
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = AppStatusBar(self)
        self.setStatusBar(self.status)
        ctx.toast = Toast(self)
        ctx.toast.dock = self.sidebar  # messages at the sidebar's foot, over no field
        ctx.tasks.parent = self
        self.sync = SyncController(ctx, self)  # before the screens: the sync screen uses it
        ctx.sync = self.sync
        self._build_screens()
        self._build_menus()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh_chrome)
        ctx.events.data_changed.connect(self._on_data_changed)
        ctx.events.status_message.connect(self._on_status_message)
        ctx.events.navigation_requested.connect(self.go_to)
        self.sidebar.screen_chosen.connect(self.go_to)
        self.setMinimumSize(960, 600)
        self.status.set_zoom(ctx.settings.zoom)
        self.sync.changed.connect(self.refresh_chrome)
        self.refresh_chrome()
        self.go_to("home")
        self.sync.start()

    # --- building ----------------------------------------------------------------------------

    def _build_screens(self) -> None:
        for number, (key, label, factory) in enumerate(SCREENS, start=1):
            screen = factory(self.ctx)
            screen.title = screen.title or _(label)
            screen.setObjectName(f"screen-{key}")
            self.screens[key] = screen
            self.stack.addWidget(screen)
            shortcut = f"Ctrl+{number}" if number <= 9 else ""
            self.sidebar.add_screen(key, _(label), shortcut)
        self.sidebar.finish()

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(_("&Fichier"))
        self._action(file_menu, _("&Sauvegarder la campagne…"), "Ctrl+Shift+S", self.save_campaign)
        self._action(file_menu, _("&Restaurer…"), "", self.restore_campaign)
        file_menu.addSeparator()
        self._action(file_menu, _("&Quitter"), QKeySequence.StandardKey.Quit, self.close)
        go_menu = menu.addMenu(_("&Aller à"))
        for number, (key, label, _factory) in enumerate(SCREENS, start=1):
            action = QAction(_(label), self)
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setData(key)
            action.triggered.connect(self._on_go_action)
            go_menu.addAction(action)
        view = menu.addMenu(_("A&ffichage"))
        zoom_in = self._action(view, _("Agrandir le texte"), "Ctrl+=", self.zoom_in)
        zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self._action(view, _("Réduire le texte"), "Ctrl+-", self.zoom_out)
        self._action(view, _("Taille normale"), "Ctrl+0", self.zoom_reset)
        help_menu = menu.addMenu(_("Aid&e"))
        self._action(help_menu, _("Raccourcis clavier"), "F1", self.show_shortcuts)

    def _action(self, menu, text, shortcut, slot) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # --- navigation --------------------------------------------------------------------------

    def go_to(self, key: str) -> None:
        screen = self.screens.get(key)
        if screen is None:
            log.warning("unknown screen %r", key)
            return
        self.stack.setCurrentWidget(screen)
        self.sidebar.set_current(key)
        focus = QApplication.focusWidget()
        if focus is None or self.sidebar.isAncestorOf(focus):
            self.sidebar.buttons[key].setFocus()  # the focus ring follows the selection
        self.setWindowTitle(f"{screen.title} — BP Terrain")

    def current_key(self) -> str:
        current = self.stack.currentWidget()
        return next((k for k, s in self.screens.items() if s is current), "home")

    def screen(self, key: str) -> Screen:
        return self.screens[key]

    def _on_go_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.go_to(str(action.data()))

    # --- status and badges -------------------------------------------------------------------

    def _on_data_changed(self, _kind: str) -> None:
        self._refresh_timer.start()

    def _on_status_message(self, message: str) -> None:
        self.status.show_note(message)

    def refresh_chrome(self) -> None:
        """Badges, campaign name, sync state and database path, from the services."""
        services = self.ctx.services
        status = services.status.campaign_status()
        self.status.set_sync(
            status.pending_sync_changes, self.sync.online, status.last_sync, self.sync.enrolled()
        )
        self.status.set_campaign(status.campaign_name)
        self.status.set_database(services.database_path)
        self.sidebar.set_campaign(status.campaign_name or _("Aucune campagne"))
        for key, screen in self.screens.items():
            try:
                text = screen.badge()
            except UserError:
                text = None
            except Exception:  # noqa: BLE001 - a badge must never break the window
                log.exception("badge of %s failed", key)
                text = None
            self.sidebar.buttons[key].set_badge(text, screen.badge_tone())

    # --- zoom --------------------------------------------------------------------------------

    def set_zoom(self, percent: int) -> None:
        percent = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], percent))
        self.ctx.settings.zoom = percent
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, percent / 100)
        self.status.set_zoom(percent)

    def zoom_in(self) -> None:
        current = self.ctx.settings.zoom
        self.set_zoom(next((z for z in ZOOM_STEPS if z > current), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        current = self.ctx.settings.zoom
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < current), ZOOM_STEPS[0]))

    def zoom_reset(self) -> None:
        self.set_zoom(100)

    # --- saving and restoring -----------------------------------------------------------------

    def save_campaign(self, out: Path | None = None) -> SaveDialog | None:
        """Fichier › Sauvegarder la campagne… (the file is asked unless given)."""
        out = out or ask_save_file(self.ctx, self)
        if out is None:
            return None
        dialog = SaveDialog(self.ctx, out, self)
        dialog.open()
        return dialog

    def restore_campaign(self, source: Path | None = None) -> RestoreDialog | None:
        """Fichier › Restaurer…: preview, confirmation, then the app closes on the restored data."""
        source = source or ask_backup_file(self.ctx, self)
        if source is None:
            return None
        dialog = RestoreDialog(
            self.ctx, source, self._close_data, self, reopen_data=self._reopen_data
        )
        dialog.accepted.connect(self._restored)
        dialog.open()
        return dialog

    def _close_data(self) -> None:
        self._refresh_timer.stop()
        self.ctx.tasks.wait(10_000)
        self.ctx.services.close()
        self.data_closed = True

    def _reopen_data(self) -> None:
        """After a failed restore (nothing changed), the same data folder opens again."""
        from app.services import open_services

        self.ctx.services = open_services(self.ctx.services.data_dir)
        self.data_closed = False
        self.ctx.changed("all")

    def _restored(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            _("Campagne restaurée"),
            _(
                "La sauvegarde est restaurée. BP Terrain va se fermer : relancez-le pour "
                "ouvrir la campagne restaurée."
            ),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.finished.connect(self.close)
        box.open()
        self.restored_box = box

    # --- help, state -------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        lines = [f"Ctrl+{n} : {_(label)}" for n, (_k, label, _f) in enumerate(SCREENS[:9], 1)]
        lines += [
            _("Ctrl+= / Ctrl+- : agrandir / réduire le texte (Ctrl+0 : taille normale)"),
            _("Ctrl+Z : annuler la dernière suppression (tant que le message est affiché)"),
            _("Tab / Maj+Tab : passer d'un champ à l'autre"),
        ]
        box = QMessageBox(QMessageBox.Icon.Information, _("Raccourcis clavier"), "\n".join(lines))
        box.setParent(self, box.windowFlags())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def restore_state(self) -> None:
        settings = self.ctx.settings
        if settings.geometry:
            self.restoreGeometry(QByteArray(settings.geometry))
        else:
            where = QWidget.screen(self)  # `self.screen(key)` is one of our screens
            free = where.availableGeometry().size()
            self.resize(default_size(free))
            if free.width() <= 1366 or free.height() <= 800:
                # a laptop: the window manager's title bar would push the status bar off
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        if settings.current_screen in self.screens:
            self.go_to(settings.current_screen)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        settings = self.ctx.settings
        settings.geometry = bytes(self.saveGeometry().data())
        settings.current_screen = self.current_key()
        settings.sync()
        self.sync.stop()
        super().closeEvent(event)
