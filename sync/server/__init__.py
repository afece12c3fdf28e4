"""The sync server: a FastAPI app on SQLAlchemy (SQLite file by default). See docs/server.md."""

from __future__ import annotations

from pathlib import Path

SERVER_DB_NAME = "bp-terrain-server.sqlite3"


def db_url_for(data_dir: Path) -> str:
    """The embedded default: a SQLite file in the server's data folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / SERVER_DB_NAME}"
