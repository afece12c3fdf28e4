"""The scrolling page: a widget in a resizable scroll area, as every long form and page uses it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def scroll_page(
    content: QWidget | None = None,
    *,
    frame: bool = False,
    horizontal: bool = True,
    fill: QWidget | None = None,
) -> QScrollArea:
    """`content` (or a new empty page) in a scroll area that resizes it to its width.

    `frame`: keep the area's frame (a form beside a list); `horizontal=False`: never a horizontal
    scroll bar, the page follows the width; `fill`: the area fills that widget (a whole screen).
    """
    area = QScrollArea()
    area.setWidgetResizable(True)
    if not frame:
        area.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content if content is not None else QWidget())
    if fill is not None:
        outer = QVBoxLayout(fill)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(area)
    return area
