"""The sync server: a FastAPI app on SQLAlchemy (SQLite file by default). See docs/server.md."""

from __future__ import annotations

from pathlib import Path

SERVER_DB_NAME = "bp-terrain-server.sqlite3"


def db_url_for(data_dir: Path) -> str:
    """The embedded default: a SQLite file in the server's data folder."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / SERVER_DB_NAME}"


def server_db_url(data_dir: Path) -> str:
    """The SQLite file of an existing server data folder (never creates one by mistake)."""
    from app.i18n import _
    from sync.core.errors import SyncError

    if not (data_dir / SERVER_DB_NAME).is_file():
        raise SyncError(
            _(
                "{folder} n'est pas le dossier d'un serveur de synchronisation (pas de {name}) : "
                "indiquez le dossier du serveur (--data-dir) ou sa base (--db)."
            ).format(folder=data_dir, name=SERVER_DB_NAME)
        )
    return f"sqlite:///{data_dir / SERVER_DB_NAME}"


def is_server_folder(data_dir: Path) -> bool:
    return (data_dir / SERVER_DB_NAME).is_file()
