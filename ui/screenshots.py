"""Render every main screen of a data folder to PNG files, offscreen (`bp-terrain screenshots`).

This is how screens are reviewed: the demo campaign, the real main window, each screen in the
order of the sidebar, plus the notable states the screens declare (`Screen.screenshot_variants`:
the mode atelier, a filled commission grid...). Files are named `NN-key.png`.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from app.i18n import set_language
from app.services import open_services
from ui.theme import COLORS

log = logging.getLogger(__name__)


def _settle(app: QApplication, rounds: int = 4) -> None:
    for _round in range(rounds):
        app.processEvents()


def _grab(widget: QWidget, path: Path, app: QApplication, size: tuple[int, int]) -> Path:
    """Save the widget as PNG at exactly `size`: a widget whose minimum size is larger is
    scaled down to fit (and a warning names it: it will not fit such a screen either)."""
    _settle(app)
    pixmap = widget.grab()
    if (pixmap.width(), pixmap.height()) != size:
        log.warning("%s is %dx%d, not %dx%d: scaled to fit", path.name, pixmap.width(),
                    pixmap.height(), *size)  # fmt: skip
        pixmap = _fit(pixmap, size)
    if not pixmap.save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return path


def _fit(pixmap: QPixmap, size: tuple[int, int]) -> QPixmap:
    canvas = QPixmap(*size)
    canvas.fill(QColor(COLORS.background))
    scaled = pixmap.scaled(*size, Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    painter = QPainter(canvas)
    painter.drawPixmap((size[0] - scaled.width()) // 2, (size[1] - scaled.height()) // 2, scaled)
    painter.end()
    return canvas


def render_all(
    data_dir: Path,
    out_dir: Path,
    size: tuple[int, int] = (1366, 800),
    language: str | None = None,
) -> list[Path]:
    """Write one PNG per main screen (and per declared variant) into `out_dir`; return the paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.main import build_context, install_qt_translations, qt_application
    from ui.main_window import MainWindow
    from ui.settings import UiSettings
    from ui.tasks import InlineTaskRunner
    from ui.theme import apply_theme

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    app = qt_application()
    lang = language or "fr"
    set_language(lang)
    translators = install_qt_translations(app, lang)
    apply_theme(app, 1.0)
    services = open_services(Path(data_dir))
    with tempfile.TemporaryDirectory() as tmp:
        ctx = build_context(services, UiSettings(Path(tmp) / "ui.ini"))
        ctx.tasks = InlineTaskRunner(error_handler=ctx.report_error)  # deterministic renders
        window = MainWindow(ctx)
        try:
            window.resize(*size)
            window.show()
            return _render_screens(window, out_dir, size, app)
        finally:
            window.close()
            window.deleteLater()
            _settle(app)
            services.close()
            for translator in translators:
                app.removeTranslator(translator)


def _render_screens(
    window: QWidget, out_dir: Path, size: tuple[int, int], app: QApplication
) -> list[Path]:
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    paths: list[Path] = []
    number = 1
    for key, screen in window.screens.items():
        window.go_to(key)
        paths.append(_grab(window, out_dir / f"{number:02d}-{key}.png", app, size))
        number += 1
        for variant_key, prepare in screen.screenshot_variants():
            try:
                widget = prepare()
            except Exception:  # noqa: BLE001 - one broken variant must not stop the others
                log.exception("screenshot variant %s failed", variant_key)
                continue
            if widget.isWindow() and widget is not window:
                widget.resize(*size)
            target = window if widget is screen else widget
            paths.append(_grab(target, out_dir / f"{number:02d}-{variant_key}.png", app, size))
            number += 1
            if widget.isWindow() and widget is not window:
                widget.close()
            window.refresh_chrome()  # a variant's faked state stays in its own picture
    return paths
