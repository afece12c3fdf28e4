"""Offline bundles (a USB key instead of the network): the format, its signature, pure.

A **push bundle** carries what a laptop's outbox holds and the server has not acknowledged, as the
very push batches it would send over the network (`PushRequest`), with which outbox rows each batch
covers. The server (or a hub laptop running it) imports it with the same rules as a push: a batch
already applied is replayed, not applied twice, so importing a bundle twice changes nothing.

Importing writes a **reply bundle** for the laptop: the server's reply to each batch (its
acknowledgement) and the records the laptop has not seen yet. Imported on the laptop, it clears the
acknowledged outbox rows and applies the records, exactly as an online sync would. If the reply
never travels back, nothing is lost: the next export or the next online sync sends the same changes
again, and the server, having them already, agrees without a conflict or a double.

The file is gzip-compressed JSON: an envelope naming the format, its version, the kind and the
device, then the body (JSON text) and its HMAC-SHA256. The key is the hash of the device's token,
which the laptop derives from its token and the server stores: only the device holding the token
(or the server itself) can sign a bundle of that device, and any edit of the body breaks the
signature.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import zlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.i18n import _
from sync.core.errors import SyncError, SyncRefused
from sync.core.files import SHA256
from sync.core.protocol import (
    PROTOCOL_VERSION,
    KeysReply,
    PushReply,
    PushRequest,
    RecordState,
    SealedKey,
)

FORMAT: Literal["bp-terrain-sync-bundle"] = "bp-terrain-sync-bundle"
FORMAT_VERSION = 2
"""2: the files the records point to and the sealed ballot keys travel in the bundle too."""
SUFFIX = ".bpsync"
MAX_BUNDLE = 512 * 1024 * 1024
"""Uncompressed bytes read at most (a bundle bomb stops here with a clear message)."""


class BundleError(SyncError):
    """A bundle that cannot be read: truncated, damaged, not a bundle, from another version."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BundleBatch(_Model):
    """One push batch, and the outbox rows (table, record, last seq) it covers on the laptop."""

    request: PushRequest
    keys: list[tuple[str, str]]
    upto: int


class BundleFile(_Model):
    """A file a record points to: its SHA-256, its kind (sync.core.files), its bytes (base64).
    The importing side checks the bytes against the hash before keeping them."""

    sha256: str = Field(pattern=SHA256.pattern)
    kind: str
    data: str


class PushBundle(_Model):
    kind: Literal["push"] = "push"
    device_id: str
    created_at: str
    cursor: int = Field(ge=0)
    """The laptop's pull cursor when it exported: the reply carries every record after it."""
    batches: list[BundleBatch]
    files: list[BundleFile] = Field(default_factory=list)
    sealed: list[SealedKey] = Field(default_factory=list)
    """Ballot keys this laptop sealed for the devices it knew of (from its last key exchange)."""


class ReplyBatch(_Model):
    batch: BundleBatch
    reply: PushReply


class ReplyBundle(_Model):
    kind: Literal["reply"] = "reply"
    device_id: str
    created_at: str
    since: int = Field(ge=0)
    cursor: int = Field(ge=0)
    batches: list[ReplyBatch]
    records: list[RecordState]
    files: list[BundleFile] = Field(default_factory=list)
    keys: KeysReply | None = None
    """The keys sealed for this laptop and the devices that should hold a key (as `/v1/keys`)."""


class Envelope(_Model):
    format: Literal["bp-terrain-sync-bundle"]
    version: int
    protocol: int
    kind: Literal["push", "reply"]
    device_id: str
    body: str
    signature: str


def token_hash(token: str) -> str:
    """What the server stores of a device's token (as `sync.server.devices.digest`)."""
    return hashlib.sha256(token.encode()).hexdigest()


def signing_key(token_hash: str) -> bytes:
    """The bundle key of a device: the hash of its token (hex), as the server stores it."""
    return hashlib.sha256(b"bp-terrain bundle\x00" + token_hash.encode()).digest()


def _signature(key: bytes, kind: str, device_id: str, body: str) -> str:
    message = f"{FORMAT}\x00{FORMAT_VERSION}\x00{kind}\x00{device_id}\x00".encode() + body.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def pack(bundle: PushBundle | ReplyBundle, key: bytes) -> bytes:
    """The signed, compressed bytes of a bundle."""
    body = bundle.model_dump_json()
    envelope = Envelope(
        format=FORMAT,
        version=FORMAT_VERSION,
        protocol=PROTOCOL_VERSION,
        kind=bundle.kind,
        device_id=bundle.device_id,
        body=body,
        signature=_signature(key, bundle.kind, bundle.device_id, body),
    )
    return gzip.compress(envelope.model_dump_json().encode(), compresslevel=6, mtime=0)


def _damaged() -> BundleError:
    return BundleError(
        _(
            "Ce fichier n'est pas un paquet de synchronisation complet (fichier tronqué, abîmé "
            "ou d'un autre type) : rien n'a été importé. Copiez-le à nouveau depuis le poste "
            "qui l'a exporté."
        )
    )


def open_envelope(data: bytes) -> Envelope:
    """Read a bundle's envelope (not yet verified); a truncated or foreign file is refused."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            raw = stream.read(MAX_BUNDLE + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise _damaged() from exc
    if len(raw) > MAX_BUNDLE:
        raise BundleError(
            _("Ce paquet de synchronisation est trop volumineux : rien n'a été importé.")
        )
    try:
        head = json.loads(raw)
    except ValueError as exc:
        raise _damaged() from exc
    if isinstance(head, dict) and head.get("format") == FORMAT:
        version = head.get("version")
        if version != FORMAT_VERSION or head.get("protocol") != PROTOCOL_VERSION:
            raise BundleError(
                _(
                    "Ce paquet a été écrit par une autre version de BP Terrain (format {found}, "
                    "protocole {protocol}) : rien n'a été importé. Mettez BP Terrain à jour des "
                    "deux côtés."
                ).format(found=version, protocol=head.get("protocol"))
            )
    try:
        return Envelope.model_validate(head)
    except ValidationError as exc:
        raise _damaged() from exc


def verify(envelope: Envelope, key: bytes) -> PushBundle | ReplyBundle:
    """The bundle, once its signature is checked against the device's key."""
    expected = _signature(key, envelope.kind, envelope.device_id, envelope.body)
    if not hmac.compare_digest(expected, envelope.signature):
        raise SyncRefused(
            _(
                "La signature de ce paquet ne correspond pas au poste {device} : il a été modifié, "
                "ou signé par un autre poste. Rien n'a été importé."
            ).format(device=envelope.device_id)
        )
    model: type[PushBundle] | type[ReplyBundle] = (
        PushBundle if envelope.kind == "push" else ReplyBundle
    )
    try:
        bundle = model.model_validate_json(envelope.body)
    except ValidationError as exc:
        raise _damaged() from exc
    if bundle.device_id != envelope.device_id:
        raise _damaged()
    return bundle
