"""Every screen fits a 1366×768 and a 1280×720 laptop at 100 % without losing what names a row.

The field test found project titles 3 letters wide ("Air…"), the commission grid scrolling the
project's name away when reaching Décision/Motif/État, cut filters ("Toutes les résider"), the
meetings' Résidence column as "L…", messages over fields and a cut status-bar message ("Ra…").
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
)

from ui.main_window import MainWindow, default_size
from ui.screens.commission.grid import CommissionGridView

SIZES = [(1366, 768), (1280, 720)]


def settle() -> None:
    for _round in range(3):
        QApplication.processEvents()


def header_text_width(view: QTableView, column: int) -> int:
    header = view.horizontalHeader()
    label = str(view.model().headerData(column, header.orientation()) or "")
    metrics = header.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in label.splitlines()), default=0)


def check_table(view: QTableView, where: str) -> None:
    header = view.horizontalHeader()
    for column in range(header.count()):
        if header.isSectionHidden(column):
            continue
        assert header.sectionSize(column) >= header_text_width(view, column), (
            f"{where}: header of column {column} elided"
        )
    name = getattr(view, "name_column", None)
    if name is None or view.model().rowCount() == 0:
        return
    left = header.sectionViewportPosition(name)
    right = left + header.sectionSize(name)
    assert left >= 0 and right <= view.viewport().width(), f"{where}: name column off-screen"
    cap = view.fontMetrics().averageCharWidth() * 40
    widest = view.sizeHintForColumn(name)
    assert header.sectionSize(name) >= min(widest, cap), f"{where}: names elided"


def check_combos(screen, where: str) -> None:  # type: ignore[no-untyped-def]
    for area in screen.findChildren(QScrollArea):
        inner = area.widget()
        off = area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if area.isVisible() and inner is not None and off:
            assert inner.width() <= area.viewport().width(), f"{where}: a form is cut on the right"
    for check in screen.findChildren(QCheckBox):
        if check.isVisible() and check.text():
            assert check.width() >= check.sizeHint().width(), f"{where}: {check.text()!r} cut"
    for box in screen.findChildren(QComboBox):
        if not box.isVisible() or box.parentWidget() is None:
            continue
        text = box.currentText()
        option = QStyleOptionComboBox()
        box.initStyleOption(option)
        field = box.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
        )
        room = field.width()
        needed = box.fontMetrics().horizontalAdvance(text)
        if box.sizeAdjustPolicy() == QComboBox.SizeAdjustPolicy.AdjustToContents:
            assert room >= needed, f"{where}: filter {text!r} cut ({room} < {needed})"


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "1280x720"])
def test_every_screen_fits_the_laptop_with_its_names_whole(main_window: MainWindow, size, qtbot):
    main_window.resize(*size)
    settle()
    assert (main_window.width(), main_window.height()) == size  # no larger minimum size
    for key, screen in main_window.screens.items():
        main_window.go_to(key)
        settle()
        states = [(key, screen)] + [
            (variant, prepare) for variant, prepare in screen.screenshot_variants()
        ]
        for name, state in states:
            if callable(state):
                widget = state()
                if widget.isWindow() and widget is not main_window:
                    widget.close()
                    continue
            settle()
            for view in screen.findChildren(QTableView):
                if view.isVisible() and view.objectName() != "commission-frozen-column":
                    check_table(view, f"{name} at {size}")
            check_combos(screen, f"{name} at {size}")


def test_the_commission_grid_keeps_the_project_name_while_reaching_the_decision(
    main_window: MainWindow, qtbot
):
    main_window.resize(1280, 720)
    main_window.go_to("commission")
    settle()
    grid = main_window.screen("commission").view
    assert isinstance(grid, CommissionGridView)
    model = grid.model()
    last = model.columnCount() - 1
    grid.setCurrentIndex(model.index(0, last))  # État, the last column
    settle()
    assert grid.horizontalScrollBar().value() > 0  # the grid did scroll
    frozen = grid.frozen
    assert frozen.isVisible() and not frozen.isColumnHidden(0)
    assert frozen.geometry().left() <= grid.frameWidth() + 1
    assert frozen.columnWidth(0) == grid.columnWidth(0)
    shown = frozen.model().index(0, 0).data()
    assert shown.startswith("n° 1 ")
    assert frozen.visualRect(frozen.model().index(0, 0)).isValid()
    current = grid.visualRect(grid.currentIndex())
    assert current.left() >= grid.columnWidth(0)  # the current cell is not under the name


def test_messages_cover_no_field_and_are_never_cut(main_window: MainWindow, ctx, qtbot):
    main_window.resize(1280, 720)
    main_window.go_to("count")
    settle()
    ctx.notify("Rapprochement enregistré.")
    settle()
    toast = ctx.toast
    assert toast is not None and toast.isVisible()
    side = main_window.sidebar
    sidebar = QRect(side.mapTo(main_window, QPoint(0, 0)), side.size())  # window coordinates
    assert sidebar.contains(toast.geometry()), "the message lies over the screen's fields"
    bar = main_window.status
    shown = bar.currentMessage()
    assert shown in ("", "Rapprochement enregistré.")
    if shown:
        assert bar.fontMetrics().horizontalAdvance(shown) <= bar.free_width()
    assert not bar.show_note("Un message bien trop long " * 10)  # never shown cut
    assert bar.currentMessage() == ""


def test_the_window_opens_inside_a_1366x768_screen():
    from PySide6.QtCore import QSize

    assert default_size(QSize(1366, 738)) == QSize(1366, 738)  # a task bar takes 30 px
    assert default_size(QSize(1920, 1040)) == QSize(1366, 768)
    assert default_size(QSize(1280, 690)) == QSize(1280, 690)


def test_a_first_start_opens_the_window_inside_the_screen(main_window: MainWindow, ctx):
    ctx.settings.geometry = b""  # nothing remembered yet
    main_window.restore_state()  # it once called the screen lookup with no key and crashed
    free = QApplication.primaryScreen().availableGeometry().size()
    expected = default_size(free).expandedTo(main_window.minimumSize())  # offscreen: 800×800
    assert main_window.size() == expected
    assert main_window.windowState() & Qt.WindowState.WindowMaximized  # a small screen: all of it


@pytest.mark.parametrize("size", [(1366, 706), (1280, 650)])
def test_every_phase_and_its_badge_show_whole_and_the_current_one_is_in_view(
    main_window: MainWindow, size: tuple[int, int]
) -> None:
    """Twelve phases with their badges are taller than a laptop's window: they scroll, each at
    its whole height (squeezed, the badges' letters were cut in half: "⚠ 3 à reqrouper"), and
    the phase shown is always in view. Sizes: the free area of 1366×768 and 1280×720 screens
    under a title bar, a menu and a status bar."""
    main_window.resize(*size)
    settle()
    side = main_window.sidebar
    with_badge = [b for b in side.buttons.values() if b.badge_text()]
    assert len(with_badge) >= 6  # the demo has work waiting in most phases
    for button in side.buttons.values():
        assert button.height() >= button.sizeHint().height(), button.label_text
        if button.badge_text():
            assert button.badge.height() >= button.badge.sizeHint().height(), button.label_text
    viewport = side.nav_area.viewport()
    for key in reversed(list(side.buttons)):
        main_window.go_to(key)
        settle()
        button = side.buttons[key]
        top_left = button.mapTo(viewport, QPoint(0, 0))
        assert QRect(top_left, button.size()) & viewport.rect() == QRect(top_left, button.size()), (
            key
        )
    footer = side.footer
    assert footer.isVisible() and footer.geometry().bottom() <= side.height()
