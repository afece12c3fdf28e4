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

from PySide6.QtWidgets import QApplication, QWidget

from app.i18n import set_language
from app.services import open_services

log = logging.getLogger(__name__)


def _settle(app: QApplication, rounds: int = 4) -> None:
    for _round in range(rounds):
        app.processEvents()


def _grab(widget: QWidget, path: Path, app: QApplication) -> Path:
    _settle(app)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return path


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
        paths.append(_grab(window, out_dir / f"{number:02d}-{key}.png", app))
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
            paths.append(_grab(target, out_dir / f"{number:02d}-{variant_key}.png", app))
            number += 1
            if widget.isWindow() and widget is not window:
                widget.close()
    return paths
