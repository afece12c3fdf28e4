"""Save-as-you-type: a short pause after the last keystroke saves, and says "Enregistré".

`AutoSaver.touch()` is connected to the fields' change signals; after `delay_ms` of quiet, `save()`
runs. A `UserError` goes under its field (or into the hint when no field matches) and the typed
text stays in the form, so nothing is lost; `flush()` saves at once (screen hidden, selection
changed). While a form is being filled from the database, wrap it in `with saver.loading():` so
that loading does not count as typing.

Two kinds of forms use it, with different needs (one class, two settings):

- the settings forms (campaign, criteria, residences, recommendations), the default: a refused
  edit stays pending, so the next `flush()` tries it again; the field in error takes the focus;
  an unexpected error propagates;
- the process screens' detail forms (meetings, ideas, projects, commission, participants), made by
  `record_saver()`: each record is its own save; a refused edit waits for the next edit (the
  following `flush()` only says it is still refused), the red line never steals the focus from
  the field being typed in, loading another record drops a waiting edit, and an unexpected error
  goes to `on_crash` (`ctx.show_error`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal

from app.errors import UserError
from ui.widgets.feedback import SavedHint
from ui.widgets.forms import Form

log = logging.getLogger(__name__)

DELAY_MS = 700
RECORD_DELAY_MS = 600


class AutoSaver(QObject):
    saved = Signal()
    failed = Signal(str)

    def __init__(
        self,
        save: Callable[[], None],
        form: Form,
        hint: SavedHint,
        delay_ms: int = DELAY_MS,
        parent: QObject | None = None,
        *,
        retry_refused: bool = True,
        focus_error: bool = True,
        on_crash: Callable[[Exception], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.save, self.form, self.hint = save, form, hint
        self.retry_refused, self.focus_error, self.on_crash = retry_refused, focus_error, on_crash
        self.last_error: UserError | None = None
        self._pending = False
        self._loading = 0
        self._saving = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)

    def pending(self) -> bool:
        """An edit waits to be saved (or, for the settings forms, to be accepted)."""
        return self._pending

    def touch(self, *_args: object) -> None:
        """An edit happened: save after the pause (restarted by each new edit)."""
        if self._loading:
            return
        self._pending = True
        self.hint.mark_pending()
        self.timer.start()

    def flush(self) -> bool:
        """Save now if something changed; False when the input was refused (errors shown)."""
        self.timer.stop()
        if self._saving:
            return True
        if not self._pending:
            return self.retry_refused or self.last_error is None
        return self.save_now()

    def save_now(self) -> bool:
        """Save whatever the form holds; False when it was refused (errors shown)."""
        self.timer.stop()
        self._pending, self._saving = False, True  # a reload during save() must not save again
        try:
            self.save()
        except UserError as exc:
            self._pending = self.retry_refused
            self.last_error = exc
            self._show(exc)
            self.failed.emit(exc.message)
            return False
        except Exception as exc:
            if self.on_crash is None:
                raise
            self.hint.mark_failed()  # a bug: logged and explained by on_crash
            self.on_crash(exc)
            return False
        finally:
            self._saving = False
        self.last_error = None
        self.form.clear_errors()
        self.hint.mark_saved()
        self.saved.emit()
        return True

    def _show(self, exc: UserError) -> None:
        self.form.clear_errors()
        shown = self.form.show_user_error(exc, focus=self.focus_error)
        self.hint.mark_failed(None if shown else exc.message)

    def discard(self) -> None:
        """Forget unsaved changes (the record was deleted or replaced)."""
        self.timer.stop()
        self._pending = False
        self.form.clear_errors()
        self.hint.clear()

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Fill the form from a record without it counting as an edit."""
        if not self.retry_refused:  # another record: an edit still waiting is dropped
            self.timer.stop()
            self._pending = False
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1


def record_saver(
    save: Callable[[], None],
    form: Form,
    hint: SavedHint,
    on_crash: Callable[[Exception], object],
) -> AutoSaver:
    """The saver of a process screen's detail form (see the module's docstring)."""
    return AutoSaver(
        save, form, hint, RECORD_DELAY_MS, form,
        retry_refused=False, focus_error=False, on_crash=on_crash,
    )  # fmt: skip
