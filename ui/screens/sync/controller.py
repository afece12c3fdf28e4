"""Background sync: on demand, on a timer while the laptop is enrolled, and soon after a change.

Never on the GUI thread: each sync runs through the task runner (its one worker thread), quietly
in the background, with a progress dialog and a Cancel button when the person asked for it. The
controller remembers whether the server answered (`online`) and since when it does not, which
is what the status bar says: "À jour", "N modifications en attente" or "Hors ligne depuis …".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.errors import CancelToken
from app.i18n import _

if TYPE_CHECKING:
    from sync.client import SyncReport
    from ui.context import AppContext

log = logging.getLogger(__name__)

TICK_MS = 60_000
"""How often the laptop tries the server (in the background) while it is enrolled."""
AFTER_CHANGE_MS = 8_000
"""A change is sent this long after it was made, when the server answered last time."""


@dataclass(frozen=True)
class SyncState:
    enrolled: bool
    online: bool | None  # None: not tried yet since the application started
    last_sync: str | None
    pending: int
    running: bool
    error: str = ""


class SyncController(QObject):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.online: bool | None = None
        self.running = False
        self.error = ""
        self.last_report: SyncReport | None = None
        self.cancel: CancelToken | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.background)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_CHANGE_MS)
        self.soon.timeout.connect(self.background)
        ctx.events.data_changed.connect(self._on_data_changed)

    def start(self) -> None:
        """Start the background tries (the first one at once, if enrolled)."""
        self.timer.start()
        QTimer.singleShot(0, self.background)

    def stop(self) -> None:
        self.timer.stop()
        self.soon.stop()
        if self.cancel is not None:
            self.cancel.cancel()

    # --- what the laptop knows -----------------------------------------------------------

    def meta(self, key: str) -> str | None:
        return self.ctx.services.uow.get_meta(key)

    def enrolled(self) -> bool:
        from sync.client.service import SERVER_KEY, TOKEN_KEY

        return bool(self.meta(SERVER_KEY) and self.meta(TOKEN_KEY))

    def state(self) -> SyncState:
        status = self.ctx.services.status.campaign_status()
        return SyncState(
            enrolled=self.enrolled(),
            online=self.online,
            last_sync=status.last_sync,
            pending=status.pending_sync_changes,
            running=self.running,
            error=self.error,
        )

    # --- syncing -------------------------------------------------------------------------

    def _on_data_changed(self, _kind: str) -> None:
        if self.online and not self.running:
            self.soon.start()

    def background(self) -> None:
        """A quiet try, if the laptop is enrolled and no sync is running."""
        if self.running or not self.enrolled():
            return
        self._run(quiet=True)

    def sync_now(self, server: str | None = None, code: str | None = None) -> None:
        """On demand (or to enrol): progress and Cancel shown, errors told to the person."""
        if self.running:
            return
        self._run(quiet=False, server=server, code=code)

    def _run(self, quiet: bool, server: str | None = None, code: str | None = None) -> None:
        from sync.client import sync_once

        data_dir = self.ctx.services.data_dir

        def work(progress: Any, cancel: CancelToken) -> SyncReport:
            return sync_once(data_dir, server=server, code=code, progress=progress, cancel=cancel)

        self.running = True
        self.changed.emit()
        self.cancel = self.ctx.tasks.run(
            work,
            on_done=self._done,
            on_error=self._failed_quietly if quiet else self._failed,
            title=_("Synchronisation avec le serveur…"),
            quiet=quiet,
        )

    def _done(self, report: SyncReport) -> None:
        # files missing or damaged, keys refused: told on the screen, in French
        self.running, self.online, self.error = False, True, "\n".join(report.problems)
        self.last_report = report
        if report.received or report.keys_received or report.sent or report.files_received:
            self.ctx.changed("all")
        self.changed.emit()

    def _failed_quietly(self, exc: BaseException) -> None:
        self._note_failure(exc)

    def _failed(self, exc: BaseException) -> None:
        self._note_failure(exc)
        from app.errors import Cancelled

        if not isinstance(exc, Cancelled):
            self.ctx.show_error(exc)

    def _note_failure(self, exc: BaseException) -> None:
        from app.errors import Cancelled, UserError
        from sync.core.errors import SyncUnavailable

        self.running = False
        if isinstance(exc, Cancelled):
            self.error = _("Synchronisation interrompue : elle reprendra où elle s'est arrêtée.")
        elif isinstance(exc, SyncUnavailable):
            self.online = False
            self.error = str(exc)
        elif isinstance(exc, UserError):
            self.online = False
            self.error = exc.message
        else:
            self.online = False
            self.error = _("Erreur inattendue pendant la synchronisation : {error}").format(
                error=type(exc).__name__
            )
            log.error("sync failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.changed.emit()
