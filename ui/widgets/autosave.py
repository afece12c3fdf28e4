"""Save-as-you-type: a short pause after the last keystroke saves, and says "Enregistré".

`AutoSaver.touch()` is connected to the fields' change signals; after `delay_ms` of quiet, `save()`
runs. A `UserError` goes under its field (or into the hint when no field matches) and the typed
text stays in the form, so nothing is lost; `flush()` saves at once (screen hidden, selection
changed). While a form is being filled from the database, wrap it in `with saver.loading():` so
that loading does not count as typing.
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


class AutoSaver(QObject):
    saved = Signal()
    failed = Signal(str)

    def __init__(
        self,
        save: Callable[[], None],
        form: Form,
        hint: SavedHint,
        delay_ms: int = 700,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.save, self.form, self.hint = save, form, hint
        self.pending = False
        self._loading = 0
        self._saving = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.flush)

    def touch(self, *_args: object) -> None:
        if self._loading:
            return
        self.pending = True
        self.hint.mark_pending()
        self.timer.start()

    def flush(self) -> bool:
        """Save now if something changed; False when the input was refused (errors shown)."""
        self.timer.stop()
        if not self.pending or self._saving:
            return True
        self.pending, self._saving = False, True  # a reload during save() must not save again
        try:
            self.save()
        except UserError as exc:
            self.pending = True
            self.form.clear_errors()
            shown = self.form.show_user_error(exc)
            self.hint.mark_failed(None if shown else exc.message)
            self.failed.emit(exc.message)
            return False
        finally:
            self._saving = False
        self.form.clear_errors()
        self.hint.mark_saved()
        self.saved.emit()
        return True

    def discard(self) -> None:
        """Forget unsaved changes (the record was deleted or replaced)."""
        self.timer.stop()
        self.pending = False
        self.form.clear_errors()
        self.hint.clear()

    @contextmanager
    def loading(self) -> Iterator[None]:
        self._loading += 1
        try:
            yield
        finally:
            self._loading -= 1
