"""The server's side of offline bundles: import a laptop's push bundle with the rules of a push,
and answer with a reply bundle for that laptop (sync/core/bundle.py)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.i18n import _
from app.services.files import sha256_bytes
from sync.core.apply import apply_batch
from sync.core.bundle import (
    BundleFile,
    PushBundle,
    ReplyBatch,
    ReplyBundle,
    open_envelope,
    pack,
    signing_key,
    verify,
)
from sync.core.errors import SyncError, SyncRefused
from sync.core.files import DOWNLOADED_BY, UPLOADERS, references
from sync.core.protocol import MAX_BATCH, PROTOCOL_VERSION, KeysReply, KeysRequest, RecordState
from sync.core.tables import Role
from sync.server.files import files_for, store_file
from sync.server.keys import exchange
from sync.server.store import Device, SqlStore, transaction


@dataclass(frozen=True)
class ImportReport:
    device_id: str
    batches: int
    accepted: int
    conflicts: int
    refused: int
    records_back: int
    files_received: int = 0
    files_back: int = 0
    keys_stored: int = 0
    problems: list[str] = field(default_factory=list)


def _device(engine: Engine, device_id: str) -> tuple[Role, str]:
    with transaction(engine, read_only=True) as session:
        row = session.get(Device, device_id)
        if row is None:
            raise SyncRefused(
                _(
                    "Ce paquet vient du poste {device}, inconnu de ce serveur : rien n'a été "
                    "importé. Inscrivez ce poste sur ce serveur (bp-terrain server enrol), puis "
                    "exportez à nouveau."
                ).format(device=device_id)
            )
        if row.revoked_at is not None:
            raise SyncRefused(
                _(
                    "Ce paquet vient du poste {device}, révoqué le {date} : rien n'a été importé."
                ).format(device=device_id, date=row.revoked_at)
            )
        return Role(row.role), row.token_hash


def import_bundle(engine: Engine, data: bytes) -> tuple[ImportReport, bytes]:
    """Apply a push bundle; the report and the signed reply bundle for the laptop."""
    envelope = open_envelope(data)
    if envelope.kind != "push":
        raise SyncError(
            _(
                "Ce paquet est une réponse du serveur : il s'importe sur le poste {device} "
                "(bp-terrain sync import --data-dir DOSSIER_DU_POSTE), pas sur le serveur."
            ).format(device=envelope.device_id)
        )
    role, token_hash = _device(engine, envelope.device_id)
    key = signing_key(token_hash)
    bundle = verify(envelope, key)
    assert isinstance(bundle, PushBundle)
    problems: list[str] = []
    files_received = _store_files(engine, bundle, problems)  # before the records, as online
    replies = []
    for batch in bundle.batches:
        with transaction(engine) as session:  # one batch, one transaction, as a push
            touched = [(c.table, c.record_id) for c in batch.request.changes]
            with SqlStore(session).writing(touched) as store:
                reply = apply_batch(store, bundle.device_id, role, batch.request)
        replies.append(ReplyBatch(batch=batch, reply=reply))
    records, cursor = _since(engine, bundle.cursor)
    keys_stored, keys = _keys(engine, bundle)
    back = [
        *records,
        *(state for item in replies for state in item.reply.states(item.batch.request)),
    ]
    files = _files_back(engine, back, role)
    answer = ReplyBundle(
        device_id=bundle.device_id,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        since=bundle.cursor,
        cursor=cursor,
        batches=replies,
        records=records,
        files=files,
        keys=keys,
    )
    report = ImportReport(
        device_id=bundle.device_id,
        batches=len(replies),
        accepted=sum(item.reply.accepted for item in replies),
        conflicts=sum(len(item.reply.conflicts) for item in replies),
        refused=sum(len(item.reply.refused) for item in replies),
        records_back=len(records),
        files_received=files_received,
        files_back=len(files),
        keys_stored=keys_stored,
        problems=problems,
    )
    return report, pack(answer, key)


def _store_files(engine: Engine, bundle: PushBundle, problems: list[str]) -> int:
    """Keep the bundle's files whose bytes match their hash and whose kind its role sends."""
    stored = 0
    for item in bundle.files:
        data = base64.b64decode(item.data)
        if sha256_bytes(data) != item.sha256:
            problems.append(
                _(
                    "Le fichier {sha} du paquet ne correspond pas à son empreinte : il a été "
                    "refusé (les autres postes l'attendront)."
                ).format(sha=item.sha256[:12])
            )
            continue
        with transaction(engine) as session:
            device = session.get(Device, bundle.device_id)
            if device is None or Role(device.role) not in UPLOADERS.get(item.kind, frozenset()):
                problems.append(
                    _("Le fichier {sha} ({kind}) ne peut pas venir de ce poste : refusé.").format(
                        sha=item.sha256[:12], kind=item.kind
                    )
                )
                continue
            stored += store_file(session, device, item.sha256, item.kind, data)
    return stored


def _keys(engine: Engine, bundle: PushBundle) -> tuple[int, KeysReply]:
    """Store the keys the laptop sealed (each on its own: one the server refuses, for a device
    revoked since, does not stop the others), then what `/v1/keys` would answer it."""
    stored = 0
    for sealed in bundle.sealed:
        try:
            with transaction(engine) as session:
                request = KeysRequest(protocol=PROTOCOL_VERSION, sealed=[sealed])
                stored += exchange(session, _row(session, bundle.device_id), request).stored
        except SyncRefused:
            continue
    with transaction(engine) as session:
        device = _row(session, bundle.device_id)
        return stored, exchange(session, device, KeysRequest(protocol=PROTOCOL_VERSION))


def _row(session: Session, device_id: str) -> Device:
    device = session.get(Device, device_id)
    assert device is not None  # checked by `_device` before anything was imported
    return device


def _files_back(engine: Engine, states: list[RecordState], role: Role) -> list[BundleFile]:
    """The files the records going back point to, of the kinds the laptop's role fetches."""
    shas = {
        sha
        for state in states
        for spec, sha in references(state.table, state.values)
        if role in DOWNLOADED_BY[spec.kind]
    }
    if not shas:
        return []
    with transaction(engine, read_only=True) as session:
        found = files_for(session, shas, role)
    return [
        BundleFile(sha256=sha, kind=kind, data=base64.b64encode(data).decode("ascii"))
        for sha, (kind, data) in sorted(found.items())
    ]


def _since(engine: Engine, cursor: int) -> tuple[list[RecordState], int]:
    """Every record after `cursor`, read in one snapshot (pages of the pull's size)."""
    records: list[RecordState] = []
    with transaction(engine, read_only=True) as session:
        store = SqlStore(session)
        while True:
            page, more = store.since(cursor, MAX_BATCH)
            records += page
            cursor = page[-1].seq if page else cursor
            if not more:
                return records, cursor
