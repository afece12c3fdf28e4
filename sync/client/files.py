"""The laptop's side of file sync (docs/sync.md, "Files").

Before a batch is pushed, the files its records point to are sent (`upload_for`): the server
says which it lacks, and the laptop sends those, each checked against its hash first (a file
damaged on the laptop is never sent). The server accepts a record whose file is not there yet
(the sender lost it, or its upload was cut): the other laptops count it as pending and fetch it
at a later sync, once it has arrived. After a pull, the laptop fetches the files of the kinds its
role uses that it lacks (`download_missing`), resuming a cut download where it stopped (the bytes
received are kept in `<file>.partiel`), and checks each against its hash before putting it in
place: a file whose bytes do not match is refused and thrown away.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.errors import CancelToken
from app.i18n import _
from app.services.counting.store import find_image
from app.services.files import kept_file, kept_path, sha256_bytes, sha256_file
from app.storage.db import Database
from ballots.replace import replacing
from sync.client.http import Transport
from sync.client.local import get_meta, set_meta
from sync.client.records import synced_tables
from sync.core.files import (
    DOWNLOADED_BY,
    FILE_FIELDS,
    MAX_FILE_BYTES,
    MAX_QUERY,
    SCAN,
    UPLOADERS,
    FileField,
    FilesMissing,
    FilesQuery,
    fields_of,
    is_sha256,
    safe_relative,
)
from sync.core.protocol import PROTOCOL_VERSION, Change
from sync.core.tables import Role

log = logging.getLogger(__name__)

PARTIAL = ".partiel"
UNSENT_KEY = "sync_files_unsent"


@dataclass
class FileTally:
    """What the files did during one sync (the problems in French, for the report)."""

    uploaded: int = 0
    downloaded: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Wanted:
    spec: FileField
    sha256: str
    target: Path


def _path_value(db: Database, spec: FileField, record_id: str) -> str | None:
    if spec.path_field is None:
        return None
    table = synced_tables().get(spec.table)
    if table is None or spec.path_field not in table.c:
        return None
    with db.sessions() as session:
        value = session.execute(
            select(table.c[spec.path_field]).where(table.c.id == record_id)
        ).scalar_one_or_none()
    return value if isinstance(value, str) else None


def local_file(data_dir: Path, spec: FileField, sha: str, relative: str | None) -> Path | None:
    """Where this laptop keeps the file: the record's path, the file store, or the scans."""
    candidates: list[Path] = []
    safe = safe_relative(spec, relative)
    if safe:
        candidates.append(data_dir / safe)
    if (kept := kept_file(data_dir, sha)) is not None:
        candidates.append(kept)
    if spec.kind == SCAN and (scan := find_image(data_dir, sha)) is not None:
        candidates.append(scan)
    return next((path for path in candidates if path.is_file()), None)


Ref = tuple[str, str, Mapping[str, Any]]
"""A record that points to files: (table, record id, its fields or some of them)."""


def _unsent(db: Database) -> dict[str, list[str]]:
    with db.sessions() as session:
        text = get_meta(session, UNSENT_KEY)
    return dict(json.loads(text)) if text else {}


def _save_unsent(db: Database, unsent: dict[str, list[str]]) -> None:
    with db.sessions() as session, session.begin():
        set_meta(session, UNSENT_KEY, json.dumps(unsent, sort_keys=True))


def unsent_refs(db: Database) -> list[Ref]:
    """The records whose files could not leave this laptop yet (missing or damaged then)."""
    return [
        (table, record_id, {field_name: sha})
        for sha, (table, record_id, field_name) in sorted(_unsent(db).items())
    ]


def retry_unsent(
    db: Database,
    data_dir: Path,
    transport: Transport,
    role: Role,
    tally: FileTally,
    cancel: CancelToken | None = None,
) -> None:
    """Send the files that were missing or damaged on this laptop when their record left (the
    record went without them): each sync tries again, until they are back and sent."""
    refs = unsent_refs(db)
    if refs:
        upload_refs(db, data_dir, transport, role, refs, tally, cancel)


def upload_for(
    db: Database,
    data_dir: Path,
    transport: Transport,
    role: Role,
    changes: Iterable[Change],
    tally: FileTally,
    cancel: CancelToken | None = None,
) -> None:
    """Send the server the files these changes point to and it does not have yet."""
    refs: list[Ref] = [(c.table, c.record_id, c.fields) for c in changes]
    upload_refs(db, data_dir, transport, role, refs, tally, cancel)


Located = dict[str, tuple[FileField, Path | None, str, str]]
"""sha256 -> (its field, where this laptop keeps it or None, table, record id)."""


def locate(db: Database, data_dir: Path, role: Role, refs: Iterable[Ref]) -> Located:
    """The files these records point to that this laptop's role sends, and where they are."""
    found: Located = {}
    for table, record_id, values in refs:
        for spec in fields_of(table):
            sha = values.get(spec.hash_field)
            if not is_sha256(sha) or role not in UPLOADERS[spec.kind] or sha in found:
                continue
            relative = values.get(spec.path_field) if spec.path_field else None
            if spec.path_field and not isinstance(relative, str):
                relative = _path_value(db, spec, record_id)
            path = local_file(data_dir, spec, str(sha), relative)
            found[str(sha)] = (spec, path, table, record_id)
    return found


def sendable(
    db: Database, found: Located, shas: Iterable[str], tally: FileTally, settled: Iterable[str] = ()
) -> list[tuple[str, FileField, Path]]:
    """Those of `shas` this laptop can send (whole and matching their hash); the others are
    told in `tally` and remembered, to be tried again at the next sync. `settled`: files the
    server has, no longer to be tried."""
    unsent = _unsent(db)
    before = dict(unsent)
    for sha in settled:
        unsent.pop(sha, None)
    ready: list[tuple[str, FileField, Path]] = []
    for sha in shas:
        spec, path, table, record_id = found[sha]
        problem = _problem(spec, sha, path)
        if problem is not None or path is None:
            tally.problems.append(problem or "")
            unsent[sha] = [table, record_id, spec.hash_field]
            continue
        unsent.pop(sha, None)
        ready.append((sha, spec, path))
    if unsent != before:
        _save_unsent(db, unsent)
    return ready


def upload_refs(
    db: Database,
    data_dir: Path,
    transport: Transport,
    role: Role,
    refs: Iterable[Ref],
    tally: FileTally,
    cancel: CancelToken | None = None,
) -> None:
    found = locate(db, data_dir, role, refs)
    if not found:
        return
    shas = sorted(found)
    missing: list[str] = []
    for start in range(0, len(shas), MAX_QUERY):
        query = FilesQuery(protocol=PROTOCOL_VERSION, files=shas[start : start + MAX_QUERY])
        missing += transport.post("/v1/files/missing", query, FilesMissing).missing
    lacking = set(missing)
    settled = [sha for sha in shas if sha not in lacking]  # sent by this laptop or another
    for sha, spec, path in sendable(db, found, sorted(lacking), tally, settled):
        if cancel:
            cancel.check()
        transport.put_bytes(f"/v1/files/{sha}?kind={spec.kind}", path.read_bytes())
        tally.uploaded += 1


def _problem(spec: FileField, sha: str, path: Path | None) -> str | None:
    """Why this laptop cannot send the file (in French), or None."""
    if path is None:
        return _(
            "Le fichier {sha} ({kind}) manque sur ce poste : l'enregistrement part sans lui ; "
            "les autres postes l'attendront. Il sera envoyé dès qu'il sera de retour."
        ).format(sha=sha[:12], kind=spec.kind)
    if path.stat().st_size > MAX_FILE_BYTES:
        return _("Le fichier {name} est trop volumineux pour la synchronisation.").format(
            name=path.name
        )
    if sha256_file(path) != sha:
        log.warning("file %s does not match its hash: not sent", path)
        return _(
            "Le fichier {name} ne correspond plus à son empreinte (abîmé sur ce poste) : il n'a "
            "pas été envoyé."
        ).format(name=path.name)
    return None


def wanted_files(db: Database, data_dir: Path, role: Role) -> list[Wanted]:
    """The files that records on this laptop point to, of the kinds its role fetches, that it
    does not hold (or holds with other bytes)."""
    wanted: list[Wanted] = []
    tables = synced_tables()
    seen: set[Path] = set()
    with db.sessions() as session:
        for spec in _fetched_fields(role):
            table = tables.get(spec.table)
            if table is None or spec.hash_field not in table.c:
                continue
            columns = [table.c[spec.hash_field]]
            if spec.path_field:
                columns.append(table.c[spec.path_field])
            rows = session.execute(
                select(*columns).where(table.c.deleted_at.is_(None), table.c[spec.hash_field] != "")
            ).all()
            for row in rows:
                sha = row[0]
                if not is_sha256(sha):
                    continue
                if spec.path_field:
                    safe = safe_relative(spec, row[1])
                    if safe is None:
                        continue
                    target = data_dir / safe
                else:
                    target = kept_path(data_dir, sha)
                if target in seen:
                    continue
                seen.add(target)
                if target.is_file() and sha256_file(target) == sha:
                    continue
                wanted.append(Wanted(spec, sha, target))
    return wanted


def _fetched_fields(role: Role) -> list[FileField]:
    return [spec for spec in FILE_FIELDS if role in DOWNLOADED_BY[spec.kind]]


def download_missing(
    db: Database,
    data_dir: Path,
    transport: Transport,
    role: Role,
    tally: FileTally,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> None:
    """Fetch the files this laptop lacks; a cut leaves the bytes received for the next sync."""
    wanted = wanted_files(db, data_dir, role)
    for done, item in enumerate(wanted):
        if cancel:
            cancel.check()
        if progress:
            progress(done, len(wanted))
        item.target.parent.mkdir(parents=True, exist_ok=True)
        partial = item.target.with_name(item.target.name + PARTIAL)
        if not transport.fetch_to(f"/v1/files/{item.sha256}", partial):
            tally.pending += 1
            continue
        if sha256_file(partial) != item.sha256:
            partial.unlink(missing_ok=True)
            log.warning("received file %s does not match its hash: refused", item.sha256)
            tally.problems.append(
                _(
                    "Le fichier reçu {sha} ne correspond pas à son empreinte : il a été refusé "
                    "et sera demandé de nouveau à la prochaine synchronisation."
                ).format(sha=item.sha256[:12])
            )
            continue
        os.replace(partial, item.target)
        tally.downloaded += 1
    if progress and wanted:
        progress(len(wanted), len(wanted))


def place_files(
    db: Database, data_dir: Path, role: Role, files: Mapping[str, bytes], tally: FileTally
) -> None:
    """Put in place the files that came in a bundle, each checked against its hash."""
    for item in wanted_files(db, data_dir, role):
        data = files.get(item.sha256)
        if data is None:
            tally.pending += 1
            continue
        if sha256_bytes(data) != item.sha256:
            tally.problems.append(
                _(
                    "Le fichier reçu {sha} ne correspond pas à son empreinte : il a été refusé."
                ).format(sha=item.sha256[:12])
            )
            continue
        item.target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(item.target, mode=0o644) as out:
            out.write(data)
        tally.downloaded += 1
