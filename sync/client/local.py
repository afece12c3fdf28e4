"""The laptop's side of sync on its SQLite store: read the outbox, apply server states.

Every server state is applied with `rebase` (a field changed here and not pushed yet keeps its
local value) and recorded in `sync_shadow`; each pulled page is stashed in `sync_inbox` in the
same transaction as the cursor that covers it, and the inbox is applied at once after the last
page (a cut sync resumes from the cursor). Pulled rows are written with SQL statements, not
through the unit of work, so that they do not land in the outbox again.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import (
    Integer,
    Table,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.dates import utc_now
from app.i18n import _
from app.services.status import RESOLUTION_PREFIX, SYNC_LAST_KEY
from app.storage.db import Database
from app.storage.tables import (
    Base,
    CampaignRow,
    IssuedSerialRow,
    LocalMeta,
    PendingChange,
    SyncInbox,
    SyncShadow,
)
from sync.client.records import (
    SERVER_DEVICE,
    coarse_tables,
    raw_rows,
    read_fields,
    synced_tables,
    to_columns,
    to_fields,
)
from sync.core.errors import SyncError
from sync.core.merge import diff, fact, rebase, same
from sync.core.protocol import (
    CONFLICT_TABLE,
    DELETED,
    PROTOCOL_VERSION,
    Change,
    PushReply,
    PushRequest,
    RecordState,
    json_text,
    state_of,
)
from sync.core.tables import Role, kind_of, may_push

CURSOR_KEY = "sync_cursor"
INFLIGHT_KEY = "sync_inflight"
"""The push batch sent and not acknowledged yet (its reply may be lost): sent again, same id."""
SERIALS = "_serials"
"""The field of a print batch that carries the keyed hashes of its serials (`issued_serial`)."""


@dataclass
class Outbox:
    """What one push sends, and which outbox rows its acknowledgement clears."""

    changes: list[Change] = field(default_factory=list)
    upto: int = 0
    keys: list[tuple[str, str]] = field(default_factory=list)
    scanned: int = 0
    """The last outbox row examined: the next batch may start after it (`read_outbox`)."""


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(LocalMeta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    session.merge(LocalMeta(key=key, value=value))


def _shadow(session: Session, table: str, record_id: str) -> RecordState | None:
    row = session.get(SyncShadow, (table, record_id))
    if row is None:
        return None
    return state_of(  # read from this laptop: valid
        table, record_id, json.loads(row.values_json), json.loads(row.versions_json), row.seq
    )


def _local(session: Session, table_name: str, record_id: str) -> dict[str, Any] | None:
    table = synced_tables()[table_name]
    row = session.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        return None
    fields = to_fields(table, row)
    if table_name == "print_batch":
        fields[SERIALS] = sorted(
            session.scalars(
                select(IssuedSerialRow.serial_hash).where(IssuedSerialRow.batch_id == record_id)
            )
        )
    return fields


def _write_serials(session: Session, batch_id: str, hashes: Any) -> None:
    """Record the keyed serial hashes a print batch brought (those not known yet)."""
    if not isinstance(hashes, list) or not hashes:
        return
    known = set(
        session.scalars(
            select(IssuedSerialRow.serial_hash).where(IssuedSerialRow.batch_id == batch_id)
        )
    )
    new = [h for h in hashes if isinstance(h, str) and h not in known]
    if new:
        session.execute(
            insert(IssuedSerialRow).prefix_with("OR IGNORE"),
            [{"serial_hash": h, "batch_id": batch_id} for h in new],
        )


Key = tuple[str, str]
CHUNK = 400
SHADOW: Table = SyncShadow.__table__  # type: ignore[assignment]
PENDING: Table = PendingChange.__table__  # type: ignore[assignment]
META: Table = LocalMeta.__table__  # type: ignore[assignment]
STATES = TypeAdapter(list[RecordState])
"""Many states decoded from one JSON array (one call, not one per state)."""
INBOX: Table = SyncInbox.__table__  # type: ignore[assignment]
PAGE = "*page"
"""`sync_inbox.table_name` of a row that holds a whole pulled page (a row of an older version
holds one state)."""


def _stashed(session: Session) -> int:
    """How many states the inbox holds (a page row counts its states)."""
    count = case((INBOX.c.table_name == PAGE, cast(INBOX.c.record_id, Integer)), else_=1)
    return int(session.scalar(select(func.coalesce(func.sum(count), 0))) or 0)


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]], verb: str = "") -> None:
    """`rows` (each with the same keys) in one executemany straight to the SQLite driver. Each
    value goes through its column type's bind processor, as SQLAlchemy's own executemany does,
    without its per-row parameter machinery (which costs more than SQLite itself for 100,000
    rows). `verb`: "OR REPLACE", "OR IGNORE" or ""."""
    if not rows:
        return
    names = list(rows[0])
    if any(c.default is not None for c in table.columns if c.name not in names):
        # a record from an older version lacks a field with a default: SQLAlchemy fills it in
        session.execute(insert(table).prefix_with(verb) if verb else insert(table), rows)
        return
    connection = session.connection()
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in names]
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT {verb} INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    processed = [(at, processor) for at, processor in enumerate(processors) if processor]
    values: list[Any] = [list(map(row.__getitem__, names)) for row in rows]
    for at, processor in processed:  # a few columns (dates, booleans, JSON) are converted
        for value in values:
            value[at] = processor(value[at])
    connection.exec_driver_sql(sql, [tuple(value) for value in values])


class Prefetched:
    """The shadows and local rows of many records, read in a few queries (one per table and
    400 records) instead of two per record; a record written since is read again."""

    def __init__(
        self, session: Session, keys: list[Key], seqs: dict[Key, int] | None = None
    ) -> None:
        """`seqs`: the server states about to be applied; the local row of a record whose
        shadow is already as new (a record this laptop pushed, pulled back) is not read."""
        self.shadows: dict[Key, RecordState | None] = {}
        self.locals: dict[Key, dict[str, Any] | None] = {}
        tables = synced_tables()
        by_table: dict[str, list[str]] = {}
        for name, record_id in set(keys):
            by_table.setdefault(name, []).append(record_id)
        for name, ids in by_table.items():
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                for record_id, values_json, versions_json, seq in raw_rows(
                    session,
                    "SELECT record_id, values_json, versions_json, seq FROM sync_shadow "
                    f"WHERE table_name = ? AND record_id IN ({', '.join('?' * len(part))})",
                    (name, *part),
                ):
                    key = (name, record_id)
                    if seqs is not None and seq >= seqs.get(key, 0):
                        # already applied: `apply` stops at the shadow's seq
                        self.shadows[key] = state_of(name, record_id, {}, {}, seq)
                        continue
                    self.shadows[key] = state_of(
                        name, record_id, json.loads(values_json), json.loads(versions_json), seq
                    )
                if seqs is not None:
                    part = [i for i in part if not self._applied(name, i, seqs)]
                if part and name in tables and name != "print_batch":  # its serials: `_local`
                    for record_id, fields in read_fields(session, tables[name], part).items():
                        self.locals[(name, record_id)] = fields
                for record_id in part:
                    self.shadows.setdefault((name, record_id), None)
                    if name in tables and name != "print_batch":
                        self.locals.setdefault((name, record_id), None)

    def _applied(self, name: str, record_id: str, seqs: dict[Key, int]) -> bool:
        shadow = self.shadows.get((name, record_id))
        return shadow is not None and shadow.seq >= seqs.get((name, record_id), 0)

    def forget(self, key: Key) -> None:
        self.shadows.pop(key, None)
        self.locals.pop(key, None)


class Staged:
    """The writes of a run of applied server states, written at once and in the order they were
    applied (parents first): consecutive rows of one table, of one kind (new or changed) and with
    the same columns go in one executemany (a page of new residences: one statement); then the
    print batches' serials, then every shadow in one executemany. The order matters: a record
    deleted before another takes its unique number must be written first. A row the database
    refuses (two laptops created the same thing offline) is named in the error."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = utc_now()
        self.keys: set[Key] = set()
        self.shadows: list[dict[str, Any]] = []
        self.runs: list[tuple[tuple[str, bool, tuple[str, ...]], list[dict[str, Any]]]] = []
        self.serials: list[tuple[str, Any]] = []

    def write(
        self, table_name: str, record_id: str, fields: dict[str, Any], local: dict[str, Any] | None
    ) -> None:
        table = synced_tables()[table_name]
        now = self.now
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
                columns["secret_key"] = b""  # the ballot key arrives sealed (`/v1/keys`)
        else:
            if deleted != bool(local.get(DELETED)):
                columns["deleted_at"] = now if deleted else None
            columns["b_id"] = record_id
        kind = (table_name, local is None, tuple(sorted(columns)))
        if self.runs and self.runs[-1][0] == kind:
            self.runs[-1][1].append(columns)
        else:
            self.runs.append((kind, [columns]))
        if table_name == "print_batch":
            self.serials.append((record_id, fields.get(SERIALS)))
        self.keys.add((table_name, record_id))

    def flush(self) -> None:
        tables = synced_tables()
        for (name, new, _columns), rows in self.runs:
            table = tables[name]
            if new:
                self._execute(name, table, rows, new=True)
            else:
                statement = update(table).where(table.c.id == bindparam("b_id"))
                self._execute(name, statement, rows, new=False)
        for batch_id, hashes in self.serials:
            _write_serials(self.session, batch_id, hashes)
        insert_rows(self.session, SHADOW, self.shadows, "OR REPLACE")
        self.runs.clear()
        self.serials.clear()
        self.shadows.clear()
        self.keys.clear()

    def _execute(self, name: str, statement: Any, rows: list[dict[str, Any]], new: bool) -> None:
        """`statement`: the table itself for new rows (`insert_rows`), else an UPDATE."""
        try:
            if new:
                insert_rows(self.session, statement, rows)
            else:
                self.session.execute(statement, rows)
        except IntegrityError as exc:
            raise SyncError(
                _(
                    "Impossible d'appliquer « {table} » {record} reçu du serveur : "
                    "il heurte un enregistrement de ce poste (deux postes ont créé "
                    "la même chose hors ligne). Rien n'a été appliqué ni perdu ; "
                    "supprimez l'un des deux doublons, puis synchronisez à nouveau."
                ).format(table=name, record=self._refused(name, statement, rows, new))
            ) from exc

    def _refused(self, name: str, statement: Any, rows: list[dict[str, Any]], new: bool) -> str:
        """The row the database refused: an executemany stops at it, the rows before it are
        written (the transaction is rolled back by the caller)."""
        table = synced_tables()[name]
        if new:  # the first row not written
            ids = [row["id"] for row in rows]
            written: set[str] = set()
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                written.update(self.session.scalars(select(table.c.id).where(table.c.id.in_(part))))
            return next((i for i in ids if i not in written), "")
        for row in rows:  # an UPDATE again with the same values changes nothing
            try:
                self.session.execute(statement, [row])
            except IntegrityError:
                return str(row["b_id"])
        return ""


class LocalStore:
    def __init__(self, db: Database, device_id: str) -> None:
        self.db = db
        self.device_id = device_id
        self._pre: Prefetched | None = None
        self._staged: Staged | None = None

    def _shadow(self, session: Session, table: str, record_id: str) -> RecordState | None:
        if self._pre is not None and (table, record_id) in self._pre.shadows:
            return self._pre.shadows[(table, record_id)]
        return _shadow(session, table, record_id)

    def _local(self, session: Session, table: str, record_id: str) -> dict[str, Any] | None:
        if self._pre is not None and (table, record_id) in self._pre.locals:
            return self._pre.locals[(table, record_id)]
        return _local(session, table, record_id)

    def read_outbox(
        self, role: Role, limit: int, exclude: frozenset[Key] = frozenset(), start: int = 0
    ) -> Outbox:
        """The next batch: up to `limit` records of the outbox, oldest first, each as the change
        to send; none of `exclude` (the records of batches in flight), none of the rows up to
        `start` (the rows the batches in flight were read from: `Outbox.scanned`). A push
        ends only when a read from the start finds nothing."""
        outbox = Outbox()
        batch = uuid.uuid4().hex[:16]  # change ids: this read's, numbered (unique per device)
        tables = synced_tables()
        with self.db.sessions() as session:
            # The records first written longest ago, read in `seq` order a few pages at a time
            # until `limit` are found (not the whole outbox grouped for every batch). `upto` is
            # the last row at this moment: every row of the chosen records up to it is covered
            # by their state read below; a row written after it stays for the next push.
            upto = int(session.scalar(select(func.max(PENDING.c.seq))) or 0)
            seen: set[Key] = set(exclude)
            after = outbox.scanned = start
            while len(outbox.keys) < limit:
                rows = raw_rows(
                    session,
                    "SELECT seq, table_name, record_id FROM pending_change "
                    "WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                    (after, upto, limit),
                )
                if not rows:
                    break
                after = rows[-1][0]
                for seq, table, record_id in rows:
                    outbox.scanned = seq
                    key = (table, record_id)
                    if key in seen:
                        continue
                    seen.add(key)
                    if table not in tables or not may_push(role, table):
                        continue  # stays in the outbox: this laptop may not send it
                    outbox.keys.append(key)
                    if len(outbox.keys) >= limit:
                        break
            outbox.upto = upto if outbox.keys else 0
            self._pre = Prefetched(session, outbox.keys)
            try:
                for number, (table, record_id) in enumerate(outbox.keys):
                    change_id = f"{self.device_id}:{batch}{number:x}"
                    change = self._change(session, table, record_id, change_id)
                    if change is not None:
                        outbox.changes.append(change)
            finally:
                self._pre = None
            if may_push(role, CONFLICT_TABLE):
                self._resolutions(session, outbox, limit, exclude)
        return outbox

    def _resolutions(
        self, session: Session, outbox: Outbox, limit: int, exclude: frozenset[Key]
    ) -> None:
        """The conflicts resolved here: each an edit of its `sync_conflict` record."""
        rows = session.scalars(
            select(LocalMeta).where(LocalMeta.key.startswith(RESOLUTION_PREFIX))
        ).all()
        for row in rows:
            if len(outbox.keys) >= limit:
                return
            conflict_id = row.key[len(RESOLUTION_PREFIX) :]
            if (CONFLICT_TABLE, conflict_id) in exclude:
                continue
            shadow = _shadow(session, CONFLICT_TABLE, conflict_id)
            outbox.keys.append((CONFLICT_TABLE, conflict_id))
            if shadow is None:
                continue
            local = {**shadow.values, **json.loads(row.value)}
            change = diff(
                CONFLICT_TABLE, conflict_id, local, shadow, f"{self.device_id}:{uuid.uuid4().hex}"
            )
            if change is not None:
                outbox.changes.append(change)

    def resolve(self, conflict_id: str, keep: str | None, value: Any = None) -> dict[str, Any]:
        """Resolve a conflict here: write the value kept on its record (queued for sync, like
        any edit) and queue the conflict's `resolved`. `keep` is "mine" (the value this laptop
        holds or wrote), "theirs" (the other one), or None to write `value`."""
        with self.db.sessions() as session, session.begin():
            shadow = _shadow(session, CONFLICT_TABLE, conflict_id)
            if shadow is None or shadow.values.get("resolved"):
                raise SyncError(
                    _("Aucun conflit ouvert ne porte l'identifiant {id}.").format(id=conflict_id)
                )
            if get_meta(session, RESOLUTION_PREFIX + conflict_id) is not None:
                raise SyncError(
                    _(
                        "Ce conflit est déjà résolu sur ce poste : la résolution partira à la "
                        "prochaine synchronisation."
                    )
                )
            conflict = shadow.values
            kept, other = conflict.get("kept_value"), conflict.get("other_value")
            mine_is_other = conflict.get("other_device") == self.device_id
            if keep == "mine":
                value = other if mine_is_other else kept
            elif keep == "theirs":
                value = kept if mine_is_other else other
            table_name, record_id = str(conflict["table"]), str(conflict["record_id"])
            field_name = str(conflict["field"])
            if table_name in synced_tables():
                self._edit(session, table_name, record_id, field_name, value)
            resolution = {"resolved": True, "resolution": keep or "value", "resolved_value": value}
            set_meta(session, RESOLUTION_PREFIX + conflict_id, json.dumps(resolution))
        return {"conflict_id": conflict_id, **conflict, **resolution}

    def _edit(
        self, session: Session, table_name: str, record_id: str, field_name: str, value: Any
    ) -> None:
        table = synced_tables()[table_name]
        if _local(session, table_name, record_id) is None:
            return  # the record is not on this laptop (purged): only the conflict is resolved
        now = utc_now()
        if field_name == DELETED:
            columns: dict[str, Any] = {"deleted_at": now if value else None}
        else:
            try:
                columns = to_columns(table, {field_name: value})
            except (TypeError, ValueError) as exc:
                raise SyncError(
                    _("Valeur impossible pour le champ « {field} » : {value}").format(
                        field=field_name, value=value
                    )
                ) from exc
        columns.update(updated_at=now, device_id=self.device_id)
        try:
            session.execute(update(table).where(table.c.id == record_id).values(**columns))
        except IntegrityError as exc:
            raise SyncError(
                _("Valeur refusée pour le champ « {field} » : {value}").format(
                    field=field_name, value=value
                )
            ) from exc
        session.add(
            PendingChange(table_name=table_name, record_id=record_id, op="upsert", changed_at=now)
        )

    def _change(
        self, session: Session, table: str, record_id: str, change_id: str
    ) -> Change | None:
        shadow = self._shadow(session, table, record_id)
        local = self._local(session, table, record_id)
        if local is None:  # purged here: send it as a deletion
            local = {DELETED: True} if shadow else None
        if local is None:
            return None
        if kind_of(table) == "fact":
            return fact(table, record_id, local, change_id) if shadow is None else None
        return diff(table, record_id, local, shadow, change_id)

    def acknowledge(
        self,
        outbox: Outbox,
        reply: PushReply,
        keep: tuple[Outbox, PushRequest] | None = None,
    ) -> str | None:
        """Take the server's states of the pushed records and clear their outbox rows, at once;
        and keep the batch `keep` (`remember`) in the same transaction (one commit, not two, on
        a push's critical path). The JSON of the kept batch, to send."""
        pushed = {(change.table, change.record_id): change.fields for change in outbox.changes}
        text = None
        with self.db.sessions() as session, session.begin():
            if keep is not None:
                key, value, text = _inflight(*keep)
                set_meta(session, key, value)
            if reply.records:
                self.apply_all(session, in_dependency_order(reply.records), pushed)
            self._take_created(session, outbox, reply)
            session.execute(_forget(reply.batch_id))
            resolved = [
                {"b_key": RESOLUTION_PREFIX + record_id}
                for table, record_id in outbox.keys
                if table == CONFLICT_TABLE
            ]
            if resolved:
                session.execute(delete(META).where(META.c.key == bindparam("b_key")), resolved)
            cleared: dict[str, list[str]] = {}
            for table, record_id in outbox.keys:
                if table != CONFLICT_TABLE:
                    cleared.setdefault(table, []).append(record_id)
            for table, ids in cleared.items():  # a DELETE per table and 400 records
                for start in range(0, len(ids), CHUNK):
                    session.execute(
                        delete(PENDING).where(
                            PENDING.c.table_name == table,
                            PENDING.c.record_id.in_(ids[start : start + CHUNK]),
                            PENDING.c.seq <= outbox.upto,
                        )
                    )
        return text

    def _take_created(self, session: Session, outbox: Outbox, reply: PushReply) -> None:
        """The records the batch created exactly as sent (`PushReply.created`): their state is
        what this laptop sent, so only their shadow is written (one executemany). Their rows
        stay as they are: what was sent is acknowledged, and a field changed here since differs
        from the new shadow, so it goes with the next push (what `rebase` would keep). A shadow
        already newer (a reply bundle imported after an online sync) is kept."""
        if not reply.created:
            return
        sent = {change.change_id: change for change in outbox.changes}
        rows = []
        for item in reply.created:
            change = sent.get(item.change_id)
            if change is not None:
                fields = change.fields
                versions = json_text(dict.fromkeys(fields, 1))
                rows.append((change.table, change.record_id, json_text(fields), versions, item.seq))
        if rows:  # straight to the driver, as `insert_rows`
            session.connection().exec_driver_sql(
                "INSERT INTO sync_shadow (table_name, record_id, values_json, versions_json, seq) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name, record_id) DO UPDATE SET "
                "values_json = excluded.values_json, versions_json = excluded.versions_json, "
                "seq = excluded.seq WHERE excluded.seq > sync_shadow.seq",
                rows,
            )

    def remember(self, outbox: Outbox, request: PushRequest) -> str:
        """Keep a batch about to be sent, so that a lost reply is followed by the same batch
        (same id: the server answers with its stored reply) and not by a new diff against a
        shadow that does not know the batch was applied (which would clash with itself). Two
        may be kept: a push sends the next batch before it acknowledges the one before. The
        request's JSON, to send."""
        key, value, text = _inflight(outbox, request)
        self.set_meta({key: value})
        return text

    def forget_inflight(self, batch_id: str) -> None:
        with self.db.sessions() as session, session.begin():
            session.execute(_forget(batch_id))

    def inflight(self) -> list[tuple[Outbox, PushRequest]]:
        """The batches sent and not acknowledged, oldest first (one from another protocol
        version, or unreadable, is dropped: its records are read from the outbox again)."""
        with self.db.sessions() as session:
            rows = session.execute(
                select(LocalMeta.key, LocalMeta.value).where(
                    (LocalMeta.key == INFLIGHT_KEY) | LocalMeta.key.startswith(f"{INFLIGHT_KEY}:")
                )
            ).all()
        held: list[tuple[int, Outbox, PushRequest]] = []
        dropped: list[str] = []
        for key, raw in rows:
            try:
                item = json.loads(raw)
                request = PushRequest.model_validate(item["request"])
                keys = [(str(table), str(record_id)) for table, record_id in item["keys"]]
                upto, order = int(item["upto"]), int(item.get("order", 0))
            except (ValueError, KeyError, TypeError, ValidationError):
                dropped.append(key)
                continue
            if request.protocol != PROTOCOL_VERSION:
                dropped.append(key)
                continue
            outbox = Outbox(changes=list(request.changes), upto=upto, keys=keys)
            held.append((order, outbox, request))
        if dropped:
            with self.db.sessions() as session, session.begin():
                session.execute(delete(LocalMeta).where(LocalMeta.key.in_(dropped)))
        return [(outbox, request) for _order, outbox, request in sorted(held, key=lambda h: h[0])]

    def apply_all(
        self,
        session: Session,
        states: list[RecordState],
        pushed: dict[Key, dict[str, Any]] | None = None,
    ) -> int:
        """Apply server states (in dependency order) inside `session`'s transaction; how many
        were new. The rows and shadows they touch are read in a few queries and their writes are
        staged and written at once (`Staged`), so a page of 1,000 costs a handful of statements."""
        pushed = pushed or {}
        newest: dict[Key, int] = {}
        for state in states:
            key = (state.table, state.record_id)
            newest[key] = max(newest.get(key, 0), state.seq)
        self._pre = Prefetched(session, list(newest), newest)
        self._staged = Staged(session)
        try:
            applied = sum(
                self.apply(session, state, pushed.get((state.table, state.record_id)))
                for state in states
            )
            self._flush_staged()
        finally:
            self._pre = None
            self._staged = None
        return applied

    def _flush_staged(self) -> None:
        if self._staged is not None:
            self._staged.flush()

    def apply(self, session: Session, state: RecordState, pushed: dict[str, Any] | None) -> bool:
        """Apply one server state; False when an equal or newer one was already applied.

        Inside `apply_all` the writes are staged; a record met a second time (two states of it in
        one pull) first has the staged writes written, then is read again, as if one by one."""
        key = (state.table, state.record_id)
        if self._staged is not None and key in self._staged.keys:
            self._flush_staged()
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
                    self._write(session, state.table, state.record_id, merged, local)
        shadow_row = {
            "table_name": state.table,
            "record_id": state.record_id,
            "values_json": json_text(state.values),
            "versions_json": json_text(state.versions),
            "seq": state.seq,
        }
        if self._staged is not None:
            self._staged.shadows.append(shadow_row)
            self._staged.keys.add(key)
        else:
            session.execute(insert(SHADOW).prefix_with("OR REPLACE"), shadow_row)
        if self._pre is not None:
            self._pre.forget(key)
        return True

    def _write(
        self,
        session: Session,
        table_name: str,
        record_id: str,
        fields: dict[str, Any],
        local: dict[str, Any] | None,
    ) -> None:
        staged = self._staged or Staged(session)
        staged.write(table_name, record_id, fields, local)
        if self._staged is None:
            staged.flush()

    def save_pull(self, states: list[RecordState], cursor: int) -> int:
        """Apply pulled states and move the cursor, in one transaction; how many were new."""
        self.stash(states, cursor)
        return self.apply_inbox()

    def stash(self, states: list[RecordState], cursor: int) -> int:
        """Keep one pulled page in the inbox and move the cursor past it, in one transaction:
        a sync cut after this resumes from the next page. How many states the inbox holds.

        A page is one row (`PAGE`: its states as one JSON array, encoded at once, under the
        `seq` of its last state; `record_id` holds how many): not a row per state."""
        with self.db.sessions() as session, session.begin():
            if states:
                session.execute(
                    insert(INBOX).prefix_with("OR REPLACE"),
                    {
                        "seq": states[-1].seq,
                        "table_name": PAGE,
                        "record_id": str(len(states)),
                        "state_json": STATES.dump_json(states).decode(),
                    },
                )
            set_meta(session, CURSOR_KEY, str(cursor))
            return _stashed(session)

    def apply_inbox(self, received: list[RecordState] | None = None) -> int:
        """Apply every stashed state and empty the inbox, in one transaction; how many were new.

        All pages at once: a child record may come before its parent in server order (the
        parent was edited later), and the foreign keys are checked on each write. `received`:
        the states this sync stashed, when the inbox holds those only (not decoded again)."""
        with self.db.sessions() as session, session.begin():
            if received is None:
                rows = session.execute(
                    select(INBOX.c.table_name, INBOX.c.state_json).order_by(INBOX.c.seq)
                ).all()
                items = [text[1:-1] if table == PAGE else text for table, text in rows]
                received = STATES.validate_json(f"[{','.join(item for item in items if item)}]")
            states = in_dependency_order(received)
            applied = self.apply_all(session, states)
            session.execute(delete(SyncInbox))
        return applied

    def stashed(self) -> int:
        with self.db.sessions() as session:
            return _stashed(session)

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

    def held_keys(self) -> dict[str, bytes]:
        """The ballot key of every campaign this laptop holds one for."""
        with self.db.sessions() as session:
            rows = session.execute(select(CampaignRow.id, CampaignRow.secret_key)).all()
        return {campaign: bytes(key) for campaign, key in rows if key}

    def key_check(self, campaign_id: str) -> str:
        """The campaign's key check value as this laptop holds it ("" if none yet)."""
        with self.db.sessions() as session:
            row = session.get(CampaignRow, campaign_id)
            return row.key_check if row is not None else ""

    def install_key(self, campaign_id: str, key: bytes) -> bool:
        """Write a received ballot key on a campaign that has none (never over another one)."""
        with self.db.sessions() as session, session.begin():
            row = session.get(CampaignRow, campaign_id)
            if row is None or row.secret_key:
                return False
            row.secret_key = key  # a plain session: not stamped, not queued for sync
        return True

    def open_conflicts(self) -> list[dict[str, Any]]:
        """Conflicts not resolved (neither on the server nor on this laptop), oldest first."""
        with self.db.sessions() as session:
            rows = session.scalars(
                select(SyncShadow)
                .where(SyncShadow.table_name == CONFLICT_TABLE)
                .order_by(SyncShadow.seq)
            ).all()
            held = [{"conflict_id": r.record_id, **json.loads(r.values_json)} for r in rows]
            pending = {
                key[len(RESOLUTION_PREFIX) :]
                for key in session.scalars(
                    select(LocalMeta.key).where(LocalMeta.key.startswith(RESOLUTION_PREFIX))
                )
            }
        return [c for c in held if not c.get("resolved") and c["conflict_id"] not in pending]

    def record_label(self, table: str, record_id: str) -> str:
        """A record's name or title on this laptop (its id when it has none, or is not here)."""
        if table in synced_tables():
            with self.db.sessions() as session:
                local = _local(session, table, record_id) or {}
            for key in ("name", "title", "label"):
                if isinstance(local.get(key), str) and local[key]:
                    return str(local[key])
        return record_id[:8]

    def local_value(self, table: str, record_id: str, field_name: str) -> Any:
        """The value this laptop holds for a field (None when the record is not here)."""
        if table not in synced_tables():
            return None
        with self.db.sessions() as session:
            local = _local(session, table, record_id)
        return None if local is None else local.get(field_name)


def _forget(batch_id: str) -> Any:
    """The DELETE of a kept batch (and of a batch kept by a version before protocol 4)."""
    return delete(LocalMeta).where(LocalMeta.key.in_([INFLIGHT_KEY, f"{INFLIGHT_KEY}:{batch_id}"]))


def _inflight(outbox: Outbox, request: PushRequest) -> tuple[str, str, str]:
    """The `local_meta` row that keeps a batch (key, value), and the request's JSON."""
    rest = json.dumps({"keys": outbox.keys, "upto": outbox.upto, "order": time.time_ns()})
    text = request.model_dump_json()  # encoded once, in Rust: kept, and sent as is
    return f"{INFLIGHT_KEY}:{request.batch_id}", f'{{"request":{text},{rest[1:]}', text


def in_dependency_order(states: list[RecordState]) -> list[RecordState]:
    """Parents before children (a campaign before its residences), then in server order."""
    rank = {table.name: number for number, table in enumerate(Base.metadata.sorted_tables)}
    return sorted(states, key=lambda state: (rank.get(state.table, len(rank)), state.seq))
