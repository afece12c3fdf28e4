"""Opening the SQLite store: checks, automatic backup, migrations, connection settings.

Order at start: refuse a file that is not a database or is damaged; refuse a database written by a
newer BP Terrain (its Alembic revision is unknown to us) without touching it; back the file up with
SQLite's online backup when a migration is pending; migrate; then hand out sessions.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.errors import StorageError
from app.i18n import _
from app.paths import backups_dir, database_path

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")

# Alembic (with Mako) is imported only when a migration is pending: it costs a fifth of the start
# of a `bp-terrain` command, and a store already at the head revision does not need it.


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process (Alembic compiles every file on each read)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in _scripts().walk_revisions()}


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*=\s*(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


@functools.cache
def quick_head_revision() -> str | None:
    """The head read from the scripts' `revision =` / `down_revision =` lines, without Alembic.

    None when the scripts do not show exactly one head (a branch, a merge written another way):
    the caller then asks Alembic. `tests/app/test_migrations.py` checks it equals `head_revision`.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            ids = set(_QUOTED.findall(value))
            (revisions if name == "revision" else parents).update(ids)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(
        "PRAGMA secure_delete=ON"
    )  # erased personal data is zeroed, not left in free pages
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _current_revision(path: Path) -> str | None:
    """Read the Alembic revision with plain sqlite3, refusing files that are not databases."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise StorageError(_corrupt_message(path))
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                if tables - {"sqlite_sequence"}:
                    raise StorageError(
                        _(
                            "Le fichier {path} contient une base qui n'est pas une base BP Terrain."
                        ).format(path=path)
                    )
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(_corrupt_message(path)) from exc


def _corrupt_message(path: Path) -> str:
    return _(
        "Le fichier {path} est endommagé ou n'est pas une base de données BP Terrain. "
        "Il n'a pas été modifié. Restaurez une sauvegarde du dossier « backups »."
    ).format(path=path)


def backup_database(path: Path, target_dir: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup API (consistent even under WAL)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = target_dir / f"{path.stem}-{stamp}-{label}.sqlite3"
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.OperationalError as exc:
        raise wrap_sqlite_error(exc, path) from exc
    finally:
        src.close()
    return target


def wrap_sqlite_error(exc: BaseException, path: Path) -> StorageError:
    """Turn SQLite's disk-full and read-only failures into French messages."""
    text = str(exc).lower()
    if "full" in text or "no space" in text:
        return StorageError(
            _(
                "Le disque est plein : l'enregistrement n'a pas pu être fait. Ce qui était déjà "
                "enregistré est intact. Libérez de la place puis recommencez."
            )
        )
    if "readonly" in text or "read-only" in text or "permission" in text:
        return StorageError(
            _(
                "La base {path} est en lecture seule : impossible d'enregistrer. Vérifiez les "
                "droits du fichier ou choisissez un autre dossier de données."
            ).format(path=path)
        )
    return StorageError(
        _("Erreur de la base de données ({detail}). Rien n'a été enregistré.").format(detail=exc)
    )


def _check_writable(data_dir: Path, path: Path) -> None:
    """Refuse up front a folder or file that cannot be written (read-only disk, rights)."""
    try:
        probe = data_dir / ".bp-terrain-write-test"
        probe.write_bytes(b"")
        probe.unlink()
        if path.exists():
            with path.open("r+b"):
                pass
    except OSError as exc:
        raise wrap_sqlite_error(PermissionError("read-only: " + str(exc)), path) from exc


@dataclass
class Database:
    """An opened, migrated store: the engine and the session factory."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None

    def close(self) -> None:
        self.engine.dispose()


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) the store in `data_dir`, backed up and migrated."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            _("Impossible de créer le dossier de données {path} : {error}").format(
                path=data_dir, error=exc.strerror or exc
            )
        ) from exc
    path = database_path(data_dir)
    _check_writable(data_dir, path)
    existing = path.exists() and path.stat().st_size > 0
    current = _current_revision(path) if existing else None
    if current is not None and current == quick_head_revision():  # up to date: no Alembic
        engine = make_engine(path)
        return Database(path, engine, sessionmaker(engine, expire_on_commit=False))
    head = head_revision()
    if current is not None and current not in known_revisions():
        raise StorageError(
            _(
                "Cette base a été enregistrée par une version plus récente de BP Terrain "
                "(révision {rev}). Installez la dernière version ; le fichier n'a pas été modifié."
            ).format(rev=current)
        )
    backup: Path | None = None
    if existing and current != head:
        backup = backup_database(path, backups_dir(data_dir), f"before-{head}")
        log.info("database backed up to %s before migration", backup)
    engine = make_engine(path)
    if current == head:  # up to date: nothing to migrate
        return Database(path, engine, sessionmaker(engine, expire_on_commit=False))
    try:
        from alembic import command

        with engine.connect() as conn:
            # A migration that rebuilds a table (Alembic's batch mode on SQLite) drops the old
            # one: with foreign keys on, that is an implicit DELETE that the rows pointing at it
            # refuse. SQLite ignores this pragma inside a transaction, so it is set before.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            try:
                with conn.begin():
                    cfg = alembic_config(str(engine.url))
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:  # rows the migration copied as they were: told, not hidden
                        log.warning("%d rows point at missing records after migration", len(broken))
            finally:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    except sqlite3.OperationalError as exc:  # pragma: no cover - depends on the disk
        engine.dispose()
        raise wrap_sqlite_error(exc, path) from exc
    except Exception as exc:
        engine.dispose()
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.OperationalError):
            raise wrap_sqlite_error(orig, path) from exc
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(path=path, engine=engine, sessions=sessions, backup_path=backup)
