"""A non-modal message at the bottom of the window, with an optional "Annuler" (undo) button.

Undo beats "Êtes-vous sûr ?": a deletion says "Supprimé — Annuler" for a few seconds instead of
asking first. The toast never takes the keyboard focus away from the person's work; the undo is
also reachable with Ctrl+Z while the toast is visible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.i18n import _

log = logging.getLogger(__name__)

TOAST_MS = 6000


class Toast(QFrame):
    """Child of the main window; `show_message` replaces any message already shown."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("toast")
        self.host = host
        self.dock: QWidget | None = None  # where messages go (the sidebar), else the bottom
        self._undo: Callable[[], None] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 10, 10, 10)
        layout.setSpacing(14)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.undo_button = QPushButton(_("Annuler"))
        self.undo_button.setToolTip(_("Annuler (Ctrl+Z)"))
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.undo_button.clicked.connect(self.undo)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.dismiss)
        self.shortcut = QShortcut(QKeySequence.StandardKey.Undo, host)
        self.shortcut.setEnabled(False)
        self.shortcut.activated.connect(self.undo)
        host.installEventFilter(self)
        self.hide()

    def show_message(self, message: str, undo: Callable[[], None] | None = None) -> None:
        self._undo = undo
        self.label.setText(message)
        self.label.setAccessibleName(message)
        self.undo_button.setVisible(undo is not None)
        self.shortcut.setEnabled(undo is not None)
        self._place()
        self.show()
        self.raise_()
        self.timer.start(TOAST_MS if undo is None else TOAST_MS + 2000)

    def undo(self) -> None:
        callback, self._undo = self._undo, None
        self.dismiss()
        if callback is not None:
            callback()

    def dismiss(self) -> None:
        self.timer.stop()
        self.shortcut.setEnabled(False)
        self._undo = None
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        if self.dock is not None and self.dock.isVisible():
            self._place_in_dock(self.dock)
            return
        width = min(640, max(320, self.host.width() - 80))
        self.setFixedWidth(width)
        self.adjustSize()
        x = (self.host.width() - width) // 2
        y = self.host.height() - self.height() - 48
        self.move(max(0, x), max(0, y))

    def _place_in_dock(self, dock: QWidget) -> None:
        """Inside `dock` (the sidebar), at its foot: a message never covers a field."""
        area = dock.geometry()
        top_left = (
            dock.parentWidget().mapTo(self.host, area.topLeft())
            if dock.parentWidget()
            else area.topLeft()
        )
        width = max(120, area.width() - 16)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move(top_left.x() + 8, top_left.y() + area.height() - self.height() - 8)
