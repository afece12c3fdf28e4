"""One synchronisation of a laptop's data folder with the server: enrol (first time), push, pull."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import CancelToken
from app.i18n import _
from app.services.base import DEVICE_NUMBER_KEY
from app.services.retention import erase_expired
from app.storage.db import Database, open_database
from app.storage.uow import UnitOfWork, device_id
from sync.client.http import Transport
from sync.client.local import LocalStore
from sync.core.errors import ProtocolMismatch, SyncError, SyncRefused, SyncRejected
from sync.core.protocol import (
    MAX_BATCH,
    PROTOCOL_VERSION,
    EnrolReply,
    EnrolRequest,
    KeysReply,
    KeysRequest,
    PullReply,
    PullRequest,
    PushReply,
    PushRequest,
    SealedKey,
)
from sync.core.sealing import new_private_key, open_sealed, public_key, seal
from sync.core.tables import Role

SERVER_KEY, TOKEN_KEY, ROLE_KEY = "sync_server", "sync_token", "sync_role"
DEVICE_KEY, EXPIRES_KEY = "sync_device_key", "sync_token_expires_at"


@dataclass(frozen=True)
class SyncReport:
    sent: int
    received: int
    new_conflicts: int
    refused: int
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    last_sync: str = ""
    server: str = ""
    keys_received: int = 0
    keys_sealed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "keys_received": self.keys_received,
            "keys_sealed": self.keys_sealed,
            "sent": self.sent,
            "received": self.received,
            "new_conflicts": self.new_conflicts,
            "refused": self.refused,
            "conflicts": self.conflicts,
            "last_sync": self.last_sync,
            "server": self.server,
        }


def _enrol(store: LocalStore, server: str, code: str) -> None:
    """Spend the code; the laptop keeps its token, role, number and its own key pair (created
    once: its private half never leaves this laptop, the server gets the public half)."""
    private = store.meta(DEVICE_KEY) or new_private_key()
    store.set_meta({DEVICE_KEY: private})
    request = EnrolRequest(
        protocol=PROTOCOL_VERSION,
        code=code,
        device_id=store.device_id,
        public_key=public_key(private),
    )
    reply = Transport(server).post("/v1/enrol", request, EnrolReply)
    store.set_meta(
        {
            SERVER_KEY: server,
            TOKEN_KEY: reply.token,
            ROLE_KEY: reply.role,
            DEVICE_NUMBER_KEY: str(reply.number),
            EXPIRES_KEY: reply.token_expires_at,
        }
    )


def exchange_keys(store: LocalStore, transport: Transport) -> tuple[int, int]:
    """Install the ballot keys sealed for this laptop; seal the keys it holds for every enrolled
    device of a key role that lacks them. (received, sealed)."""
    reply = transport.post("/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION), KeysReply)
    private = store.meta(DEVICE_KEY)
    received = 0
    held = store.held_keys()
    for sealed in reply.mine:
        if private and sealed.campaign_id not in held:
            key = open_sealed(sealed, private)
            if store.install_key(sealed.campaign_id, key):
                held[sealed.campaign_id] = key
                received += 1
    to_seal: list[SealedKey] = []
    for recipient in reply.recipients:
        if recipient.device_id == store.device_id:
            continue
        for campaign_id, key in sorted(held.items()):
            if recipient.campaign in (None, campaign_id) and campaign_id not in recipient.holds:
                to_seal.append(seal(key, campaign_id, recipient.device_id, recipient.public_key))
    for start in range(0, len(to_seal), MAX_BATCH):
        chunk = to_seal[start : start + MAX_BATCH]
        transport.post("/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION, sealed=chunk), KeysReply)
    return received, len(to_seal)


def sync_once(
    data_dir: Path,
    server: str | None = None,
    code: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
    page_size: int = MAX_BATCH,
) -> SyncReport:
    """Enrol (with `code`), push the outbox, pull what changed, exchange ballot keys.

    `progress(done, total)` counts records sent, then records received; `cancel` is checked
    between batches and pages. A pull cut (cancelled, network lost, laptop killed) keeps the
    pages already received with their cursor: the next sync resumes after them."""
    db = open_database(Path(data_dir))
    try:
        report = progress or (lambda _done, _total: None)
        return _sync(db, server, code, report, cancel, page_size)
    finally:
        db.close()


def _sync(
    db: Database,
    server: str | None,
    code: str | None,
    progress: Callable[[int, int], None],
    cancel: CancelToken | None,
    page_size: int = MAX_BATCH,
) -> SyncReport:
    store = LocalStore(db, device_id(db))
    server = server or (store.meta(SERVER_KEY) if code else None)
    if code:
        if not server:
            raise SyncError(
                _("Indiquez l'adresse du serveur (--server) avec le code d'inscription.")
            )
        _enrol(store, server, code)
    url, token, role = (store.meta(key) for key in (SERVER_KEY, TOKEN_KEY, ROLE_KEY))
    if not url or not token or not role:
        raise SyncError(
            _(
                "Ce poste n'est inscrit sur aucun serveur. Demandez un code d'inscription "
                "(bp-terrain server enrol) puis lancez : bp-terrain sync --server URL --code CODE"
            )
        )
    transport = Transport(url, token)
    erase_expired(UnitOfWork(db))  # a year past the campaign: erased here, then everywhere
    sent = refused = new_conflicts = 0
    while True:
        if cancel:
            cancel.check()
        lost = store.inflight()  # a batch whose reply was lost goes first, under its own id
        if lost is not None:
            outbox, request = lost
        else:
            outbox = store.read_outbox(Role(role), MAX_BATCH)
            if not outbox.keys:
                break
            request = PushRequest(
                protocol=PROTOCOL_VERSION, batch_id=uuid.uuid4().hex, changes=outbox.changes
            )
            store.remember(outbox, request)
        try:
            reply = transport.post("/v1/push", request, PushReply)
        except (SyncRefused, SyncRejected, ProtocolMismatch):
            store.forget_inflight()  # the server answered and wrote nothing: rebuild next time
            raise
        store.acknowledge(outbox, reply)
        sent += reply.accepted
        refused += len(reply.refused)
        new_conflicts += len(reply.conflicts)
        progress(sent, sent)
    cursor = store.cursor()
    stashed = store.stashed()  # pages of a sync cut in the middle: it resumes after them
    while True:
        if cancel:
            cancel.check()
        page = transport.post(
            "/v1/pull",
            PullRequest(protocol=PROTOCOL_VERSION, cursor=cursor, limit=page_size),
            PullReply,
        )
        stashed = store.stash(page.records, page.cursor)  # with the cursor, in one transaction
        cursor = page.cursor
        progress(stashed, stashed + page.remaining)
        if not page.more:
            break
    received = store.apply_inbox()
    keys_received, keys_sealed = exchange_keys(store, transport)
    last = store.mark_synced()
    return SyncReport(
        sent=sent,
        received=received,
        new_conflicts=new_conflicts,
        refused=refused,
        conflicts=store.open_conflicts(),
        last_sync=last,
        server=url,
        keys_received=keys_received,
        keys_sealed=keys_sealed,
    )


def list_conflicts(data_dir: Path) -> list[dict[str, Any]]:
    """The open conflicts this laptop knows of, each with the value this laptop holds now."""
    db = open_database(Path(data_dir))
    try:
        store = LocalStore(db, device_id(db))
        conflicts = store.open_conflicts()
        for conflict in conflicts:
            conflict["local_value"] = store.local_value(
                str(conflict["table"]), str(conflict["record_id"]), str(conflict["field"])
            )
            conflict["mine_is_other"] = conflict.get("other_device") == store.device_id
            conflict["record_label"] = store.record_label(
                str(conflict["table"]), str(conflict["record_id"])
            )
        return conflicts
    finally:
        db.close()


def resolve_conflict(
    data_dir: Path, conflict_id: str, keep: str | None = None, value: Any = None
) -> dict[str, Any]:
    """Resolve a conflict on a consultant's laptop (sent, like any edit, at the next sync)."""
    db = open_database(Path(data_dir))
    try:
        store = LocalStore(db, device_id(db))
        if store.meta(ROLE_KEY) != Role.CONSULTANT.value:
            raise SyncError(
                _(
                    "Seul un poste de consultant résout les conflits : ce poste ne peut que les "
                    "voir. La résolution arrivera ici à la prochaine synchronisation."
                )
            )
        matches = [c for c in store.open_conflicts() if c["conflict_id"].startswith(conflict_id)]
        if len(matches) != 1 or len(conflict_id) < 4:
            raise SyncError(
                _("Aucun conflit ouvert (ou plusieurs) ne commence par « {id} ».").format(
                    id=conflict_id
                )
            )
        return store.resolve(matches[0]["conflict_id"], keep, value)
    finally:
        db.close()


@dataclass(frozen=True)
class Enrolment:
    """What this laptop knows of its enrolment (nothing secret: no token, no key)."""

    server: str
    role: str
    number: str
    token_expires_at: str
    device_id: str


def enrolment(data_dir: Path) -> Enrolment | None:
    db = open_database(Path(data_dir))
    try:
        store = LocalStore(db, device_id(db))
        server, role = store.meta(SERVER_KEY), store.meta(ROLE_KEY)
        if not server or not role or not store.meta(TOKEN_KEY):
            return None
        return Enrolment(
            server=server,
            role=role,
            number=store.meta(DEVICE_NUMBER_KEY) or "",
            token_expires_at=store.meta(EXPIRES_KEY) or "",
            device_id=store.device_id,
        )
    finally:
        db.close()


def _transport(data_dir: Path) -> Transport:
    db = open_database(Path(data_dir))
    try:
        store = LocalStore(db, device_id(db))
        url, token = store.meta(SERVER_KEY), store.meta(TOKEN_KEY)
    finally:
        db.close()
    if not url or not token:
        raise SyncError(_("Ce poste n'est inscrit sur aucun serveur."))
    return Transport(url, token, timeout=15.0)


def list_devices(data_dir: Path) -> list[dict[str, Any]]:
    """The devices enrolled on the server (a consultant's laptop only)."""
    return list(_transport(data_dir).call("GET", "/v1/devices"))


def revoke_device(data_dir: Path, device: str) -> dict[str, Any]:
    """Revoke a device on the server (a consultant's laptop only; not itself)."""
    return dict(_transport(data_dir).call("POST", f"/v1/devices/{device}/revoke"))
