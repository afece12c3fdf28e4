"""Small feedback widgets: `Badge`, `SavedHint` ("Enregistré") and `EmptyState`.

Colour is never the only signal: a badge carries an icon and words, a saved hint says what it means.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from ui.theme import TONE_ICONS, set_role, tone_colors


class Badge(QLabel):
    """A pill such as "⚠ 3 à examiner": tone colour + icon + word."""

    def __init__(self, text: str = "", tone: str = "warning", parent: QWidget | None = None):
        super().__init__(parent)
        self.set_badge(text, tone)

    def set_badge(self, text: str | None, tone: str = "warning") -> None:
        self.tone = tone
        fg, bg = tone_colors(tone)
        self.setStyleSheet(
            f"background: {bg}; color: {fg}; border: 1px solid {fg}; border-radius: 9px;"
            " padding: 1px 8px; font-weight: bold; font-size: 9.5pt;"
        )
        self.setText(f"{TONE_ICONS.get(tone, '')} {text}" if text else "")
        self.setVisible(bool(text))


class SavedHint(QLabel):
    """Says "✔ Enregistré" after a save-as-you-type, then fades to a quiet "Enregistré"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "saved")
        self.setAccessibleName(_("État de l'enregistrement"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._settle)

    def mark_saved(self) -> None:
        self.setText(f"{TONE_ICONS['success']} " + _("Enregistré"))
        self.setStyleSheet("font-weight: bold;")
        self._timer.start(2500)

    def mark_pending(self) -> None:
        self.setText(_("Modifications en cours…"))
        self.setStyleSheet("")

    def mark_failed(self, message: str | None = None) -> None:
        text = message or _("Non enregistré : corrigez le champ en rouge")
        self.setText(f"{TONE_ICONS['danger']} {text}")
        self.setWordWrap(True)
        fg, _bg = tone_colors("danger")
        self.setStyleSheet(f"color: {fg}; font-weight: bold;")

    def clear(self) -> None:
        self.setText("")

    def _settle(self) -> None:
        self.setStyleSheet("")


class EmptyState(QFrame):
    """An empty list that teaches: what it is for, and the button that fills it."""

    def __init__(
        self,
        title: str,
        text: str,
        button_text: str | None = None,
        on_click: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        set_role(self, "empty")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        self.title_label = set_role(QLabel(title), "empty-title")
        self.text_label = set_role(QLabel(text), "muted")
        for label in (self.title_label, self.text_label):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.button: QPushButton | None = None
        if button_text:
            self.button = QPushButton(button_text)
            self.button.setProperty("primary", True)
            if on_click is not None:
                self.button.clicked.connect(on_click)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
