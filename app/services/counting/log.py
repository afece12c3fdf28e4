"""Persisting the audit log of counting sessions: the database rows and the JSON-lines copy.

The pure chain rules live in `app.domain.audit`. Here an entry is written in the same
transaction as the records it describes (a sheet, a decision, a seal), so a crash at any moment
leaves either both or neither. The JSON-lines copy beside the database is appended after the
commit and caught up at start, since a crash may leave it one entry behind.

The whole chain is verified the first time a process touches a session, and again whenever
another process wrote to it since; a break raises `ChainBroken` and blocks counting.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.domain.audit import (
    AuditEntry,
    AuditError,
    ChainBroken,
    ChainHead,
    EventType,
    advance,
    build_checkpoint,
    build_entry,
    entry_from_dict,
    parse_time,
    verify_chain,
)
from app.domain.audit.jsonl import append_jsonl, catch_up_jsonl, parse_jsonl
from app.domain.audit.verify import Item, Unreadable
from app.domain.signing import Ed25519PrivateKey
from app.i18n import _
from app.services.counting.keys import keys_dir
from app.services.counting.lock import CopyLocks, last_complete_seq
from app.storage.count_tables import CountAuditRow
from ballots.replace import replacing

log = logging.getLogger(__name__)


def logs_dir(data_dir: Path) -> Path:
    return data_dir / "count" / "logs"


def jsonl_path(data_dir: Path, session_id: str) -> Path:
    return logs_dir(data_dir) / f"{session_id}.jsonl"


def mark_path(data_dir: Path, session_id: str) -> Path:
    """The session's high-water mark: the entry count and last hash the log has reached,
    kept beside the officers' keys, outside the database."""
    return keys_dir(data_dir) / "high-water" / f"{session_id}.json"


def read_mark(path: Path) -> tuple[int, str] | None:
    """(entries, last hash) from a mark file; None when there is none (or it is unreadable:
    the next commit rewrites it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        seq, digest = data["entries"], data["head_hash"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if isinstance(seq, int) and not isinstance(seq, bool) and isinstance(digest, str):
        return seq, digest
    return None


def write_mark(path: Path, session_id: str, head: ChainHead) -> None:
    """Raise the mark to `head` (never lower it), atomically: temporary file, fsync, rename."""
    current = read_mark(path)
    if current is not None and current[0] >= head.seq:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"session_id": session_id, "entries": head.seq, "head_hash": head.hash})
    with replacing(path) as stream:
        stream.write((text + "\n").encode("utf-8"))


def check_mark(
    data_dir: Path,
    session_id: str,
    head: ChainHead,
    hashes: Mapping[int, str] | None,
    committed: Callable[[], int] | None = None,
) -> None:
    """Raise `ChainBroken` when the stored log is shorter than its high-water mark, or when
    the entry at the mark's count is not the one the mark remembers (`hashes`: seq -> hash
    of the stored entries, when known).

    `committed` counts the entries the database holds now, outside the caller's read
    snapshot: another process may have committed entries (and raised the mark) after that
    snapshot was taken, which is not a truncation."""
    mark = read_mark(mark_path(data_dir, session_id))
    if mark is None:
        return
    seq, digest = mark
    if seq > head.seq and committed is not None and committed() >= seq:
        return  # a newer commit by another process: our snapshot is only older
    if seq > head.seq:
        detail = _(
            "la base ne garde que {stored} entrées alors que {expected} avaient été écrites "
            "(repère gardé hors de la base) : les dernières entrées ont été supprimées."
        ).format(stored=head.seq, expected=seq)
        raise ChainBroken(broken_message(session_id, detail), seq=head.seq + 1, code="truncated")
    if hashes is not None and hashes.get(seq) != digest:
        detail = _(
            "l'entrée n° {seq} n'est plus celle qui avait été écrite (repère gardé hors de la "
            "base)."
        ).format(seq=seq)
        raise ChainBroken(broken_message(session_id, detail), seq=seq, code="mark_differs")


def committed_entries(session: Session, session_id: str) -> int:
    """The session's entries committed in the database now, read on a fresh connection (the
    caller's session may hold an older read snapshot)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.connect() as connection:
        count = connection.execute(
            select(func.count())
            .select_from(CountAuditRow)
            .where(CountAuditRow.session_id == session_id)
        ).scalar_one()
    return int(count)


def _row_item(row: CountAuditRow) -> Item:
    return item_from_columns(row.seq, row.hash, row.prev_hash, row.event, row.entry)


def item_from_columns(seq: int, digest: str, prev_hash: str, event: str, entry: str) -> Item:
    """One stored entry parsed, checked against its row's columns (a pure function of them)."""
    items = parse_jsonl(entry.encode("utf-8") + b"\n")
    item = items[0] if len(items) == 1 else Unreadable("unreadable", "")
    if isinstance(item, Unreadable | AuditEntry):
        return item
    if (item.get("seq"), item.get("hash"), item.get("prev_hash"), item.get("event")) != (
        seq,
        digest,
        prev_hash,
        event,
    ):
        return Unreadable("malformed", _("les colonnes de la ligne diffèrent de l'entrée"))
    return item


def load_items(session: Session, session_id: str) -> list[Item]:
    rows = session.scalars(
        select(CountAuditRow)
        .where(CountAuditRow.session_id == session_id)
        .order_by(CountAuditRow.seq)
    ).all()
    return [_row_item(r) for r in rows]


def load_entries(session: Session, session_id: str) -> list[AuditEntry]:
    """The stored entries of a session, verified (raises `ChainBroken` on a break)."""
    items = load_items(session, session_id)
    head_of(items, session_id)
    return [_entry(i) for i in items]


def broken_message(session_id: str, detail: str) -> str:
    return _(
        "Le journal de la session {session} est rompu : {detail} Le dépouillement est bloqué. "
        "Ne continuez pas : prévenez les témoins et le responsable de la campagne, et gardez "
        "le dossier de données tel quel pour l'examen."
    ).format(session=session_id, detail=detail)


def head_of(items: Sequence[Item], session_id: str) -> ChainHead:
    result = verify_chain(items)
    if result.failure is not None:
        f = result.failure
        raise ChainBroken(broken_message(session_id, f.message), seq=f.seq, code=f.code)
    assert result.head is not None
    return result.head


@dataclass
class AuditLog:
    """Appends entries for many sessions; caches each verified head for this process."""

    data_dir: Path
    heads: dict[str, ChainHead] = field(default_factory=dict)
    locks: CopyLocks = field(init=False)

    def __post_init__(self) -> None:
        self.locks = CopyLocks(logs_dir(self.data_dir))

    def head(self, session: Session, session_id: str) -> ChainHead | None:
        """The verified head of a session's chain (None before its first entry)."""
        last = session.execute(
            select(CountAuditRow.seq, CountAuditRow.hash)
            .where(CountAuditRow.session_id == session_id)
            .order_by(CountAuditRow.seq.desc())
            .limit(1)
        ).first()
        if last is None:
            return None
        cached = self.heads.get(session_id)
        if cached is not None and (cached.seq, cached.hash) == (last[0], last[1]):
            return cached
        if cached is not None and last[0] > cached.seq:
            extended = self._extend(session, session_id, cached)
            if extended is not None:
                return extended
        return self.verify(session, session_id)

    def _extend(self, session: Session, session_id: str, cached: ChainHead) -> ChainHead | None:
        """Verify only the entries another process added after our verified head, and add
        them to the copy if they are missing there; None when anything is unusual (the full
        verification then runs and gives the proper message)."""
        rows = session.scalars(
            select(CountAuditRow)
            .where(CountAuditRow.session_id == session_id, CountAuditRow.seq > cached.seq)
            .order_by(CountAuditRow.seq)
        ).all()
        head, entries = cached, []
        try:
            for row in rows:
                item = _row_item(row)
                if isinstance(item, Unreadable):
                    return None
                entries.append(_entry(item))
                head = advance(head, entries[-1])
        except (AuditError, ValueError, KeyError, TypeError):
            return None
        mark = read_mark(mark_path(self.data_dir, session_id))
        if mark is not None and mark[0] > head.seq:
            return None  # the full verification reports the missing entries
        path = jsonl_path(self.data_dir, session_id)
        try:
            with self.locks.hold(session_id):
                copied = last_complete_seq(path)
                if copied is None or copied < cached.seq:
                    return None
                missing = [e for e in entries if e.seq > copied]
                if missing and missing[0].seq != copied + 1:
                    return None
                if missing:
                    append_jsonl(path, missing)
        except OSError as error:
            log.warning("could not catch up the JSON-lines copy: %s", error)
            return None
        self.heads[session_id] = head
        return head

    def verify(self, session: Session, session_id: str) -> ChainHead:
        """Verify the whole chain and bring the JSON-lines copy up to date."""
        items = load_items(session, session_id)
        head = head_of(items, session_id)
        entries = [_entry(i) for i in items]
        check_mark(
            self.data_dir,
            session_id,
            head,
            {e.seq: e.hash for e in entries},
            committed=lambda: committed_entries(session, session_id),
        )
        try:
            with self.locks.hold(session_id):
                self._raise_mark(session_id, head)
                added = catch_up_jsonl(
                    jsonl_path(self.data_dir, session_id),
                    entries,
                    committed=lambda: committed_entries(session, session_id),
                )
        except ChainBroken as error:
            raise ChainBroken(
                broken_message(session_id, error.message), seq=error.seq, code=error.code
            ) from None
        except OSError as error:  # the copy can wait; the database is the reference
            log.warning("could not catch up the JSON-lines copy: %s", error)
        else:
            if added:
                log.info("caught up %d entries in the copy of session %s", added, session_id)
        self.heads[session_id] = head
        return head

    def _raise_mark(self, session_id: str, head: ChainHead) -> None:
        """Raise the high-water mark to `head` (called under the copy's lock)."""
        try:
            write_mark(mark_path(self.data_dir, session_id), session_id, head)
        except OSError as error:
            log.warning("could not write the high-water mark of %s: %s", session_id, error)

    @staticmethod
    def add(
        session: Session, session_id: str, head: ChainHead | None, entry: AuditEntry
    ) -> ChainHead:
        """Insert one entry (in the caller's transaction) and return the new head."""
        new_head = advance(head, entry)
        session.add(
            CountAuditRow(
                session_id=session_id,
                seq=entry.seq,
                event=entry.event.value,
                entry=entry.canonical().decode("utf-8"),
                hash=entry.hash,
                prev_hash=entry.prev_hash,
            )
        )
        return new_head

    def committed(self, session_id: str, head: ChainHead, entries: Sequence[AuditEntry]) -> None:
        """After the commit: remember the head and append the entries to the copy, only if
        they follow its last line (else another writer's entries are missing before them,
        or a crash left a half line: the next use verifies and catches up, in order)."""
        if not entries:
            return
        path = jsonl_path(self.data_dir, session_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self.locks.hold(session_id):
                self._raise_mark(session_id, head)
                if last_complete_seq(path) == entries[0].seq - 1:
                    append_jsonl(path, entries)
                    self.heads[session_id] = head
                    return
            log.info("JSON-lines copy of %s left for a catch-up", session_id)
        except OSError as error:
            log.warning("JSON-lines copy of %s is behind: %s", session_id, error)
        self.heads.pop(session_id, None)  # next use verifies and catches up


def _entry(item: Item) -> AuditEntry:
    if isinstance(item, AuditEntry):
        return item
    assert not isinstance(item, Unreadable)
    return entry_from_dict(item)


COARSE_EVENTS = frozenset(
    {
        EventType.SHEET_INGESTED,
        EventType.SHEET_INTERPRETED,
        EventType.SHEET_REJECTED,
        EventType.DUPLICATE_SERIAL,
        EventType.HAND_KEYED_BALLOT,
        EventType.DECISION,
    }
)
"""Events about one sheet: their time is the hour only (the log is published; a sheet's exact
time, set beside a sign-in sheet, could point at a voter)."""


def coarse_time(head: ChainHead | None) -> datetime:
    """The time written into a sheet's entries: the current hour, never before the previous
    entry (so the log's times still never go backwards)."""
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if head is None:
        return hour
    return max(hour, parse_time(head.time))


@dataclass
class Writer:
    """Entries added in one transaction: `append` builds, checks and inserts each one."""

    session: Session
    session_id: str
    head: ChainHead | None
    actor: str
    entries: list[AuditEntry] = field(default_factory=list)

    def append(
        self, event: EventType, payload: Mapping[str, Any], actor: str | None = None
    ) -> AuditEntry:
        now = coarse_time(self.head) if event in COARSE_EVENTS else None
        entry = build_entry(self.head, event, actor or self.actor, payload, now=now)
        return self._add(entry)

    def checkpoint(
        self,
        event: EventType,
        key: Ed25519PrivateKey,
        tally: Mapping[str, int] | None = None,
        manifest_sha256: str | None = None,
    ) -> AuditEntry:
        if self.head is None:
            raise ValueError("a checkpoint needs an opened session")
        return self._add(
            build_checkpoint(
                self.head, event, self.actor, key, tally=tally, manifest_sha256=manifest_sha256
            )
        )

    def _add(self, entry: AuditEntry) -> AuditEntry:
        self.head = AuditLog.add(self.session, self.session_id, self.head, entry)
        self.entries.append(entry)
        return entry
