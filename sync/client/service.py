"""One synchronisation of a laptop's data folder with the server: enrol (first time), push, pull."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.keycheck import matches
from app.errors import CancelToken
from app.i18n import _
from app.services.base import DEVICE_NUMBER_KEY
from app.services.retention import erase_expired
from app.storage.db import Database, open_database
from app.storage.uow import UnitOfWork, device_id
from sync.client.collector import collect_young, young_collections
from sync.client.files import FileTally, download_missing, retry_unsent, upload_for
from sync.client.http import Transport
from sync.client.local import Key, LocalStore, Outbox
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
    Recipient,
    RecordState,
    SealedKey,
    held_ranges,
)
from sync.core.refusals import refusal_message
from sync.core.sealing import new_private_key, open_sealed, public_key, seal
from sync.core.tables import Role

log = logging.getLogger(__name__)

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
    keys_refused: int = 0
    files_sent: int = 0
    files_received: int = 0
    files_pending: int = 0
    problems: list[str] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "keys_received": self.keys_received,
            "keys_sealed": self.keys_sealed,
            "keys_refused": self.keys_refused,
            "files_sent": self.files_sent,
            "files_received": self.files_received,
            "files_pending": self.files_pending,
            "problems": self.problems,
            "sent": self.sent,
            "received": self.received,
            "new_conflicts": self.new_conflicts,
            "refused": self.refused,
            "refusals": self.refusals,
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


RECIPIENTS_KEY = "sync_key_recipients"
"""The devices that should hold a key, as the last key exchange said (offline bundles seal for
them)."""


def install_keys(
    store: LocalStore, mine: list[SealedKey], problems: list[str]
) -> tuple[int, list[str]]:
    """Install the ballot keys sealed for this laptop, each checked against its campaign's
    `key_check`: a key that does not match is refused, logged, not installed (the laptop hands
    it back and keeps asking). (received, the campaigns refused); the refusals' messages go to
    `problems`."""
    private = store.meta(DEVICE_KEY)
    received = 0
    refused: list[str] = []
    held = store.held_keys()
    for sealed in mine:
        if not private or sealed.campaign_id in held:
            continue
        key = open_sealed(sealed, private)
        if not matches(key, store.key_check(sealed.campaign_id)):
            refused.append(sealed.campaign_id)  # not installed; handed back, asked again
            log.warning(
                "ballot key for campaign %s sealed by device %s does not match the campaign's "
                "key check: refused",
                sealed.campaign_id,
                sealed.sender,
            )
            problems.append(
                _(
                    "La clé des bulletins reçue pour la campagne {campaign} (envoyée par le "
                    "poste {sender}) ne correspond pas à la campagne : elle a été refusée et "
                    "n'est pas installée. Ce poste la redemandera à la prochaine "
                    "synchronisation ; prévenez le consultant."
                ).format(campaign=sealed.campaign_id, sender=sealed.sender or "?")
            )
            continue
        if store.install_key(sealed.campaign_id, key):
            held[sealed.campaign_id] = key
            received += 1
    return received, refused


def keys_to_seal(store: LocalStore, recipients: list[Recipient]) -> list[SealedKey]:
    """The keys this laptop holds (and that match their campaign), sealed for every device of
    `recipients` that lacks them."""
    held = store.held_keys()
    to_seal: list[SealedKey] = []
    for recipient in recipients:
        if recipient.device_id == store.device_id:
            continue
        for campaign_id, key in sorted(held.items()):
            if not matches(key, store.key_check(campaign_id)):
                continue  # never spread a key that is not the campaign's
            if recipient.campaign in (None, campaign_id) and campaign_id not in recipient.holds:
                to_seal.append(seal(key, campaign_id, recipient.device_id, recipient.public_key))
    return to_seal


def remember_recipients(store: LocalStore, recipients: list[Recipient]) -> None:
    store.set_meta(
        {RECIPIENTS_KEY: json.dumps([r.model_dump() for r in recipients], sort_keys=True)}
    )


def known_recipients(store: LocalStore) -> list[Recipient]:
    text = store.meta(RECIPIENTS_KEY)
    return [Recipient.model_validate(item) for item in json.loads(text)] if text else []


def exchange_keys(
    store: LocalStore, transport: Transport, problems: list[str] | None = None
) -> tuple[int, int, int]:
    """Install the ballot keys sealed for this laptop (`install_keys`); seal the keys it holds
    for every enrolled device of a key role that lacks them. (received, sealed, refused)."""
    problems = problems if problems is not None else []
    reply = transport.post("/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION), KeysReply)
    received, refused = install_keys(store, reply.mine, problems)
    if refused:  # the server forgets the wrong copies: a holder seals the right key again
        rejected = KeysRequest(protocol=PROTOCOL_VERSION, rejected=refused)
        transport.post("/v1/keys", rejected, KeysReply)
    to_seal = keys_to_seal(store, reply.recipients)
    for start in range(0, len(to_seal), MAX_BATCH):
        chunk = to_seal[start : start + MAX_BATCH]
        transport.post("/v1/keys", KeysRequest(protocol=PROTOCOL_VERSION, sealed=chunk), KeysReply)
    sealed_for = {(k.device_id, k.campaign_id) for k in to_seal}
    remember_recipients(
        store,
        [
            r.model_copy(
                update={
                    "holds": sorted({*r.holds, *(c for d, c in sealed_for if d == r.device_id)})
                }
            )
            for r in reply.recipients
        ],
    )
    return received, len(to_seal), len(refused)


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
        with young_collections():
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
    data_dir = Path(db.path).parent
    files = FileTally()
    retry_unsent(db, data_dir, transport, Role(role), files, cancel)
    pushed = _push(store, transport, Role(role), data_dir, files, progress, cancel)
    cursor = store.cursor()
    stashed = store.stashed()  # pages of a sync cut in the middle: it resumes after them
    pulled: list[RecordState] | None = [] if stashed == 0 else None

    def ask(after: int) -> Future[PullReply]:
        skip = held_ranges([seq for seq in pushed.held if seq > after])
        request = PullRequest(protocol=PROTOCOL_VERSION, cursor=after, limit=page_size, skip=skip)
        return pool.submit(transport.post, "/v1/pull", request, PullReply)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bp-pull") as pool:
        flight = ask(cursor)
        while True:
            if cancel:
                cancel.check()
            page = flight.result()
            if page.more:  # the server reads the next page while this one is kept
                flight = ask(page.cursor)
            stashed = store.stash(page.records, page.cursor)  # with its cursor, at once
            collect_young()
            if pulled is not None:
                pulled += page.records
            progress(stashed, stashed + page.remaining)
            if not page.more:
                break
    received = store.apply_inbox(pulled)  # this sync's pages as decoded (on a resume: read)
    download_missing(db, data_dir, transport, Role(role), files, progress, cancel)
    keys_received, keys_sealed, keys_refused = exchange_keys(store, transport, files.problems)
    last = store.mark_synced()
    return SyncReport(
        sent=pushed.sent,
        received=received,
        new_conflicts=pushed.new_conflicts,
        refused=pushed.refused,
        conflicts=store.open_conflicts(),
        last_sync=last,
        server=url,
        keys_received=keys_received,
        keys_sealed=keys_sealed,
        keys_refused=keys_refused,
        files_sent=files.uploaded,
        files_received=files.downloaded,
        files_pending=files.pending,
        problems=files.problems,
        refusals=pushed.refusals,
    )


@dataclass
class Pushed:
    """What a push sent, and the seqs whose states its replies gave (the pull skips them)."""

    sent: int = 0
    refused: int = 0
    new_conflicts: int = 0
    refusals: list[dict[str, Any]] = field(default_factory=list)
    held: list[int] = field(default_factory=list)

    def count(self, request: PushRequest, reply: PushReply) -> None:
        self.sent += reply.accepted
        self.refused += len(reply.refused)
        self.refusals += describe_refusals(request, reply)
        self.new_conflicts += len(reply.conflicts)
        self.held += [state.seq for state in reply.records]
        self.held += [item.seq for item in reply.created]


Batch = tuple[Outbox, PushRequest, str]
"""A batch to send: what it clears, the request, and the request's JSON."""


def _push(
    store: LocalStore,
    transport: Transport,
    role: Role,
    data_dir: Path,
    files: FileTally,
    progress: Callable[[int, int], None],
    cancel: CancelToken | None,
) -> Pushed:
    """Push the outbox, batch by batch, the laptop and the server working at once.

    Batch *k+1* leaves as soon as the reply to batch *k* comes; while the server merges it, the
    laptop reads batch *k+2* (none of the records of *k* and *k+1*: they are still in the
    outbox) and acknowledges *k*, keeping *k+2* (`remember`) in the same transaction. A batch
    whose diff a reply touched (a conflict, a record the server rewrote) is forgotten before
    it leaves and read again after the acknowledgement. Batches whose reply was lost
    (`inflight`, at most two) go first, under their own ids; the second is read again too if
    the first's reply touched it (it may never have left: docs/sync.md)."""
    pushed = Pushed()
    lost = store.inflight()
    scanned = [0]  # where the outbox read of the batches in flight stopped

    def read(exclude: frozenset[Key]) -> tuple[Outbox, PushRequest, bool] | None:
        """The next batch (kept already: True for one whose reply was lost). With no batch in
        flight (`exclude` empty), the outbox is read from its start."""
        if lost:
            return (*lost.pop(0), True)
        start = scanned[0] if exclude else 0
        outbox = store.read_outbox(role, MAX_BATCH, exclude, start)
        scanned[0] = outbox.scanned
        if not outbox.keys:
            return None
        batch_id = uuid.uuid4().hex
        request = PushRequest(protocol=PROTOCOL_VERSION, batch_id=batch_id, changes=outbox.changes)
        return outbox, request, False

    def ready(outbox: Outbox, request: PushRequest, text: str | None) -> Batch:
        # the files first: the server then holds every file a pushed record points to
        upload_for(store.db, data_dir, transport, role, request.changes, files, cancel)
        return outbox, request, text or request.model_dump_json()

    def kept(item: tuple[Outbox, PushRequest, bool] | None) -> Batch | None:
        if item is None:
            return None
        outbox, request, held = item
        return ready(outbox, request, None if held else store.remember(outbox, request))

    def send(batch: Batch) -> Future[PushReply]:
        return pool.submit(transport.post, "/v1/push", batch[2], PushReply)

    def keys(*batches: Batch) -> frozenset[Key]:
        return frozenset(key for batch in batches for key in batch[0].keys)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bp-push") as pool:
        if cancel:
            cancel.check()
        current = kept(read(frozenset()))
        flight = send(current) if current is not None else None
        ahead = kept(read(keys(current))) if current is not None else None
        while current is not None and flight is not None:
            outbox, request, _text = current
            try:
                reply = flight.result()
            except (SyncRefused, SyncRejected, ProtocolMismatch):
                store.forget_inflight(request.batch_id)  # answered, wrote nothing: rebuilt
                if ahead is not None:
                    store.forget_inflight(ahead[1].batch_id)  # never sent
                raise
            stop = bool(cancel and cancel.cancelled)
            if ahead is not None and (stop or _touches(reply, ahead[0])):
                store.forget_inflight(ahead[1].batch_id)  # not sent: read again, or not at all
                ahead = None  # (no batch left in flight: the next read starts at the start)
            flight = send(ahead) if ahead is not None else None
            after = read(keys(current, ahead)) if ahead is not None and not stop else None
            if after is not None and _touches(reply, after[0]):
                if after[2]:
                    store.forget_inflight(after[1].batch_id)
                after = None  # read again after this acknowledgement (from the start)
                scanned[0] = 0
            keep = (after[0], after[1]) if after is not None and not after[2] else None
            text = store.acknowledge(outbox, reply, keep)  # and keeps `after`: one commit
            pushed.count(request, reply)
            collect_young()
            progress(pushed.sent, pushed.sent)
            if flight is not None:
                current = ahead
                ahead = ready(after[0], after[1], text) if after is not None else None
                continue
            if cancel:
                cancel.check()
            current = kept(read(frozenset()))
            flight = send(current) if current is not None else None
            ahead = kept(read(keys(current))) if current is not None else None
    return pushed


def _touches(reply: PushReply, outbox: Outbox) -> bool:
    """Whether the reply gave a state of a record the outbox's diff was read against."""
    keys = set(outbox.keys)
    return any((state.table, state.record_id) in keys for state in reply.records)


def describe_refusals(request: PushRequest, reply: PushReply) -> list[dict[str, Any]]:
    """Each refused change of a push, named from what was sent, with its French message."""
    sent = {change.change_id: change for change in request.changes}
    described = []
    for refusal in reply.refused:
        change = sent.get(refusal.change_id)
        table, record_id = (change.table, change.record_id) if change else ("?", "?")
        fields = dict(change.fields) if change else {}
        described.append(
            {
                "table": table,
                "record_id": record_id,
                "reason": refusal.reason,
                "message": refusal_message(refusal.reason, table, record_id, fields),
            }
        )
    return described


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
