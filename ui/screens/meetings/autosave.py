"""Save-as-you-type for the process screens' detail forms (meetings, ideas, projects, commission).

A form calls `touch()` on every edit; after a short pause `save()` runs. A `UserError` goes under
its field as a red line (without stealing the focus from the field being typed in), anything else
goes to `ctx.show_error`. `flush()` saves at once: called before another record is shown, so that
switching rows never drops an edit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit

from app.errors import UserError
from ui.theme import TONE_ICONS
from ui.widgets import Form, SavedHint

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 600


class AutoSaver(QObject):
    """Debounce edits of one form and save them after a pause."""

    def __init__(
        self,
        ctx: AppContext,
        form: Form,
        hint: SavedHint,
        save: Callable[[], None],
        delay_ms: int = SAVE_DELAY_MS,
    ) -> None:
        super().__init__(form)
        self.ctx, self.form, self.hint, self._save = ctx, form, hint, save
        self._loading = False
        self.last_error: UserError | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Fill the form from a record without it counting as an edit."""
        self._timer.stop()
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    def touch(self, *_args: object) -> None:
        """An edit happened: save after the pause (restarted by each new edit)."""
        if self._loading:
            return
        self.hint.mark_pending()
        self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive()

    def flush(self) -> bool:
        """Save now if an edit is waiting; True when nothing is left unsaved."""
        if self._timer.isActive():
            return self.save_now()
        return self.last_error is None

    def save_now(self) -> bool:
        self._timer.stop()
        self.form.clear_errors()
        try:
            self._save()
        except UserError as exc:
            self.last_error = exc
            self._show(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - a bug: logged and explained by show_error
            self.hint.mark_failed()
            self.ctx.show_error(exc, self.form)
            return False
        self.last_error = None
        self.hint.mark_saved()
        return True

    def _show(self, exc: UserError) -> None:
        field = exc.field or ""
        row = self.form.rows.get(field) or self.form.rows.get(field.split(".")[0])
        if row is not None:
            row.set_error(exc.message)
            self.hint.mark_failed()
        else:
            self.hint.mark_failed()
            self.hint.setText(f"{TONE_ICONS['danger']} {exc.message}")


def tall(edit: QPlainTextEdit, lines: int) -> QPlainTextEdit:
    """Give a multi-line field room for `lines` lines.

    The application stylesheet's `min-height` on text fields wins over `setMinimumHeight`, so the
    height is set through the field's own stylesheet.
    """
    height = edit.fontMetrics().lineSpacing() * lines + 22
    edit.setStyleSheet(f"QPlainTextEdit {{ min-height: {height}px; max-height: {height}px; }}")
    return edit
