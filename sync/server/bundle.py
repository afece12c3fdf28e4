"""The server's side of offline bundles: import a laptop's push bundle with the rules of a push,
and answer with a reply bundle for that laptop (sync/core/bundle.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from app.i18n import _
from sync.core.apply import apply_batch
from sync.core.bundle import (
    PushBundle,
    ReplyBatch,
    ReplyBundle,
    open_envelope,
    pack,
    signing_key,
    verify,
)
from sync.core.errors import SyncError, SyncRefused
from sync.core.protocol import MAX_BATCH, RecordState
from sync.core.tables import Role
from sync.server.store import Device, SqlStore, transaction


@dataclass(frozen=True)
class ImportReport:
    device_id: str
    batches: int
    accepted: int
    conflicts: int
    refused: int
    records_back: int


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
    replies = []
    for batch in bundle.batches:
        with transaction(engine) as session:  # one batch, one transaction, as a push
            keys = [(c.table, c.record_id) for c in batch.request.changes]
            with SqlStore(session).writing(keys) as store:
                reply = apply_batch(store, bundle.device_id, role, batch.request)
        replies.append(ReplyBatch(batch=batch, reply=reply))
    records, cursor = _since(engine, bundle.cursor)
    answer = ReplyBundle(
        device_id=bundle.device_id,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        since=bundle.cursor,
        cursor=cursor,
        batches=replies,
        records=records,
    )
    report = ImportReport(
        device_id=bundle.device_id,
        batches=len(replies),
        accepted=sum(item.reply.accepted for item in replies),
        conflicts=sum(len(item.reply.conflicts) for item in replies),
        refused=sum(len(item.reply.refused) for item in replies),
        records_back=len(records),
    )
    return report, pack(answer, key)


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
