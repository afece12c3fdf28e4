"""The unit of work: one SQLAlchemy session, one transaction, sync bookkeeping on flush.

Every flush stamps new and changed synced records with the time and this device's id, and
appends a `pending_change` row per record so that the sync client knows what to push. SQLite
errors (disk full, read-only file) become French `StorageError`s; the transaction is rolled back,
so what was saved before stays intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.domain.dates import utc_now
from app.ids import new_id
from app.storage.db import Database, wrap_sqlite_error
from app.storage.tables import LocalMeta, PendingChange, Synced


def _stamp(session: Session, _flush_context: Any, _instances: Any) -> None:
    device_id = session.info.get("device_id", "")
    exact = utc_now()
    hour = exact.replace(minute=0, second=0, microsecond=0)
    changes: list[PendingChange] = []
    for obj in list(session.new):
        if isinstance(obj, Synced):
            now = _when(obj, exact, hour)
            obj.id = obj.id or new_id()
            obj.created_at = obj.created_at or now
            obj.updated_at = now
            obj.device_id = device_id
            changes.append(_change(obj, "upsert", now))
    for obj in list(session.dirty):
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            now = _when(obj, exact, hour)
            obj.updated_at = now
            obj.device_id = device_id
            changes.append(_change(obj, "delete" if obj.deleted_at else "upsert", now))
    for obj in list(session.deleted):
        if isinstance(obj, Synced):
            changes.append(_change(obj, "purge", _when(obj, exact, hour)))
    session.add_all(changes)


def _when(obj: Synced, exact: Any, hour: Any) -> Any:
    """Records that say how a ballot was counted (`coarse_times`) keep the hour only: an exact
    time beside a sign-in sheet could point at a voter."""
    return hour if getattr(obj, "coarse_times", False) else exact


def _change(obj: Synced, op: str, now: Any) -> PendingChange:
    return PendingChange(
        table_name=obj.__tablename__,  # type: ignore[attr-defined]
        record_id=obj.id,
        op=op,
        changed_at=now,
    )


def insert_synced(session: Session, model: type[Synced], rows: list[dict[str, Any]]) -> list[str]:
    """Insert many new synced records at once, stamped and queued for sync as a flush would.

    For imports of tens of thousands of rows, where building ORM objects costs most of the
    time. Returns the new ids, in order.
    """
    if not rows:
        return []
    now = utc_now()
    device = session.info.get("device_id", "")
    table = model.__table__  # type: ignore[attr-defined]
    stamped = [
        {**row, "id": new_id(), "created_at": now, "updated_at": now, "device_id": device,
         "deleted_at": None}
        for row in rows
    ]  # fmt: skip
    session.execute(insert(table), stamped)
    session.execute(
        insert(PendingChange.__table__),  # type: ignore[arg-type]
        [
            {"table_name": table.name, "record_id": row["id"], "op": "upsert", "changed_at": now}
            for row in stamped
        ],
    )
    return [row["id"] for row in stamped]


def device_id(db: Database) -> str:
    """This installation's id, created once and kept in `local_meta`."""
    with db.sessions() as session, session.begin():
        row = session.get(LocalMeta, "device_id")
        if row is None:
            row = LocalMeta(key="device_id", value=new_id())
            session.add(row)
        return row.value


class UnitOfWork:
    """Opens sessions on the store that carry this device's id."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.device_id = device_id(db)

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        session = self.db.sessions()
        session.info["device_id"] = self.device_id
        event.listen(session, "before_flush", _stamp)
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            raise wrap_sqlite_error(exc.orig or exc, self.db.path) from exc
        except sqlite3.OperationalError as exc:
            raise wrap_sqlite_error(exc, self.db.path) from exc
        finally:
            session.close()

    def get_meta(self, key: str) -> str | None:
        with self() as session:
            row = session.get(LocalMeta, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self() as session:
            session.merge(LocalMeta(key=key, value=value))
