"""Fixtures for GUI tests: a demo data folder, services, an AppContext with the inline runner.

The demo campaign is created once per test session and copied into each test's tmp_path, so
every test starts from the same realistic data and may change it freely.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.i18n import set_language
from app.services import Services, open_services
from ui.context import AppContext, AppEvents
from ui.settings import UiSettings
from ui.tasks import InlineTaskRunner


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-template")
    with open_services(path) as services:
        services.demo.create_demo()
    return path


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo_template, target, ignore=shutil.ignore_patterns("backups"))
    return target


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("fr")


def _services(path: Path) -> Iterator[Services]:
    services = open_services(path)
    yield services
    services.close()


@pytest.fixture
def services(demo_dir: Path) -> Iterator[Services]:
    yield from _services(demo_dir)


@pytest.fixture
def empty_services(migrated_template: Path, tmp_path: Path) -> Iterator[Services]:
    """A data folder with no campaign yet (first start)."""
    target = tmp_path / "empty"
    shutil.copytree(migrated_template, target)
    yield from _services(target)


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings(tmp_path / "ui-settings.ini")


def make_ctx(services: Services, settings: UiSettings) -> AppContext:
    return AppContext(
        services=services, events=AppEvents(), tasks=InlineTaskRunner(), settings=settings
    )


@pytest.fixture
def ctx(qapp: object, services: Services, ui_settings: UiSettings) -> AppContext:
    return make_ctx(services, ui_settings)


@pytest.fixture
def empty_ctx(qapp: object, empty_services: Services, ui_settings: UiSettings) -> AppContext:
    return make_ctx(empty_services, ui_settings)


@pytest.fixture
def main_window(ctx: AppContext, qtbot):  # type: ignore[no-untyped-def]
    """The whole main window on the demo data, shown offscreen at a laptop size."""
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.theme import apply_theme

    apply_theme(QApplication.instance())  # type: ignore[arg-type]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture(autouse=True)
def _delete_closed_widgets() -> Iterator[None]:
    """Delete the widgets earlier tests closed before this one starts, and its own after it.

    pytest-qt closes a test's widgets with `deleteLater`, but no event loop runs between tests
    to delete them: every main window of the run stayed alive, and each later change of the
    application's stylesheet (`apply_theme`, a zoom) re-polished all of them (tests/ui took six
    minutes instead of two, mostly in `QApplication.setStyleSheet`)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
