"""Where sheets come from: a watched folder (where the scanner drops its files), chosen files,
or the webcam. The folder is polled with a timer; a file is taken once it is complete (see
`FolderWatcher`), and only once per session.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.i18n import _
from app.services.counting import view as count_view
from app.services.counting.watch import SettledFiles
from ui.theme import set_role

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class FolderWatcher(QObject):
    """Polls a folder on a timer; `files_ready(list[Path])` for new files that are complete.

    Which files are ready is decided by the counting service's `SettledFiles`, the same rule as
    `bp-terrain count watch`: unchanged since the previous look and ending the way its format
    should (a pause in the scanner's writing is not mistaken for the end of the file).
    """

    files_ready = Signal(list)

    def __init__(self, interval_ms: int = 1500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder: Path | None = None
        self._settled: SettledFiles | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self, folder: Path) -> None:
        if folder != self.folder or self._settled is None:
            self._settled = SettledFiles(folder)
        self.folder = folder
        self.timer.start()
        self.poll()

    def stop(self) -> None:
        self.timer.stop()

    def active(self) -> bool:
        return self.timer.isActive()

    def poll(self) -> list[Path]:
        """One look at the folder; emits and returns the files ready to read."""
        if self._settled is None or self.folder is None or not self.folder.is_dir():
            return []
        ready = self._settled.poll()
        if ready:
            self.files_ready.emit(ready)
        return ready


class SourcesBar(QWidget):
    """The watched folder with its switch, the webcam switch, and a one-line state."""

    choose_folder = Signal()
    watch_toggled = Signal(bool)
    camera_toggled = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(QLabel(_("Dossier surveillé :")))
        self.folder_label = set_role(QLabel(_("aucun")), "muted")
        row.addWidget(self.folder_label, 1)
        self.choose = QPushButton(_("Choisir le dossier…"))
        self.choose.clicked.connect(self.choose_folder)
        self.watch = QPushButton(_("▶ Surveiller"))
        self.watch.setCheckable(True)
        self.watch.setEnabled(False)
        self.watch.toggled.connect(self._watch_toggled)
        self.camera = QPushButton(_("Webcam"))
        self.camera.setCheckable(True)
        self.camera.toggled.connect(self.camera_toggled)
        for w in (self.choose, self.watch, self.camera):
            row.addWidget(w)
        self.state = set_role(QLabel(), "muted")
        self.state.setWordWrap(True)

    def set_folder(self, folder: Path | None) -> None:
        self.folder_label.setText(str(folder) if folder else _("aucun"))
        self.watch.setEnabled(folder is not None)

    def _watch_toggled(self, on: bool) -> None:
        self.watch.setText(_("❚❚ Arrêter la surveillance") if on else _("▶ Surveiller"))
        self.watch_toggled.emit(on)

    def check_camera(self) -> bool:
        """Enable the webcam option only when a camera answers; say why otherwise."""
        try:
            ok = count_view.camera_available()
        except Exception:  # noqa: BLE001 - a broken driver must not stop the count
            log.exception("camera check failed")
            ok = False
        self.camera.setEnabled(ok)
        tip = (
            _("Lire les bulletins présentés devant la webcam.")
            if ok
            else _(
                "Aucune webcam détectée sur cet ordinateur : branchez-en une puis revenez sur "
                "cet écran, ou utilisez le scanner (dossier surveillé) ou « Ajouter des fichiers »."
            )
        )
        self.camera.setToolTip(tip)
        self.camera.setAccessibleDescription(tip)
        return ok


class CameraSource(QObject):
    """The webcam, polled about 7 times a second; `captured(png)` once per still ballot."""

    captured = Signal(bytes)
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.feed: count_view.CameraFeed | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self.step)

    def start(self, session_id: str) -> bool:
        try:
            self.feed = count_view.CameraFeed(self.ctx.services.counting, session_id)
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.ctx.show_error(exc)
            return False
        self.timer.start()
        return True

    def stop(self) -> None:
        self.timer.stop()
        if self.feed is not None:
            self.feed.close()
        self.feed = None

    def step(self) -> None:
        step = self.feed.step() if self.feed is not None else None
        if step is None:
            return
        self.message.emit(step.message)
        if step.capture_png is not None:
            self.captured.emit(step.capture_png)
