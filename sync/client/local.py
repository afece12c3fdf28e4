"""The laptop's side of sync on its SQLite store: read the outbox, apply server states.

Every server state is applied with `rebase` (a field changed here and not pushed yet keeps its
local value) and recorded in `sync_shadow`; the pull cursor is written to `local_meta` in the
same transaction as the records it covers. Pulled rows are written with SQL statements, not
through the unit of work, so that they do not land in the outbox again.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.dates import utc_now
from app.i18n import _
from app.services.status import SYNC_LAST_KEY
from app.storage.db import Database
from app.storage.tables import Base, LocalMeta, PendingChange, SyncShadow
from sync.client.records import (
    SERVER_DEVICE,
    coarse_tables,
    synced_tables,
    to_columns,
    to_fields,
)
from sync.core.errors import SyncError
from sync.core.merge import diff, fact, rebase, same
from sync.core.protocol import DELETED, Change, PushReply, PushRequest, RecordState
from sync.core.tables import Role, kind_of, may_push

CURSOR_KEY = "sync_cursor"
INFLIGHT_KEY = "sync_inflight"
"""The push batch sent and not acknowledged yet (its reply may be lost): sent again, same id."""


@dataclass
class Outbox:
    """What one push sends, and which outbox rows its acknowledgement clears."""

    changes: list[Change] = field(default_factory=list)
    upto: int = 0
    keys: list[tuple[str, str]] = field(default_factory=list)


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(LocalMeta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    session.merge(LocalMeta(key=key, value=value))


def _shadow(session: Session, table: str, record_id: str) -> RecordState | None:
    row = session.get(SyncShadow, (table, record_id))
    if row is None:
        return None
    return RecordState(
        table=table,
        record_id=record_id,
        values=json.loads(row.values_json),
        versions=json.loads(row.versions_json),
        seq=row.seq,
    )


def _local(session: Session, table_name: str, record_id: str) -> dict[str, Any] | None:
    table = synced_tables()[table_name]
    row = session.execute(select(table).where(table.c.id == record_id)).mappings().first()
    return to_fields(table, row) if row else None


Key = tuple[str, str]
CHUNK = 400
SHADOW: Table = SyncShadow.__table__  # type: ignore[assignment]


class Prefetched:
    """The shadows and local rows of many records, read in a few queries (one per table and
    400 records) instead of two per record; a record written since is read again."""

    def __init__(self, session: Session, keys: list[Key]) -> None:
        self.shadows: dict[Key, RecordState | None] = {}
        self.locals: dict[Key, dict[str, Any] | None] = {}
        tables = synced_tables()
        by_table: dict[str, list[str]] = {}
        for name, record_id in set(keys):
            by_table.setdefault(name, []).append(record_id)
        shadow_table = SHADOW
        for name, ids in by_table.items():
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                for row in session.execute(
                    select(shadow_table).where(
                        shadow_table.c.table_name == name, shadow_table.c.record_id.in_(part)
                    )
                ):
                    self.shadows[(name, row.record_id)] = RecordState(
                        table=name,
                        record_id=row.record_id,
                        values=json.loads(row.values_json),
                        versions=json.loads(row.versions_json),
                        seq=row.seq,
                    )
                if name in tables:
                    rows = tables[name]
                    for found in session.execute(
                        select(rows).where(rows.c.id.in_(part))
                    ).mappings():
                        self.locals[(name, found["id"])] = to_fields(rows, found)
                for record_id in part:
                    self.shadows.setdefault((name, record_id), None)
                    if name in tables:
                        self.locals.setdefault((name, record_id), None)

    def forget(self, key: Key) -> None:
        self.shadows.pop(key, None)
        self.locals.pop(key, None)


class LocalStore:
    def __init__(self, db: Database, device_id: str) -> None:
        self.db = db
        self.device_id = device_id
        self._pre: Prefetched | None = None

    def _shadow(self, session: Session, table: str, record_id: str) -> RecordState | None:
        if self._pre is not None and (table, record_id) in self._pre.shadows:
            return self._pre.shadows[(table, record_id)]
        return _shadow(session, table, record_id)

    def _local(self, session: Session, table: str, record_id: str) -> dict[str, Any] | None:
        if self._pre is not None and (table, record_id) in self._pre.locals:
            return self._pre.locals[(table, record_id)]
        return _local(session, table, record_id)

    def read_outbox(self, role: Role, limit: int) -> Outbox:
        outbox = Outbox()
        tables = synced_tables()
        with self.db.sessions() as session:
            rows = session.execute(
                select(
                    PendingChange.table_name, PendingChange.record_id, func.max(PendingChange.seq)
                )
                .group_by(PendingChange.table_name, PendingChange.record_id)
                .order_by(func.min(PendingChange.seq))
            ).all()
            for table, record_id, seq in rows:
                if table not in tables or not may_push(role, table):
                    continue  # stays in the outbox: this laptop may not send it
                if len(outbox.keys) >= limit:
                    break
                outbox.keys.append((table, record_id))
                outbox.upto = max(outbox.upto, seq)
            self._pre = Prefetched(session, outbox.keys)
            try:
                for table, record_id in outbox.keys:
                    change = self._change(session, table, record_id)
                    if change is not None:
                        outbox.changes.append(change)
            finally:
                self._pre = None
        return outbox

    def _change(self, session: Session, table: str, record_id: str) -> Change | None:
        change_id = f"{self.device_id}:{uuid.uuid4().hex}"
        shadow = self._shadow(session, table, record_id)
        local = self._local(session, table, record_id)
        if local is None:  # purged here: send it as a deletion
            local = {DELETED: True} if shadow else None
        if local is None:
            return None
        if kind_of(table) == "fact":
            return fact(table, record_id, local, change_id) if shadow is None else None
        return diff(table, record_id, local, shadow, change_id)

    def acknowledge(self, outbox: Outbox, reply: PushReply) -> None:
        """Take the server's states of the pushed records and clear their outbox rows, at once."""
        pushed = {(change.table, change.record_id): change.fields for change in outbox.changes}
        with self.db.sessions() as session, session.begin():
            states = in_dependency_order(reply.records)
            self._pre = Prefetched(session, [(s.table, s.record_id) for s in states])
            try:
                for state in states:
                    self.apply(session, state, pushed.get((state.table, state.record_id)))
            finally:
                self._pre = None
            session.execute(delete(LocalMeta).where(LocalMeta.key == INFLIGHT_KEY))
            for table, record_id in outbox.keys:
                session.execute(
                    delete(PendingChange).where(
                        PendingChange.table_name == table,
                        PendingChange.record_id == record_id,
                        PendingChange.seq <= outbox.upto,
                    )
                )

    def remember(self, outbox: Outbox, request: PushRequest) -> None:
        """Keep the batch about to be sent, so that a lost reply is followed by the same batch
        (same id: the server answers with its stored reply) and not by a new diff against a
        shadow that does not know the batch was applied (which would clash with itself)."""
        held = {
            "request": request.model_dump(mode="json"),
            "keys": outbox.keys,
            "upto": outbox.upto,
        }
        self.set_meta({INFLIGHT_KEY: json.dumps(held)})

    def forget_inflight(self) -> None:
        with self.db.sessions() as session, session.begin():
            session.execute(delete(LocalMeta).where(LocalMeta.key == INFLIGHT_KEY))

    def inflight(self) -> tuple[Outbox, PushRequest] | None:
        """The batch sent and not acknowledged, if any (one from another version is dropped)."""
        raw = self.meta(INFLIGHT_KEY)
        if not raw:
            return None
        try:
            held = json.loads(raw)
            request = PushRequest.model_validate(held["request"])
            keys = [(str(table), str(record_id)) for table, record_id in held["keys"]]
            upto = int(held["upto"])
        except (ValueError, KeyError, TypeError, ValidationError):
            return None
        return Outbox(changes=list(request.changes), upto=upto, keys=keys), request

    def apply(self, session: Session, state: RecordState, pushed: dict[str, Any] | None) -> bool:
        """Apply one server state; False when an equal or newer one was already applied."""
        shadow = self._shadow(session, state.table, state.record_id)
        if shadow is not None and shadow.seq >= state.seq:
            return False
        tables = synced_tables()
        if state.table in tables:
            local = self._local(session, state.table, state.record_id)
            if kind_of(state.table) == "fact":
                if local is None:
                    self._write(session, state.table, state.record_id, state.values, None)
            else:
                merged = rebase(local, pushed, shadow, state)
                if local is None or not same(merged, local):
                    try:
                        self._write(session, state.table, state.record_id, merged, local)
                    except IntegrityError as exc:
                        raise SyncError(
                            _(
                                "Impossible d'appliquer « {table} » {record} reçu du serveur : "
                                "il heurte un enregistrement de ce poste (deux postes ont créé "
                                "la même chose hors ligne). Rien n'a été appliqué ni perdu ; "
                                "supprimez l'un des deux doublons, puis synchronisez à nouveau."
                            ).format(table=state.table, record=state.record_id)
                        ) from exc
        session.execute(
            insert(SHADOW).prefix_with("OR REPLACE"),  # SQLite: one statement
            {
                "table_name": state.table,
                "record_id": state.record_id,
                "values_json": json.dumps(state.values, sort_keys=True, ensure_ascii=False),
                "versions_json": json.dumps(state.versions, sort_keys=True),
                "seq": state.seq,
            },
        )
        if self._pre is not None:
            self._pre.forget((state.table, state.record_id))
        return True

    def _write(
        self,
        session: Session,
        table_name: str,
        record_id: str,
        fields: dict[str, Any],
        local: dict[str, Any] | None,
    ) -> None:
        table = synced_tables()[table_name]
        now = utc_now()
        if table_name in coarse_tables():  # an exact time could point at a voter
            now = now.replace(minute=0, second=0, microsecond=0)
        columns = to_columns(table, fields)
        deleted = bool(fields.get(DELETED))
        columns["updated_at"] = now
        if local is None:
            columns.update(id=record_id, device_id=SERVER_DEVICE)
            columns["deleted_at"] = now if deleted else None
            columns.setdefault("created_at", now)
            if "secret_key" in table.c:
                columns["secret_key"] = b""  # the MAC key does not travel yet (docs/sync.md)
            session.execute(insert(table).values(**columns))
            return
        if deleted != bool(local.get(DELETED)):
            columns["deleted_at"] = now if deleted else None
        session.execute(update(table).where(table.c.id == record_id).values(**columns))

    def save_pull(self, states: list[RecordState], cursor: int) -> int:
        """Apply pulled states and move the cursor, in one transaction; how many were new.

        The client gathers every page first: a child record may come before its parent in server
        order (the parent was edited later), and the foreign keys are checked on each write."""
        with self.db.sessions() as session, session.begin():
            ordered = in_dependency_order(states)
            self._pre = Prefetched(session, [(s.table, s.record_id) for s in ordered])
            try:
                applied = sum(self.apply(session, state, None) for state in ordered)
            finally:
                self._pre = None
            set_meta(session, CURSOR_KEY, str(cursor))
        return applied

    def cursor(self) -> int:
        with self.db.sessions() as session:
            return int(get_meta(session, CURSOR_KEY) or 0)

    def mark_synced(self) -> str:
        moment = utc_now().isoformat(timespec="seconds")
        with self.db.sessions() as session, session.begin():
            set_meta(session, SYNC_LAST_KEY, moment)
        return moment

    def meta(self, key: str) -> str | None:
        with self.db.sessions() as session:
            return get_meta(session, key)

    def set_meta(self, values: dict[str, str]) -> None:
        with self.db.sessions() as session, session.begin():
            for key, value in values.items():
                set_meta(session, key, value)

    def open_conflicts(self) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            rows = session.scalars(
                select(SyncShadow).where(SyncShadow.table_name == "sync_conflict")
            ).all()
            held = [{"conflict_id": r.record_id, **json.loads(r.values_json)} for r in rows]
        return [c for c in held if not c.get("resolved")]


def in_dependency_order(states: list[RecordState]) -> list[RecordState]:
    """Parents before children (a campaign before its residences), then in server order."""
    rank = {table.name: number for number, table in enumerate(Base.metadata.sorted_tables)}
    return sorted(states, key=lambda state: (rank.get(state.table, len(rank)), state.seq))
