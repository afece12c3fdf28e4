"""One synchronisation of a laptop's data folder with the server: enrol (first time), push, pull."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import CancelToken
from app.i18n import _
from app.storage.db import Database, open_database
from app.storage.uow import device_id
from sync.client.http import Transport
from sync.client.local import LocalStore
from sync.core.errors import ProtocolMismatch, SyncError, SyncRefused, SyncRejected
from sync.core.protocol import (
    MAX_BATCH,
    PROTOCOL_VERSION,
    EnrolReply,
    EnrolRequest,
    PullReply,
    PullRequest,
    PushReply,
    PushRequest,
    RecordState,
)
from sync.core.tables import Role

SERVER_KEY, TOKEN_KEY, ROLE_KEY = "sync_server", "sync_token", "sync_role"


@dataclass(frozen=True)
class SyncReport:
    sent: int
    received: int
    new_conflicts: int
    refused: int
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    last_sync: str = ""
    server: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "received": self.received,
            "new_conflicts": self.new_conflicts,
            "refused": self.refused,
            "conflicts": self.conflicts,
            "last_sync": self.last_sync,
            "server": self.server,
        }


def _enrol(store: LocalStore, server: str, code: str) -> None:
    reply = Transport(server).post(
        "/v1/enrol",
        EnrolRequest(protocol=PROTOCOL_VERSION, code=code, device_id=store.device_id),
        EnrolReply,
    )
    store.set_meta({SERVER_KEY: server, TOKEN_KEY: reply.token, ROLE_KEY: reply.role})


def sync_once(
    data_dir: Path,
    server: str | None = None,
    code: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> SyncReport:
    db = open_database(Path(data_dir))
    try:
        return _sync(db, server, code, progress or (lambda _done, _total: None), cancel)
    finally:
        db.close()


def _sync(
    db: Database,
    server: str | None,
    code: str | None,
    progress: Callable[[int, int], None],
    cancel: CancelToken | None,
) -> SyncReport:
    store = LocalStore(db, device_id(db))
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
    sent = refused = new_conflicts = 0
    while True:
        if cancel:
            cancel.check()
        held = store.inflight()  # a batch whose reply was lost goes first, under its own id
        if held is not None:
            outbox, request = held
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
    states: list[RecordState] = []
    cursor = store.cursor()
    while True:
        if cancel:
            cancel.check()
        page = transport.post(
            "/v1/pull", PullRequest(protocol=PROTOCOL_VERSION, cursor=cursor), PullReply
        )
        states += page.records
        cursor = page.cursor
        progress(len(states), len(states) + (MAX_BATCH if page.more else 0))
        if not page.more:
            break
    received = store.save_pull(states, cursor)
    last = store.mark_synced()
    return SyncReport(
        sent=sent,
        received=received,
        new_conflicts=new_conflicts,
        refused=refused,
        conflicts=store.open_conflicts(),
        last_sync=last,
        server=url,
    )
