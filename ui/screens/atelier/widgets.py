"""The pieces of the mode atelier: the theme chips picked with one key, the last ideas list.

Kept apart from the window so that each part stays small and testable on its own.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from app.i18n import _
from ui.theme import COLORS

log = logging.getLogger(__name__)

MAX_THEME_KEYS = 9  # keys 1..9: one key per theme, no second key ever needed
ACCENT = COLORS.accent
SIZES = (14, 15, 16, 18, 20, 22, 26, 28)  # the type sizes of the mode atelier, in points


def sized(widget: QWidget, points: int, bold: bool = False) -> QWidget:
    """Give a widget one of the atelier's type sizes (see `size_rules`).

    A property rather than `setFont`: the application stylesheet sets `font-size` on every widget,
    and a stylesheet always wins over a font set in code.
    """
    widget.setProperty("pt", str(points))
    widget.setProperty("bold", bold)
    return widget


def size_rules(zoom: float = 1.0) -> str:
    """Stylesheet rules behind `sized`, scaled by the app zoom."""
    rules = [f'*[pt="{n}"] {{ font-size: {n * zoom:.1f}pt; }}' for n in SIZES]
    rules.append('*[bold="true"] { font-weight: bold; }')
    return "\n".join(rules)


class ThemeChip(QLabel):
    """One big labelled chip: "1  Cadre de vie". Selected = filled accent + check mark + bold."""

    def __init__(self, number: int, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.theme = theme
        sized(self, 20)
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Thème {n} : {theme}").format(n=number, theme=theme))
        self.set_selected(False)

    def set_selected(self, selected: bool) -> None:
        mark = "✓ " if selected else ""
        self.setText(f"{mark}{self.number}  {self.theme}")
        if selected:
            style = (
                f"background:{ACCENT}; color:white; border:3px solid {ACCENT}; font-weight:bold;"
            )
        else:
            style = f"background:{COLORS.surface}; color:{COLORS.text}; border:2px solid {COLORS.border};"
        self.setStyleSheet(f"QLabel {{ {style} border-radius: 12px; padding: 4px 12px; }}")


CHIP_COLUMNS = 3


class ThemePicker(QWidget):
    """Choose the idea's theme with a single digit key; Enter asks to save the idea.

    The widget takes the keyboard focus in the flow after the description, so digits typed here
    never end up in a text field.
    """

    theme_changed = Signal(str)
    submitted = Signal()

    def __init__(self, themes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName(_("Thème de l'idée : tapez son numéro"))
        self._chips = [
            ThemeChip(i + 1, theme, self) for i, theme in enumerate(themes[:MAX_THEME_KEYS])
        ]
        self._theme = ""
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setSpacing(12)
        # Three chips a row keep the window within a 1366-pixel laptop screen at 20 pt and up.
        for index, chip in enumerate(self._chips):
            grid.addWidget(chip, index // CHIP_COLUMNS, index % CHIP_COLUMNS)
        for column in range(CHIP_COLUMNS):
            grid.setColumnStretch(column, 1)

    @property
    def theme(self) -> str:
        return self._theme

    def themes(self) -> list[str]:
        return [chip.theme for chip in self._chips]

    def set_theme(self, theme: str) -> None:
        """Select a theme by name ("" clears); an unknown name clears too."""
        known = theme if theme in self.themes() else ""
        if known != self._theme:
            self._theme = known
            for chip in self._chips:
                chip.set_selected(chip.theme == known)
            self.theme_changed.emit(known)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            index = key - Qt.Key.Key_1
            if index < len(self._chips):
                self.set_theme(self._chips[index].theme)
            return
        if key in (Qt.Key.Key_0, Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.set_theme("")
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.setStyleSheet(
            f"ThemePicker {{ border: 3px solid {COLORS.focus}; border-radius: 14px; }}"
        )
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.setStyleSheet("ThemePicker { border: 3px solid transparent; border-radius: 14px; }")
        super().focusOutEvent(event)


class RecentIdeas(QLabel):
    """The last ideas noted, newest first, in smaller type: a glance back, not a list to edit."""

    def __init__(self, parent: QWidget | None = None, size: int = 5) -> None:
        super().__init__(parent)
        self._size = size
        sized(self, 15)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.set_titles([])

    def set_titles(self, titles: list[str]) -> None:
        """Show the newest titles (the list is given oldest first)."""
        newest = list(reversed(titles))[: self._size]
        if not newest:
            self.setText(_("Les idées notées s'afficheront ici."))
            return
        self.setText("\n".join(f"• {title}" for title in newest))
