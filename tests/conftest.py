"""Shared test set-up: Qt runs offscreen, set before PySide6 is ever imported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
