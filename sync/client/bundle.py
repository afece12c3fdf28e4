"""The laptop's side of offline bundles: export what the server has not acknowledged, import the
server's reply (docs/sync.md, "Without a network"). The rules are those of an online sync."""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.domain.dates import utc_now
from app.i18n import _
from app.storage.db import Database, open_database
from app.storage.uow import device_id
from sync.client.files import FileTally, Ref, locate, place_files, sendable, unsent_refs
from sync.client.local import CURSOR_KEY, LocalStore, Outbox, in_dependency_order, set_meta
from sync.client.service import (
    ROLE_KEY,
    TOKEN_KEY,
    install_keys,
    keys_to_seal,
    known_recipients,
    remember_recipients,
)
from sync.core.bundle import (
    BundleBatch,
    BundleError,
    BundleFile,
    PushBundle,
    ReplyBundle,
    open_envelope,
    pack,
    signing_key,
    token_hash,
    verify,
)
from sync.core.errors import SyncError, SyncRefused
from sync.core.protocol import MAX_BATCH, PROTOCOL_VERSION, PushRequest
from sync.core.tables import Role


@dataclass(frozen=True)
class ExportReport:
    path: str
    batches: int
    changes: int
    size: int
    files: int = 0
    keys_sealed: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReplyReport:
    acknowledged: int
    received: int
    conflicts: int
    refused: int
    files_received: int = 0
    files_pending: int = 0
    keys_received: int = 0
    keys_refused: int = 0
    problems: list[str] = field(default_factory=list)


def _credentials(store: LocalStore) -> tuple[str, Role]:
    token, role = store.meta(TOKEN_KEY), store.meta(ROLE_KEY)
    if not token or not role:
        raise SyncError(
            _(
                "Ce poste n'est inscrit sur aucun serveur : un paquet de synchronisation ne peut "
                "être signé que par un poste inscrit. Inscrivez-le une fois (bp-terrain sync "
                "--server URL --code CODE), puis exportez."
            )
        )
    return token, Role(role)


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing (a USB key pulled out mid-write leaves no half bundle)."""
    partial = path.with_name(path.name + ".partiel")
    try:
        with open(partial, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SyncError(
            _("Impossible d'écrire {path} : {error}. Rien n'a été modifié.").format(
                path=path, error=exc.strerror or exc
            )
        ) from exc


def read_bundle_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise BundleError(
            _("Impossible de lire {path} : {error}.").format(path=path, error=exc.strerror or exc)
        ) from exc


def export_bundle(data_dir: Path, out: Path) -> ExportReport:
    """Write a signed bundle of every change this laptop's outbox holds (and may send)."""
    db = open_database(Path(data_dir))
    try:
        store = LocalStore(db, device_id(db))
        token, role = _credentials(store)
        batches = _batches(store, role)
        tally = FileTally()
        files = _files(db, Path(data_dir), role, batches, tally)
        sealed = keys_to_seal(store, known_recipients(store))
        bundle = PushBundle(
            device_id=store.device_id,
            created_at=utc_now().isoformat(timespec="seconds"),
            cursor=store.cursor(),
            batches=batches,
            files=files,
            sealed=sealed,
        )
        data = pack(bundle, signing_key(token_hash(token)))
    finally:
        db.close()
    write_atomically(Path(out), data)
    changes = sum(len(batch.request.changes) for batch in batches)
    return ExportReport(
        str(out), len(batches), changes, len(data), len(files), len(sealed), tally.problems
    )


def _files(
    db: Database, data_dir: Path, role: Role, batches: list[BundleBatch], tally: FileTally
) -> list[BundleFile]:
    """The files the exported records point to (and those that could not leave before)."""
    refs: list[Ref] = [
        (c.table, c.record_id, c.fields) for batch in batches for c in batch.request.changes
    ]
    refs += unsent_refs(db)
    found = locate(db, data_dir, role, refs)
    return [
        BundleFile(sha256=sha, kind=spec.kind, data=base64.b64encode(path.read_bytes()).decode())
        for sha, spec, path in sendable(db, found, sorted(found), tally)
    ]


def _batches(store: LocalStore, role: Role) -> list[BundleBatch]:
    """The outbox as push batches: the same batches an online sync would send, in order."""
    outbox = store.read_outbox(role, 1 << 30)
    batches = []
    for start in range(0, max(len(outbox.keys), 1), MAX_BATCH):
        keys = outbox.keys[start : start + MAX_BATCH]
        if not keys:
            break
        wanted = set(keys)
        changes = [c for c in outbox.changes if (c.table, c.record_id) in wanted]
        request = PushRequest(protocol=PROTOCOL_VERSION, batch_id=uuid.uuid4().hex, changes=changes)
        batches.append(BundleBatch(request=request, keys=keys, upto=outbox.upto))
    return batches


def import_reply(data_dir: Path, path: Path) -> ReplyReport:
    """Apply the server's reply bundle on this laptop: acknowledgements, then new records."""
    envelope = open_envelope(read_bundle_file(path))
    if envelope.kind != "reply":
        raise SyncError(
            _(
                "Ce paquet a été exporté par un poste : il s'importe sur le serveur (bp-terrain "
                "sync import --data-dir DOSSIER_DU_SERVEUR), pas sur un poste."
            )
        )
    db = open_database(Path(data_dir))
    try:
        store = LocalStore(db, device_id(db))
        token, role = _credentials(store)
        if envelope.device_id != store.device_id:
            raise SyncRefused(
                _(
                    "Ce paquet de réponse est destiné au poste {device}, pas à celui-ci : rien "
                    "n'a été importé."
                ).format(device=envelope.device_id)
            )
        bundle = verify(envelope, signing_key(token_hash(token)))
        assert isinstance(bundle, ReplyBundle)
        report = _apply_reply(db, store, bundle)
        tally = FileTally()
        place_files(db, Path(data_dir), role, _decoded(bundle.files), tally)
        received, refused = 0, list[str]()
        if bundle.keys is not None:
            received, refused = install_keys(store, bundle.keys.mine, tally.problems)
            remember_recipients(store, bundle.keys.recipients)
        return replace(
            report,
            files_received=tally.downloaded,
            files_pending=tally.pending,
            keys_received=received,
            keys_refused=len(refused),
            problems=tally.problems,
        )
    finally:
        db.close()


def _decoded(files: list[BundleFile]) -> dict[str, bytes]:
    return {item.sha256: base64.b64decode(item.data) for item in files}


def _apply_reply(db: Database, store: LocalStore, bundle: ReplyBundle) -> ReplyReport:
    acknowledged = conflicts = refused = 0
    for item in bundle.batches:
        outbox = Outbox(
            changes=list(item.batch.request.changes),
            upto=item.batch.upto,
            keys=[(table, record_id) for table, record_id in item.batch.keys],
        )
        store.acknowledge(outbox, item.reply)  # rows already cleared stay cleared
        acknowledged += item.reply.accepted
        conflicts += len(item.reply.conflicts)
        refused += len(item.reply.refused)
    cursor = store.cursor()
    with db.sessions() as session, session.begin():
        received = store.apply_all(session, in_dependency_order(bundle.records))
        if bundle.since <= cursor < bundle.cursor:
            set_meta(session, CURSOR_KEY, str(bundle.cursor))  # no gap: the records cover it
    store.mark_synced()
    return ReplyReport(acknowledged, received, conflicts, refused)
