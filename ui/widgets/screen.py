"""`Screen`: the base of every main screen, and its header with one primary action.

A screen reloads itself from the services when the application says that a kind of data it
shows has changed (`kinds`), lazily: a hidden screen only notes that it is stale and refreshes
when it is shown again. `badge()` tells the sidebar what waits there ("3 à examiner").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.theme import set_role

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

# (file key, prepare): `prepare()` puts the screen in a notable state (mode atelier open, grid
# filled...) and returns the widget to grab; used by `ui.screenshots.render_all`.
ScreenshotVariant = tuple[str, Callable[[], QWidget]]


def primary_button(text: str, on_click: Callable[[], None] | None = None) -> QPushButton:
    """The one visibly distinct action of a screen (accent colour, bold)."""
    button = QPushButton(text)
    button.setProperty("primary", True)
    if on_click is not None:
        button.clicked.connect(on_click)
    return button


class ScreenHeader(QWidget):
    """Title, a one-line explanation below it, and actions on the right."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 8)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title_label = set_role(QLabel(title), "title")
        self.subtitle_label = set_role(QLabel(subtitle), "subtitle")
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setVisible(bool(subtitle))
        texts.addWidget(self.title_label)
        texts.addWidget(self.subtitle_label)
        row.addLayout(texts, 1)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(8)
        row.addLayout(self.actions)

    def add_action(self, button: QPushButton) -> QPushButton:
        self.actions.addWidget(button)
        return button

    def set_subtitle(self, text: str) -> None:
        self.subtitle_label.setText(text)
        self.subtitle_label.setVisible(bool(text))


class Screen(QWidget):
    """Base class of the main screens.

    Subclasses set `title` and `kinds` (the `data_changed` kinds that concern them), build their
    widgets in `__init__`, and implement `refresh()` (reload from `self.ctx.services`). They may
    override `badge()`/`badge_tone()` for the sidebar, and `screenshot_variants()` to add notable
    states to the screenshots (e.g. the mode atelier, a filled commission grid).
    """

    title: str = ""
    kinds: tuple[str, ...] = ("all",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._refreshing = False
        self._again = QTimer(self)  # a change announced during refresh() reloads once more after
        self._again.setSingleShot(True)
        self._again.setInterval(0)
        self._again.timeout.connect(self._reload_if_stale)
        ctx.events.data_changed.connect(self.on_data_changed)

    def refresh(self) -> None:
        """Reload what the screen shows from the services."""

    def badge(self) -> str | None:
        """Short words for the sidebar badge ("3 à examiner"), or None when nothing waits."""
        return None

    def badge_tone(self) -> str:
        """The badge's tone: "warning" (something to do), "info", "success" or "danger"."""
        return "warning"

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return []

    def on_data_changed(self, kind: str) -> None:
        if kind == "all" or kind in self.kinds or "all" in self.kinds:
            if self.isVisible() and not self._refreshing:
                self.reload()
            else:
                self._stale = True

    def reload(self) -> None:
        """Refresh now, showing any error instead of letting it escape into Qt."""
        if self._refreshing:
            self._stale = True
            return
        self._stale, self._refreshing = False, True
        try:
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - shown to the person, logged by show_error
            self.ctx.show_error(exc, self)
        finally:
            self._refreshing = False
        if self._stale:
            self._again.start()

    def _reload_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self.reload()

    def standard_layout(self, title: str, subtitle: str = "") -> tuple[QVBoxLayout, ScreenHeader]:
        """A page layout with generous margins and a header; returns (layout, header)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 20)
        layout.setSpacing(12)
        header = ScreenHeader(title, subtitle)
        layout.addWidget(header)
        return layout, header
