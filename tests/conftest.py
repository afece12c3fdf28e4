"""Shared test set-up: Qt runs offscreen, set before PySide6 is ever imported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config: object) -> None:
    """Make None immortal under PySide6 6.12.0 + Python 3.11 (see ui.main.guard_none_refcount);
    without it, pytest-qt's waits abort the run after a few thousand event-loop turns."""
    try:
        from ui.main import guard_none_refcount
    except ImportError:  # no Qt installed: the non-GUI tests still run
        return
    guard_none_refcount()
