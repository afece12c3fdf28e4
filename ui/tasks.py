"""Run long work off the GUI thread, with a progress bar ("312 / 1 000") and a Cancel button.

`fn(progress, cancel)` is a Qt-free function from the lower layers: it calls
`progress(done, total)` and checks `cancel.cancelled` (an `app.errors.CancelToken`) between units
of work. Results come back on the GUI thread through Qt signals connected to the bound methods
given as `on_done` / `on_error` (Anki's taskman is the model). The worker pool has one thread, so
SQLite writes are serialised. Tests use `InlineTaskRunner`, which runs everything synchronously.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.domain.money import format_number
from app.errors import Cancelled, CancelToken
from app.i18n import _

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
TaskFn = Callable[[Progress, CancelToken], Any]
ErrorHandler = Callable[[BaseException], None]


def format_count(n: int) -> str:
    """French thousands: 1 000 (narrow no-break space), by the application's one formatter."""
    return format_number(n)


def progress_text(done: int, total: int) -> str:
    return _("{done} / {total}").format(done=format_count(done), total=format_count(total))


class _Relay(QObject):
    """The worker emits these; the receiver `_Task` lives on the GUI thread, so Qt queues them."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a Qt object already destroyed (screen closed)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class _Task(QObject):
    """One running task on the GUI side: its progress dialog and where its result goes."""

    def __init__(
        self,
        runner: TaskRunner,
        dialog: QProgressDialog | None,
        on_done: Callable[[Any], None],
        on_error: ErrorHandler | None,
    ) -> None:
        super().__init__()
        self.runner, self.dialog = runner, dialog
        self.on_done, self.on_error = on_done, on_error
        self.relay = _Relay()
        self.job: _Job | None = None
        self.title = dialog.labelText() if dialog is not None else ""
        self.relay.progressed.connect(self.show_progress)
        self.relay.finished.connect(self.deliver_result)
        self.relay.failed.connect(self.deliver_failure)

    def show_progress(self, done: int, total: int) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        # Label first: a window-modal QProgressDialog.setValue() runs the event loop, which may
        # deliver the result and close the dialog before it returns.
        dialog.setLabelText(f"{self.title}\n{progress_text(done, total)}")
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))

    def deliver_result(self, result: Any) -> None:
        self._close()
        if _receiver_alive(self.on_done):
            self.on_done(result)

    def deliver_failure(self, exc: BaseException) -> None:
        self._close()
        handler = self.on_error or self.runner.error_handler
        if handler is None or _receiver_alive(handler):
            deliver_error(exc, handler)

    def _close(self) -> None:
        self.runner.forget(self)
        if self.dialog is not None:
            self.dialog.canceled.disconnect()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class _Job(QRunnable):
    def __init__(self, fn: TaskFn, relay: _Relay, cancel: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns the job (kept by its _Task): no double free
        self.fn, self.relay, self.cancel = fn, relay, cancel
        self._last_emit = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last_emit > 0.05:  # at most ~20 updates a second
            self._last_emit = now
            self.relay.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self.fn(self._progress, self.cancel)
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread as is
            self.relay.failed.emit(exc)
        else:
            self.relay.finished.emit(result)


class TaskRunner:
    """Start work in the background and hand its result back to the GUI thread."""

    def __init__(self, parent: QWidget | None = None, error_handler: ErrorHandler | None = None):
        self.parent = parent
        self.error_handler = error_handler
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._running: list[_Task] = []

    def run(
        self,
        fn: TaskFn,
        *,
        on_done: Callable[[Any], None],
        on_error: ErrorHandler | None = None,
        title: str,
        cancellable: bool = True,
        quiet: bool = False,
    ) -> CancelToken:
        """Run `fn(progress, cancel)` off the GUI thread; returns the cancel token.

        Pass bound methods as `on_done` / `on_error`: if their owner widget is destroyed before
        the work ends, the result is dropped instead of reaching a dead object. `quiet` work
        (a background sync) shows no progress dialog; it is cancelled through the token.
        """
        cancel = CancelToken()
        dialog = None if quiet else self._dialog(title, cancel, cancellable)
        task = _Task(self, dialog, on_done, on_error)
        self._running.append(task)
        task.job = _Job(fn, task.relay, cancel)
        self.pool.start(task.job)
        return cancel

    def forget(self, task: _Task) -> None:
        if task in self._running:
            self._running.remove(task)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (used by screenshots and tests of the real runner)."""
        return bool(self.pool.waitForDone(msecs))

    def _dialog(self, title: str, cancel: CancelToken, cancellable: bool) -> QProgressDialog:
        dialog = QProgressDialog(title, _("Annuler"), 0, 0, self.parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(600)  # only shown for work longer than about a second
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)  # type: ignore[arg-type]
        dialog.canceled.connect(cancel.cancel)
        return dialog


def deliver_error(exc: BaseException, handler: ErrorHandler | None) -> None:
    """Cancellation is silent; other errors go to the handler, or the log when there is none."""
    if isinstance(exc, Cancelled):
        log.info("task cancelled")
        return
    if handler is None:
        log.error("task failed", exc_info=(type(exc), exc, exc.__traceback__))
        return
    handler(exc)


class InlineTaskRunner(TaskRunner):
    """Runs tasks synchronously on the calling thread: deterministic GUI tests."""

    def __init__(self, parent: QWidget | None = None, error_handler: ErrorHandler | None = None):
        super().__init__(parent, error_handler)
        self.progress_log: list[tuple[int, int]] = []

    def run(
        self,
        fn: TaskFn,
        *,
        on_done: Callable[[Any], None],
        on_error: ErrorHandler | None = None,
        title: str,
        cancellable: bool = True,
        quiet: bool = False,
    ) -> CancelToken:
        cancel = CancelToken()
        try:
            result = fn(self._record, cancel)
        except BaseException as exc:  # noqa: BLE001
            deliver_error(exc, on_error or self.error_handler)
        else:
            on_done(result)
        return cancel

    def _record(self, done: int, total: int) -> None:
        self.progress_log.append((done, total))

    def wait(self, msecs: int = 30_000) -> bool:
        return True
