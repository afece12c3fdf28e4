"""Where the data lives: one folder per installation, chosen with --data-dir or platformdirs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "bp-terrain"
DB_FILENAME = "bp-terrain.sqlite3"


def default_data_dir() -> Path:
    """The platform's user data folder (e.g. ~/.local/share/bp-terrain on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def backups_dir(data_dir: Path) -> Path:
    return data_dir / "backups"
