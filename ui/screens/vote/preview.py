"""The live preview: a page of the chosen document, drawn from the real PDF, zoomable.

The services hand over PNG bytes (rendered by pdfium from the very PDF that will print); this
pane only scales them. "Ajuster" fits the whole page in the pane; the zoom buttons step through
fixed percentages of the real size on screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui.theme import TONE_ICONS, set_role

PREVIEW_DPI = 150.0
SCREEN_DPI = 96.0
ZOOMS = (50, 67, 80, 100, 125, 150)


def _tool_button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setToolTip(name)
    button.setMinimumWidth(40)
    return button


class PreviewPane(QWidget):
    """Shows one page (PNG bytes); asks for other pages through `page_requested`."""

    page_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixmap = QPixmap()
        self.page, self.pages = 0, 1
        self.zoom: int | None = None  # None: fit the whole page
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image.setAccessibleName(_("Aperçu du document"))
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.image)
        self.scroll_area.setWidgetResizable(False)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area.setStyleSheet("QScrollArea { background: #D9DEE5; }")
        self.message = set_role(QLabel(), "muted")
        self.message.setWordWrap(True)
        self.warnings = set_role(QLabel(), "error")
        self.warnings.setWordWrap(True)
        self.warnings.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.warnings)
        layout.addWidget(self.message)

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.prev_button = _tool_button("◀", _("Page précédente"))
        self.next_button = _tool_button("▶", _("Page suivante"))
        self.page_label = QLabel()
        self.zoom_out = _tool_button("−", _("Réduire l'aperçu"))
        self.zoom_in = _tool_button("+", _("Agrandir l'aperçu"))
        self.fit_button = _tool_button(_("Page entière"), _("Voir la page entière"))
        self.zoom_label = set_role(QLabel(), "muted")
        self.prev_button.clicked.connect(lambda: self.page_requested.emit(self.page - 1))
        self.next_button.clicked.connect(lambda: self.page_requested.emit(self.page + 1))
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        self.fit_button.clicked.connect(self.fit_page)
        for widget in (self.prev_button, self.page_label, self.next_button):
            row.addWidget(widget)
        row.addStretch(1)
        for widget in (self.zoom_label, self.zoom_out, self.zoom_in, self.fit_button):
            row.addWidget(widget)
        return row

    def show_page(
        self, png: bytes, page: int, pages: int, warnings: tuple[str, ...] = (), note: str = ""
    ) -> None:
        self.pixmap = QPixmap()
        self.pixmap.loadFromData(png, "PNG")
        self.page, self.pages = page, pages
        self.page_label.setText(_("Page {n} / {total}").format(n=page + 1, total=pages))
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < pages)
        text = "\n".join(f"{TONE_ICONS['warning']} {w}" for w in warnings)
        self.warnings.setText(text)
        self.warnings.setVisible(bool(warnings))
        self.message.setText(note)
        self._scale()

    def show_message(self, text: str) -> None:
        """No page to show (nothing to print yet, or an error): say why instead."""
        self.pixmap = QPixmap()
        self.image.clear()
        self.image.resize(0, 0)
        self.warnings.setVisible(False)
        self.page_label.clear()
        self.prev_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self.message.setText(text)

    def has_page(self) -> bool:
        return not self.pixmap.isNull()

    def step_zoom(self, direction: int) -> None:
        current = self.current_zoom()
        options = [z for z in ZOOMS if (z > current if direction > 0 else z < current)]
        if options:
            self.zoom = min(options) if direction > 0 else max(options)
            self._scale()

    def fit_page(self) -> None:
        self.zoom = None
        self._scale()

    def current_zoom(self) -> int:
        """The zoom in percent of the real size on a 96 dpi screen."""
        if self.zoom is not None:
            return self.zoom
        if self.pixmap.isNull():
            return 100
        viewport = self.scroll_area.viewport()
        scale = SCREEN_DPI / PREVIEW_DPI
        by_width = (viewport.width() - 24) / (self.pixmap.width() * scale)
        by_height = (viewport.height() - 8) / (self.pixmap.height() * scale)
        return max(10, int(100 * min(by_width, by_height)))

    def _scale(self) -> None:
        if self.pixmap.isNull():
            return
        zoom = self.current_zoom()
        width = int(self.pixmap.width() * SCREEN_DPI / PREVIEW_DPI * zoom / 100)
        scaled = self.pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(scaled)
        self.image.resize(scaled.size())
        self.zoom_label.setText(f"{zoom} %")
        self.zoom_out.setEnabled(zoom > ZOOMS[0])
        self.zoom_in.setEnabled(zoom < ZOOMS[-1])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.zoom is None:
            self._scale()
