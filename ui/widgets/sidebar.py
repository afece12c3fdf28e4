"""The sidebar: the phases of the process, each with a badge saying what waits there."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui.theme import set_role
from ui.widgets.feedback import Badge
from ui.widgets.scroll import scroll_page


class NavButton(QPushButton):
    """One phase: its label, its shortcut in the tooltip, and a badge ("⚠ 3 à examiner")."""

    def __init__(self, key: str, label: str, shortcut: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key, self.label_text, self.shortcut_text = key, label, shortcut
        self.setProperty("nav", True)
        self.setCheckable(True)
        column = QVBoxLayout(self)  # label above its badge: long words never get cut
        column.setContentsMargins(10, 4, 8, 4)
        column.setSpacing(2)
        self.name = QLabel(label)
        self.badge = Badge()
        column.addWidget(self.name)
        column.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        self.setToolTip(f"{label} ({shortcut})" if shortcut else label)
        self.toggled.connect(self._on_toggled)
        self._update_accessible_name()

    def set_badge(self, text: str | None, tone: str = "warning") -> None:
        self.badge.set_badge(text, tone)
        self._update_accessible_name()

    def badge_text(self) -> str:
        return self.badge.text() if not self.badge.isHidden() else ""

    def _on_toggled(self, checked: bool) -> None:
        self.name.setStyleSheet("color: #FFFFFF; font-weight: bold;" if checked else "")

    def _update_accessible_name(self) -> None:
        badge = self.badge_text()
        self.setAccessibleName(f"{self.label_text}, {badge}" if badge else self.label_text)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = self.layout().sizeHint()
        hint.setHeight(max(hint.height(), 40))
        return hint


class _NavList(QWidget):
    """The phases, inside the sidebar's scroll area. Its minimum height is the sum of the
    buttons' natural heights, so that the scroll area scrolls instead of squeezing them (a
    squeezed button cut its badge's letters in half: "⚠ 3 à reqrouper")."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().minimumSizeHint()


class Sidebar(QFrame):
    """Emits `screen_chosen(key)` when a phase is clicked or chosen with the keyboard."""

    screen_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setFixedWidth(250)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(12, 16, 12, 12)
        self.layout_.setSpacing(3)
        app_name = QLabel("BP Terrain")
        app_name.setObjectName("app-name")
        self.campaign = set_role(QLabel(), "muted")
        self.campaign.setWordWrap(True)
        self.layout_.addWidget(app_name)
        self.layout_.addWidget(self.campaign)
        self.layout_.addSpacing(14)
        # The phases scroll when they do not fit (twelve phases with their badges need more
        # than the height of a 1366×768 laptop's window): each keeps its whole height.
        self.nav = _NavList()
        self.nav.setObjectName("sidebar-nav")
        self.nav.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.nav_layout = QVBoxLayout(self.nav)
        self.nav_layout.setContentsMargins(0, 0, 0, 0)
        self.nav_layout.setSpacing(3)
        self.nav_layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.nav_area = scroll_page(self.nav, horizontal=False)
        self.nav_area.setObjectName("sidebar-scroll")
        self.nav_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.layout_.addWidget(self.nav_area, 1)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.buttonToggled.connect(self._on_toggled)
        self.buttons: dict[str, NavButton] = {}
        self.footer = set_role(QLabel(_("Ctrl+1 à Ctrl+9 : changer d'écran")), "muted")
        self.footer.setWordWrap(True)

    def add_screen(self, key: str, label: str, shortcut: str) -> NavButton:
        button = NavButton(key, label, shortcut, self.nav)
        button.clicked.connect(self._on_clicked)
        self.group.addButton(button)
        self.buttons[key] = button
        self.nav_layout.addWidget(button)
        return button

    def _on_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:  # the phase shown is always in view
            self.nav_area.ensureWidgetVisible(button, 0, 8)

    def finish(self) -> None:
        """Call after the last `add_screen`: the footer stays at the bottom, under the phases."""
        self.nav_layout.addStretch(1)
        self.layout_.addWidget(self.footer)

    def set_current(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    def set_campaign(self, name: str) -> None:
        self.campaign.setText(name)

    def _on_clicked(self) -> None:
        button = self.sender()
        if isinstance(button, NavButton):
            self.screen_chosen.emit(button.key)
