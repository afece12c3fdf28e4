"""What every screen receives: the services, the application events, the task runner, settings.

Built once by the composition root (`ui.main`) and passed down; there are no module-level
singletons. After a change, a screen calls `ctx.changed("projects")` and every view that shows
projects reloads itself (Anki's `operation_did_execute`); the domain itself emits no Qt signals.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import Cancelled, UserError
from app.i18n import _
from app.services import Services
from ui.settings import UiSettings
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from ui.screens.sync.controller import SyncController
    from ui.widgets.toast import Toast

log = logging.getLogger(__name__)

DATA_KINDS = (
    "campaign",
    "residences",
    "criteria",
    "meetings",
    "participants",
    "ideas",
    "projects",
    "commission",
    "ballots",
    "count",
    "results",
    "appointments",
    "surveys",
    "site",
    "all",
)


class AppEvents(QObject):
    """Application-level signals; views decide for themselves whether to reload."""

    data_changed = Signal(str)  # one of DATA_KINDS
    status_message = Signal(str)  # a short message for the status bar
    navigation_requested = Signal(str)  # a screen key from ui.screens.SCREENS


def apology() -> str:
    return _(
        "Désolé, une erreur inattendue s'est produite. Ce qui était déjà enregistré n'est pas"
        " perdu. Vous pouvez réessayer ; si l'erreur revient, transmettez le détail ci-dessous"
        " à la personne qui vous aide."
    )


@dataclass(eq=False)
class AppContext:
    services: Services
    events: AppEvents
    tasks: TaskRunner
    settings: UiSettings
    toast: Toast | None = None
    sync: SyncController | None = None  # set by the main window
    notices: list[str] = field(default_factory=list)  # every message shown, newest last
    errors: list[str] = field(default_factory=list)  # every error message shown, newest last

    def __post_init__(self) -> None:
        if self.tasks.error_handler is None:
            self.tasks.error_handler = self.report_error

    def changed(self, kind: str) -> None:
        """Say that data of `kind` changed, so that every view showing it reloads."""
        if kind not in DATA_KINDS:
            raise ValueError(f"unknown data kind {kind!r}")
        self.events.data_changed.emit(kind)

    def navigate(self, key: str) -> None:
        """Ask the main window to show the screen `key` (e.g. a home screen's next-step button)."""
        self.events.navigation_requested.emit(key)

    def notify(self, message: str, undo: Callable[[], None] | None = None) -> None:
        """A non-modal toast for a few seconds, with "Annuler" when `undo` is given."""
        self.notices.append(message)
        self.events.status_message.emit(message)
        if self.toast is not None:
            self.toast.show_message(message, undo)

    def report_error(self, exc: BaseException) -> None:
        self.show_error(exc, None)

    def show_error(self, exc: BaseException, parent: QWidget | None = None) -> QMessageBox | None:
        """A UserError shows its message; anything else is logged and shown as an apology.

        The box is window-modal but opened without blocking (`open`), so long work and tests go
        on; it is returned for tests. Cancellation is silent.
        """
        if isinstance(exc, Cancelled):
            return None
        parent = parent or (self.toast.host if self.toast is not None else None)
        if isinstance(exc, UserError):
            self.errors.append(exc.message)
            return self._box(QMessageBox.Icon.Warning, _("Action impossible"), exc.message, parent)
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        self.errors.append(apology())
        box = self._box(QMessageBox.Icon.Critical, _("Erreur inattendue"), apology(), parent)
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        box.setDetailedText(details)
        return box

    @staticmethod
    def _box(icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
