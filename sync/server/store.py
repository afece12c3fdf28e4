"""The server's database: its own tables and schema version, SQLite by default, any SQLAlchemy URL.

All state lives here (the server process holds none), so several workers can share one database.
The pull cursor is the `seq` of a record's last write. `seq` comes from one counter row updated
inside the writing transaction: that row is locked until commit, so commits happen in `seq`
order and a pull never skips a transaction that committed late.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from app.i18n import _
from sync.core.audit import AUDIT_TABLE, audit_key
from sync.core.errors import SyncError
from sync.core.protocol import PushReply, RecordState, json_text, state_of
from sync.core.unique import UNIQUE_KEYS, key_of

SCHEMA_VERSION = 1
READ_ONLY = "bp_terrain_read_only"


class ServerBase(DeclarativeBase):
    pass


class ServerMeta(ServerBase):
    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ServerCounter(ServerBase):
    __tablename__ = "server_counter"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ServerRecord(ServerBase):
    __tablename__ = "server_record"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    values_json: Mapped[str] = mapped_column(Text)
    versions_json: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer, index=True, unique=True)
    serial_hash: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    audit_key: Mapped[str | None] = mapped_column(String(160), index=True, default=None)


class ServerUnique(ServerBase):
    """Which record holds each unique key (`sync.core.unique`): the first one that took it."""

    __tablename__ = "server_unique"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    unique_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(100))


class ServerBatch(ServerBase):
    __tablename__ = "server_batch"
    device_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    reply_json: Mapped[str] = mapped_column(Text)


class Device(ServerBase):
    __tablename__ = "device"
    device_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    campaign: Mapped[str | None] = mapped_column(String(100), default=None)
    label: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32), default=None)


class DeviceState(ServerBase):
    """What a device got at enrolment beside its token: its number (its block of print batch
    numbers), its X25519 public key (to which the campaign's ballot key is encrypted) and when
    its token expires unless used. A device enrolled before these has no row: it never expires."""

    __tablename__ = "device_state"
    device_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    public_key: Mapped[str] = mapped_column(String(64), default="")
    token_expires_at: Mapped[str | None] = mapped_column(String(32), default=None)


class WrappedKey(ServerBase):
    """A campaign's ballot key encrypted by a laptop that holds it for one device (the server
    cannot read it: it never holds the device's private key)."""

    __tablename__ = "wrapped_key"
    campaign_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    sender: Mapped[str] = mapped_column(String(100))
    ephemeral: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(24))
    ciphertext: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class EnrolCode(ServerBase):
    __tablename__ = "enrol_code"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    campaign: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32))
    used_at: Mapped[str | None] = mapped_column(String(32), default=None)


def disk_full(exc: DBAPIError) -> bool:
    """Whether the database failed because its disk (or its quota) is full."""
    text = str(exc.orig).lower()
    code = getattr(exc.orig, "sqlite_errorcode", None) or getattr(exc.orig, "sqlstate", None)
    return (
        code in (sqlite3.SQLITE_FULL, "53100")
        or "database or disk is full" in text
        or "no space left on device" in text
    )


def _sqlite_immediate(engine: Engine) -> None:
    """SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE so that writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA wal_autocheckpoint=16384")  # 64 MB: fewer checkpoints in a push
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def open_engine(url: str) -> Engine:
    """Open (and create or check) the server database at `url`."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        _sqlite_immediate(engine)
    try:
        _create(engine)
    except DBAPIError as exc:
        engine.dispose()
        if disk_full(exc):
            raise SyncError(
                _(
                    "Le disque du serveur est plein : impossible d'ouvrir sa base. Libérez de la "
                    "place, puis relancez le serveur."
                )
            ) from exc
        raise SyncError(
            _("Impossible d'ouvrir la base du serveur : {error}").format(error=exc.orig)
        ) from exc
    return engine


def _create(engine: Engine) -> None:
    ServerBase.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        version = session.get(ServerMeta, "schema_version")
        if version is None:
            session.add(ServerMeta(key="schema_version", value=str(SCHEMA_VERSION)))
            session.add(ServerCounter(name="seq", value=0))
        elif int(version.value) > SCHEMA_VERSION:
            raise SyncError(
                _(
                    "La base du serveur a été écrite par une version plus récente de BP Terrain "
                    "(schéma {found}, celle-ci connaît le schéma {known}) : elle n'a pas été "
                    "modifiée. Mettez BP Terrain à jour sur le serveur."
                ).format(found=version.value, known=SCHEMA_VERSION)
            )
        if session.get(ServerCounter, "device") is None:  # a server from before device numbers
            session.add(ServerCounter(name="device", value=0))
        if session.get(ServerMeta, "unique_index") is None:  # a server from before unique keys
            _index_unique_keys(session)
            session.add(ServerMeta(key="unique_index", value="1"))


def _index_unique_keys(session: Session) -> None:
    """Fill `server_unique` from the records already held (the first by `seq` holds a key)."""
    held: dict[tuple[str, str], str] = {}
    rows = session.execute(
        select(RECORDS.c.table_name, RECORDS.c.record_id, RECORDS.c.values_json)
        .where(RECORDS.c.table_name.in_(sorted(UNIQUE_KEYS)))
        .order_by(RECORDS.c.seq)
    )
    for row in rows:
        key = key_of(row.table_name, json.loads(row.values_json))
        if key is not None:
            held.setdefault((row.table_name, key), row.record_id)
    if held:
        session.execute(
            insert(ServerUnique),
            [
                {"table_name": table, "unique_key": key, "record_id": record_id}
                for (table, key), record_id in held.items()
            ],
        )


@contextmanager
def transaction(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction; `read_only` ones (pulls) do not queue behind writers on SQLite: in WAL
    mode they read a snapshot, which is a prefix of the commits since they happen in `seq` order."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    with Session(bind) as session, session.begin():
        yield session


def _state(row: Any) -> RecordState:
    return state_of(  # read from this database: valid
        row.table_name, row.record_id, json.loads(row.values_json),
        json.loads(row.versions_json), row.seq,
    )  # fmt: skip


RECORDS: Table = ServerRecord.__table__  # type: ignore[assignment]
UNIQUES: Table = ServerUnique.__table__  # type: ignore[assignment]
CHUNK = 400
"""Keys per `IN (…)` query (well under SQLite's limit on bound parameters)."""

Key = tuple[str, str]


class SqlStore:
    """`sync.core.apply.Store` on one open transaction.

    Writes happen only inside `with store.writing(keys) as store:`, which takes the writers' lock,
    reads the records `keys` names in a few `IN (…)` queries, stages every `put` in memory and
    writes them all on exit (one executemany for the new records, one for the changed ones, one
    update of the counter) instead of three statements per record: a batch of 1,000 changes costs
    a handful of statements. The block runs in a savepoint: an error inside rolls back what it
    wrote and drops what it staged. A `put` outside the block raises (nothing can be left staged
    and unwritten)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._held: dict[Key, RecordState | None] = {}
        self._stored: set[Key] = set()
        self._dirty: dict[Key, RecordState] = {}
        self._seq: int | None = None
        self._staged_audit: dict[str, Key] = {}
        self._staged_serials: dict[str, set[str]] = {}
        self._staged_unique: dict[tuple[str, str], str | None] = {}
        self._unique_read: dict[tuple[str, str], str | None] = {}  # as read in this transaction
        self._writing = False
        self.reply_json: str | None = None
        """The JSON of the last batch reply saved or found (the push answers with it as is)."""

    @contextmanager
    def writing(self, keys: Iterable[Key] = ()) -> Iterator[SqlStore]:
        """Lock, prefetch `keys`, stage the writes of the block and write them on exit."""
        if self._writing:
            raise RuntimeError("SqlStore.writing() is already open")
        self.lock()
        savepoint = self.session.begin_nested()
        self._writing = True
        try:
            self.prefetch(keys)
            yield self
            self._write_staged()
        except BaseException:
            self._discard()
            if savepoint.is_active:
                with suppress(DBAPIError):  # a dead connection: the transaction rolls back anyway
                    savepoint.rollback()
            raise
        finally:
            self._writing = False
        savepoint.commit()

    def _discard(self) -> None:
        """Forget what was staged and what was read (the savepoint is rolled back)."""
        self._held.clear()
        self._stored.clear()
        self._dirty.clear()
        self._staged_audit.clear()
        self._staged_serials.clear()
        self._staged_unique.clear()
        self._unique_read.clear()
        self._seq = None

    def prefetch(self, keys: Iterable[Key]) -> None:
        wanted = sorted({key for key in keys if key not in self._held})
        by_table: dict[str, list[str]] = {}
        for table, record_id in wanted:
            by_table.setdefault(table, []).append(record_id)
        connection = self.session.connection()
        raw = connection.dialect.name == "sqlite"  # straight to the driver, as `_insert_records`
        for table, ids in by_table.items():
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                if raw:
                    rows = connection.exec_driver_sql(
                        "SELECT table_name, record_id, values_json, versions_json, seq "
                        f"FROM server_record WHERE table_name = ? AND record_id IN "
                        f"({', '.join('?' * len(part))})",
                        (table, *part),
                    ).fetchall()
                else:
                    rows = self.session.execute(
                        select(RECORDS).where(
                            RECORDS.c.table_name == table, RECORDS.c.record_id.in_(part)
                        )
                    ).all()
                for row in rows:
                    key = (row.table_name, row.record_id)
                    self._held[key] = _state(row)
                    self._stored.add(key)
        for key in wanted:
            self._held.setdefault(key, None)

    def get(self, table: str, record_id: str) -> RecordState | None:
        key = (table, record_id)
        if key not in self._held:
            self.prefetch([key])
        return self._held[key]

    def lock(self) -> None:
        """Serialise writers: hold the counter row from the start of a push to its commit.

        A push reads records before it writes them; without this lock two concurrent pushes on
        PostgreSQL could both merge into the same old state (a lost update). SQLite already
        serialises writers with BEGIN IMMEDIATE."""
        self._seq = int(
            self.session.execute(
                select(ServerCounter.value).where(ServerCounter.name == "seq").with_for_update()
            ).scalar_one()
        )

    def next_seq(self) -> int:
        if self._seq is None:
            self.lock()
        assert self._seq is not None
        self._seq += 1
        return self._seq

    def put(
        self, table: str, record_id: str, values: dict[str, Any], versions: dict[str, int]
    ) -> RecordState:
        if not self._writing:
            raise RuntimeError(
                "SqlStore.put outside `with store.writing():` would never be written"
            )
        key = (table, record_id)
        if table in UNIQUE_KEYS:
            self._stage_unique(table, record_id, values)
        state = state_of(table, record_id, values, versions, self.next_seq())  # merged: valid
        self._held[key] = state
        self._dirty[key] = state
        if table == AUDIT_TABLE:
            self._staged_audit[audit_key(values)] = key
        if table == "count_sheet" and values.get("serial_hash"):
            self._staged_serials.setdefault(str(values["serial_hash"]), set()).add(record_id)
        return state

    def _stage_unique(self, table: str, record_id: str, values: dict[str, Any]) -> None:
        """Keep `server_unique` in step: a record frees the key it leaves (if it held it) and
        takes its new key if nobody holds it (`sync.core.unique.settle` saw to that for the keys
        that must stay unique; a second count sheet of one image page keeps the first)."""
        before = self.get(table, record_id)
        old = key_of(table, before.values) if before is not None else None
        new = key_of(table, values)
        if old == new:
            return
        if old is not None and self.unique_holder(table, old) == record_id:
            self._staged_unique[(table, old)] = None
        if new is not None and self.unique_holder(table, new) is None:
            self._staged_unique[(table, new)] = record_id

    def unique_holder(self, table: str, key: str) -> str | None:
        if (table, key) in self._staged_unique:
            return self._staged_unique[(table, key)]
        if (table, key) not in self._unique_read:
            self.prefetch_unique([(table, key)])
        return self._unique_read[(table, key)]

    def prefetch_unique(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Read the holders of many unique keys in a few queries (a batch of count sheets: one
        per table and 400 keys, instead of one per sheet)."""
        by_table: dict[str, list[str]] = {}
        for table, key in sorted(set(pairs)):
            if (table, key) not in self._unique_read and (table, key) not in self._staged_unique:
                by_table.setdefault(table, []).append(key)
        for table, keys in by_table.items():
            for start in range(0, len(keys), CHUNK):
                part = keys[start : start + CHUNK]
                rows = self.session.execute(
                    select(UNIQUES.c.unique_key, UNIQUES.c.record_id).where(
                        UNIQUES.c.table_name == table, UNIQUES.c.unique_key.in_(part)
                    )
                )
                found = {key: record_id for key, record_id in rows}
                for key in part:
                    self._unique_read[(table, key)] = found.get(key)

    def _flush_unique(self) -> None:
        if not self._staged_unique:
            return
        keys = list(self._staged_unique.items())
        self.session.execute(
            delete(UNIQUES).where(
                UNIQUES.c.table_name == bindparam("k_table"),
                UNIQUES.c.unique_key == bindparam("k_key"),
            ),
            [{"k_table": table, "k_key": key} for (table, key), _holder in keys],
        )
        held = [
            {"table_name": table, "unique_key": key, "record_id": holder}
            for (table, key), holder in keys
            if holder is not None
        ]
        if held:
            self.session.execute(insert(UNIQUES), held)
        self._unique_read.update(self._staged_unique)  # now what the table holds
        self._staged_unique.clear()

    def _write_staged(self) -> None:
        """Write the staged records and the counter (still inside the transaction)."""
        self._flush_unique()
        if not self._dirty:
            return
        rows = [_row(state) for state in self._dirty.values()]
        new = [row for row in rows if (row["table_name"], row["record_id"]) not in self._stored]
        changed = [row for row in rows if (row["table_name"], row["record_id"]) in self._stored]
        if changed:
            self.session.execute(
                update(RECORDS)
                .where(
                    RECORDS.c.table_name == bindparam("k_table"),
                    RECORDS.c.record_id == bindparam("k_id"),
                )
                .values({name: bindparam(f"b_{name}") for name in _WRITTEN}),
                [
                    {
                        "k_table": row["table_name"],
                        "k_id": row["record_id"],
                        **{f"b_{name}": row[name] for name in _WRITTEN},
                    }
                    for row in changed
                ],
            )
        if new:
            _insert_records(self.session, new)
        self.session.execute(
            update(ServerCounter).where(ServerCounter.name == "seq").values(value=self._seq)
        )
        self._stored.update(self._dirty)
        self._dirty.clear()

    def sheets_with_serial(self, serial_hash: str) -> list[str]:
        rows = self.session.scalars(
            select(ServerRecord.record_id).where(
                ServerRecord.table_name == "count_sheet", ServerRecord.serial_hash == serial_hash
            )
        )
        staged = self._staged_serials.get(serial_hash, set())
        return sorted(set(rows) | staged)

    def audit_at(self, session_id: str, seq: int) -> tuple[str, str] | None:
        key = audit_key({"session_id": session_id, "seq": seq})
        staged = self._staged_audit.get(key)
        if staged is not None:
            state = self._held[staged]
            assert state is not None
            return staged[1], str(state.values.get("hash"))
        row = self.session.execute(
            select(RECORDS.c.record_id, RECORDS.c.values_json).where(
                RECORDS.c.table_name == AUDIT_TABLE, RECORDS.c.audit_key == key
            )
        ).first()
        return (row.record_id, str(json.loads(row.values_json).get("hash"))) if row else None

    def audit_chain(self, session_id: str, before: int) -> list[str]:
        prefix = audit_key({"session_id": session_id, "seq": ""})  # "<session>:"
        rows = self.session.execute(
            select(RECORDS.c.values_json).where(
                RECORDS.c.table_name == AUDIT_TABLE,
                RECORDS.c.audit_key >= prefix,
                RECORDS.c.audit_key < prefix[:-1] + ";",  # ";" follows ":"
            )
        )
        held: dict[int, str] = {}
        for row in rows:
            values = json.loads(row.values_json)
            if values.get("session_id") == session_id:
                held[int(values["seq"])] = str(values["entry"])
        for staged in self._staged_audit.values():
            state = self._held[staged]
            if state is not None and state.values.get("session_id") == session_id:
                held[int(state.values["seq"])] = str(state.values["entry"])
        return [held[seq] for seq in sorted(held) if seq < before]

    def get_batch(self, device_id: str, batch_id: str) -> PushReply | None:
        row = self.session.get(ServerBatch, (device_id, batch_id))
        if row is None:
            return None
        self.reply_json = row.reply_json
        return PushReply.model_validate_json(row.reply_json)

    def save_batch(self, device_id: str, batch_id: str, reply: PushReply) -> None:
        self._write_staged()
        self.reply_json = reply.model_dump_json()
        self.session.add(
            ServerBatch(device_id=device_id, batch_id=batch_id, reply_json=self.reply_json)
        )
        self.session.flush()

    def count_after(self, cursor: int, skip: Sequence[tuple[int, int]] = ()) -> int:
        query = select(func.count()).select_from(RECORDS).where(RECORDS.c.seq > cursor)
        return int(self.session.scalar(_unskipped(query, skip)) or 0)

    def since(self, cursor: int, limit: int) -> tuple[list[RecordState], bool]:
        rows = self.session.execute(
            select(RECORDS).where(RECORDS.c.seq > cursor).order_by(RECORDS.c.seq).limit(limit + 1)
        ).all()
        return [_state(row) for row in rows[:limit]], len(rows) > limit

    def since_json(
        self,
        cursor: int,
        limit: int,
        wanted: Callable[[str], bool],
        skip: Sequence[tuple[int, int]] = (),
    ) -> tuple[list[str], int, bool]:
        """`since` as the JSON of each `RecordState` (the tables `wanted` only, none whose `seq`
        is in a range of `skip`), written from the stored JSON text without decoding it; the
        cursor after the page (past the records left out too) and whether more follow."""
        query = (
            select(
                RECORDS.c.table_name,
                RECORDS.c.record_id,
                RECORDS.c.values_json,
                RECORDS.c.versions_json,
                RECORDS.c.seq,
            )
            .where(RECORDS.c.seq > cursor)
            .order_by(RECORDS.c.seq)
            .limit(limit + 1)
        )
        rows = self.session.execute(_unskipped(query, skip)).all()
        page = rows[:limit]
        more = len(rows) > limit
        records = [
            f'{{"table":{json.dumps(row.table_name)},"record_id":{json.dumps(row.record_id)},'
            f'"values":{row.values_json},"versions":{row.versions_json},"seq":{int(row.seq)}}}'
            for row in page
            if wanted(row.table_name)
        ]
        if more:
            return records, int(page[-1].seq), True
        # The last page: the cursor moves past the skipped records too. A laptop skips only
        # seqs its push replies gave it, committed before this pull began; seqs commit in order,
        # so every seq up to the last one skipped is in this page's snapshot (one statement:
        # PostgreSQL's read committed takes a snapshot per statement).
        held = max((last for _first, last in skip), default=0)
        return records, max(cursor, held, int(page[-1].seq) if page else 0), False


def _unskipped(query: Any, skip: Sequence[tuple[int, int]]) -> Any:
    for first, last in skip:
        query = query.where(~RECORDS.c.seq.between(first, last))
    return query


def _insert_records(session: Session, rows: list[dict[str, Any]]) -> None:
    """New records in one executemany; on SQLite straight to the driver (SQLAlchemy's per-row
    parameter processing costs more there than SQLite itself for a batch of 1,000); on
    PostgreSQL through SQLAlchemy, which sends them as multi-row INSERTs."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        session.execute(insert(RECORDS), rows)
        return
    names = tuple(rows[0])
    connection.exec_driver_sql(
        f"INSERT INTO server_record ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [tuple(map(row.__getitem__, names)) for row in rows],
    )


_WRITTEN = ("values_json", "versions_json", "seq", "serial_hash", "audit_key")


def _row(state: RecordState) -> dict[str, Any]:
    return {
        "table_name": state.table,
        "record_id": state.record_id,
        "values_json": json_text(state.values),
        "versions_json": json_text(state.versions),
        "seq": state.seq,
        "serial_hash": state.values.get("serial_hash") if state.table == "count_sheet" else None,
        "audit_key": audit_key(state.values) if state.table == AUDIT_TABLE else None,
    }
