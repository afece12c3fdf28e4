"""Shared test set-up: Qt runs offscreen, set before PySide6 is ever imported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _french_after_each_test():
    """The language is process-wide (`--lang en`, `set_language`): every test starts in French."""
    yield
    from app.i18n import language, set_language

    if language() != "fr":
        set_language("fr")
