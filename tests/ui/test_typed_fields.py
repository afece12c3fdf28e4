"""Every number typed on every screen is visible in its field, at zoom 80 %, 100 % and 200 %.

The field test found the spin boxes' edit area 1 px wide under the theme's style sheet: counts of
participants, dwellings and ballots were typed blind. Each field is revealed in place (its tab or
page made current), typed into with the keyboard, and its edit area must hold the digits shown.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDateTimeEdit,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from ui.screens.count.forms import IntLine


def reveal(widget: QWidget, top: QWidget) -> None:
    """Make `widget` shown inside `top`: its pages current, its hidden parents shown, scrolled to."""
    chain: list[QWidget] = []
    current: QWidget | None = widget
    while current is not None and current is not top:
        chain.append(current)
        current = current.parentWidget()
    for child in reversed(chain):
        parent = child.parentWidget()
        if isinstance(parent, QStackedWidget):
            tabs = parent.parentWidget()
            if isinstance(tabs, QTabWidget):
                tabs.setCurrentWidget(child)
            else:
                parent.setCurrentWidget(child)
        if not child.isVisible():
            child.setVisible(True)
    QApplication.processEvents()
    current = widget.parentWidget()
    while current is not None and current is not top:
        if isinstance(current, QScrollArea):
            current.ensureWidgetVisible(widget)
        current = current.parentWidget()
    QApplication.processEvents()


def numeric_fields(screen: QWidget) -> list[QWidget]:
    spins = [s for s in screen.findChildren(QAbstractSpinBox) if s.isEnabled()]
    return spins + screen.findChildren(IntLine)


def edit_area(field: QWidget) -> QLineEdit:
    return field.lineEdit() if isinstance(field, QAbstractSpinBox) else field  # type: ignore[return-value]


def type_number(field: QWidget, qtbot) -> str:  # type: ignore[no-untyped-def]
    """Type 1234 as a user would (a date is only looked at); return the text the field shows."""
    edit = edit_area(field)
    if isinstance(field, QDateTimeEdit):
        return edit.text()
    field.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "1234")
    QApplication.processEvents()
    return edit.text()


def assert_visible_text(field: QWidget, shown: str, where: str) -> None:
    edit = edit_area(field)
    digits = "".join(ch for ch in shown if ch.isdigit())
    assert digits, f"{where}: nothing shown in the field"
    needed = edit.fontMetrics().horizontalAdvance(shown)
    margins = edit.textMargins()
    room = edit.width() - margins.left() - margins.right()
    assert room >= needed, f"{where}: {room} px to show {shown!r} ({needed} px)"
    inside = field.rect().contains(edit.geometry()) if edit is not field else True
    assert inside, f"{where}: the edit area lies outside its field"
    top_left = edit.mapTo(field.window(), edit.rect().topLeft())
    assert field.window().rect().contains(top_left), f"{where}: off the window"


@pytest.mark.parametrize("zoom", [80, 100, 200])
def test_every_number_typed_on_every_screen_is_visible(main_window, qtbot, zoom):
    main_window.resize(1366, 768)
    main_window.set_zoom(zoom)
    checked: list[str] = []
    for key, screen in main_window.screens.items():
        main_window.go_to(key)
        QApplication.processEvents()
        for number, field in enumerate(numeric_fields(screen)):
            reveal(field, screen)
            where = (
                f"{key} field {number} ({type(field).__name__} in {type(field.parent()).__name__})"
            )
            assert field.isVisible(), where
            shown = type_number(field, qtbot)
            assert_visible_text(field, shown, where)
            checked.append(where)
    if zoom != 100:
        main_window.set_zoom(100)  # the next tests start from the normal size
    # participants per category, dwellings, the vote's figures, the reconciliation's four figures
    assert sum("AttendanceEditor" in w for w in checked) >= 4
    assert sum("IntLine" in w for w in checked) == 4
    assert any(w.startswith("campaign") for w in checked)
    assert any(w.startswith("vote") for w in checked)
