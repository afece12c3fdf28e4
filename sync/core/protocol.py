"""The sync protocol: what travels between a laptop and the server, as pydantic models.

Every request carries `protocol`; a side that does not speak that version refuses it with a French
message (`check_protocol`) before reading anything else, so an old client never writes data in a
shape the server no longer understands.

A record travels as its whole state (`RecordState`: the values of its fields and, for each field,
the version the server gave it). A laptop sends `Change`s: for an editable record, the fields it
changed and, for each, the version it had seen (`base`); for an insert-only fact, the whole record.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import to_json

from app.i18n import _
from sync.core.errors import ProtocolMismatch

PROTOCOL_VERSION = 4
"""Bumped whenever a model below changes shape; both sides refuse any other version.

2: enrolment carries the device's public key and returns its number and token expiry; the
campaign's ballot key travels encrypted (`/v1/keys`); a pull says how many records remain.
3: files travel by their SHA-256 (`/v1/files`, sync.core.files); a laptop hands back a sealed
key that does not match its campaign's key check (`KeysRequest.rejected`).
4: a push reply names the records a change created exactly as sent by the change and their `seq`
(`PushReply.created`) instead of sending their state back; a pull skips the `seq`s the laptop
already holds (`PullRequest.skip`: the states its push replies gave it)."""

MAX_BATCH = 1000
"""Changes per push and records per pull page, at most."""

DELETED = "_deleted"
"""The field that holds a record's tombstone (True once deleted), merged like any other field."""

CONFLICT_TABLE = "sync_conflict"
"""Conflicts travel as records of this table, so that every laptop sees them."""

FLAG_TABLE = "sync_flag"
"""Review flags raised by the server (the same ballot serial counted on two laptops)."""


MAX_INT = 2**63 - 1
"""Integers travel as SQLite and PostgreSQL store them (64 bits): a larger one is refused."""

MAX_DEPTH = 32
"""How deeply a field's value may nest lists and objects."""


_SURROGATE = re.compile("[\ud800-\udfff]")


Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]*$")]
"""An identifier (table, record, batch, change, device): printable, at most 100 characters
(checked by pydantic-core itself, which also refuses a lone surrogate: no Python call for each
of the three names of each of 100,000 changes)."""

Version = Annotated[int, Field(ge=0, le=2**62)]


def _storable(value: Any, depth: int = 0) -> Any:
    """A field's value must be JSON that both databases store as is."""
    if depth == 0 and type(value) is dict:  # the usual record: plain values, checked in a loop
        for item in value.values():
            kind = type(item)
            if kind is str and (item.isascii() or not _SURROGATE.search(item)):
                continue
            if kind is bool or item is None:
                continue
            if kind is int and -MAX_INT - 1 <= item <= MAX_INT:
                continue
            break
        else:
            return value
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("NaN or infinite number")
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValueError("lone surrogate in a text")  # not UTF-8: no database stores it
        return value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise ValueError("integer out of the 64-bit range")
        return value
    if isinstance(value, list):
        return [_storable(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {key: _storable(item, depth + 1) for key, item in value.items()}
    raise ValueError(f"unexpected value of type {type(value).__name__}")


Fields = Annotated[dict[str, Any], AfterValidator(_storable)]


def json_text(value: Any) -> str:
    """Compact JSON of a state's values or versions, as stored and sent (encoded in Rust by
    pydantic-core: ten times faster than `json.dumps`, which matters for 100,000 records)."""
    return to_json(value).decode()


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Change(Frozen):
    """One record written on a laptop: an edit of some fields, or an insert-only fact."""

    change_id: Name
    table: Annotated[Name, Field(max_length=64)]
    record_id: Name
    kind: Literal["edit", "fact"]
    fields: Fields
    base: dict[str, Version] = Field(default_factory=dict)
    """For an edit: the version of each changed field that the laptop had seen (0: never seen;
    a field left out is at 0, so a new record sends no base)."""


class RecordState(Frozen):
    """A record as the server holds it: values and, per field, the version of its last write."""

    table: str
    record_id: str
    values: dict[str, Any]
    versions: dict[str, int]
    seq: int = 0
    """The server's commit sequence of this state (what a pull cursor counts)."""

    @property
    def deleted(self) -> bool:
        return bool(self.values.get(DELETED, False))


class Conflict(Frozen):
    """The same field edited on two sides: the server kept one value, this holds the other."""

    conflict_id: str
    table: str
    record_id: str
    field: str
    kept_value: Any
    kept_version: int
    other_value: Any
    other_device: str
    other_base: int


class Refusal(Frozen):
    change_id: str
    reason: str


class Hello(Frozen):
    protocol: int


class PushRequest(Frozen):
    protocol: int
    batch_id: Name
    changes: list[Change] = Field(max_length=MAX_BATCH)


class Created(Frozen):
    """A record that one change of the batch created, exactly as sent: its state is the change's
    fields, each at version 1, under `seq` (the laptop builds it; it does not travel back)."""

    change_id: str
    seq: int


class PushReply(Frozen):
    batch_id: str
    accepted: int
    conflicts: list[Conflict]
    refused: list[Refusal]
    records: list[RecordState]
    """The new server state of every other record the batch touched, so that the laptop's copy
    and its cursor-independent shadow are current as soon as the push is acknowledged."""
    created: list[Created] = Field(default_factory=list)

    def states(self, request: PushRequest) -> list[RecordState]:
        """Every state the batch gave: `records`, and those of `created` built from `request`."""
        return [*self.records, *created_states(request, self)]


_STATE_FIELDS = frozenset(RecordState.model_fields)
_CHANGE_FIELDS = frozenset(Change.model_fields)
Model = TypeVar("Model", bound=BaseModel)


def _built(model: type[Model], names: frozenset[str], values: dict[str, Any]) -> Model:
    """A model of values already valid, built as `model_construct` builds it (every field given)
    but without its generic work, which costs more than the rest of a record's handling: 100,000
    states and changes per big push on each side (`tests/sync/test_core.py` checks that both
    agree)."""
    built = model.__new__(model)
    setattr_ = object.__setattr__
    setattr_(built, "__dict__", values)
    setattr_(built, "__pydantic_fields_set__", set(names))
    setattr_(built, "__pydantic_extra__", None)
    setattr_(built, "__pydantic_private__", None)
    return built


def state_of(
    table: str, record_id: str, values: dict[str, Any], versions: dict[str, int], seq: int
) -> RecordState:
    """A `RecordState` of values already valid (read from a database, merged from validated
    changes)."""
    return _built(
        RecordState,
        _STATE_FIELDS,
        {"table": table, "record_id": record_id, "values": values, "versions": versions,
         "seq": seq},
    )  # fmt: skip


def change_of(
    change_id: str,
    table: str,
    record_id: str,
    kind: str,
    fields: dict[str, Any],
    base: dict[str, int],
) -> Change:
    """A laptop's `Change`, built from its own rows without validating it: the server validates
    every change it receives, and refuses a batch with a value it could not store before
    writing anything."""
    return _built(
        Change,
        _CHANGE_FIELDS,
        {"change_id": change_id, "table": table, "record_id": record_id, "kind": kind,
         "fields": fields, "base": base},
    )  # fmt: skip


def created_state(change: Change, seq: int) -> RecordState:
    """The server's state of a record that `change` created as sent (`PushReply.created`)."""
    fields = change.fields
    return state_of(change.table, change.record_id, dict(fields), dict.fromkeys(fields, 1), seq)


def created_states(request: PushRequest, reply: PushReply) -> list[RecordState]:
    changes = {change.change_id: change for change in request.changes}
    return [
        created_state(changes[item.change_id], item.seq)
        for item in reply.created
        if item.change_id in changes
    ]


MAX_SKIP = 64
"""Ranges of `seq` a pull may skip, at most."""


class PullRequest(Frozen):
    protocol: int
    cursor: Version
    limit: int = Field(default=MAX_BATCH, ge=1, le=MAX_BATCH)
    skip: list[tuple[Version, Version]] = Field(default_factory=list, max_length=MAX_SKIP)
    """Ranges of `seq` (first, last, inclusive) whose states the laptop already holds (its push
    replies gave them): the page leaves them out, and the cursor still moves past them."""


def skipped(seq: int, skip: list[tuple[int, int]]) -> bool:
    return any(first <= seq <= last for first, last in skip)


def held_ranges(seqs: list[int], limit: int = MAX_SKIP) -> list[tuple[int, int]]:
    """`seqs` as ranges of consecutive numbers (`PullRequest.skip`), the `limit` longest."""
    ranges: list[list[int]] = []
    for seq in sorted(set(seqs)):
        if ranges and ranges[-1][1] == seq - 1:
            ranges[-1][1] = seq
        else:
            ranges.append([seq, seq])
    longest = sorted(ranges, key=lambda r: r[0] - r[1])[:limit]
    return sorted((first, last) for first, last in longest)


class PullReply(Frozen):
    records: list[RecordState]
    cursor: int
    more: bool
    remaining: int = 0
    """Records after this page (for a progress bar; it may grow while one pulls)."""


HEX_KEY = r"^[0-9a-f]{64}$"


class EnrolRequest(Frozen):
    protocol: int
    code: str = Field(min_length=1, max_length=100)
    device_id: Name
    label: str = Field(default="", max_length=200)
    public_key: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")
    """The device's X25519 public key (hex): the campaign's ballot key is encrypted to it (a
    device that sends none never receives the key)."""


class EnrolReply(Frozen):
    token: str
    role: str
    campaign: str | None
    number: int
    """The device's number: it prints batches number×10,000 + 1, + 2, … (never another's)."""
    token_expires_at: str
    """When the token ends unless used (each sync renews it)."""


class SealedKey(Frozen):
    """A campaign's ballot key encrypted for one device (X25519 + HKDF-SHA256 + AES-256-GCM):
    whoever does not hold the device's private key, the server included, cannot read it."""

    campaign_id: str = Field(min_length=1, max_length=100)
    device_id: str = Field(min_length=1, max_length=100)
    sender: str = Field(default="", max_length=100)
    ephemeral: str = Field(pattern=HEX_KEY)
    nonce: str = Field(pattern=r"^[0-9a-f]{24}$")
    ciphertext: str = Field(pattern=r"^[0-9a-f]{1,256}$")


class Recipient(Frozen):
    """An enrolled device that should hold the ballot key of its campaign(s)."""

    device_id: str
    role: str
    campaign: str | None
    public_key: str
    holds: list[str]
    """The campaigns whose key the server already has, sealed for this device."""


class KeysRequest(Frozen):
    protocol: int
    sealed: list[SealedKey] = Field(default_factory=list, max_length=MAX_BATCH)
    rejected: list[Name] = Field(default_factory=list, max_length=MAX_BATCH)
    """Campaigns whose key, sealed for this device, does not match the campaign's key check:
    the server forgets that copy, so that a holder of the right key seals it again."""


class KeysReply(Frozen):
    mine: list[SealedKey]
    """The keys sealed for the device that asks."""
    recipients: list[Recipient]
    stored: int = 0


def check_protocol(version: int) -> None:
    """Refuse another protocol version with a message that says which side to update."""
    if version == PROTOCOL_VERSION:
        return
    if version < PROTOCOL_VERSION:
        raise ProtocolMismatch(
            _(
                "Ce poste parle la version {client} du protocole de synchronisation, le serveur la "
                "version {server}. Mettez BP Terrain à jour sur ce poste, puis synchronisez à "
                "nouveau : rien n'a été envoyé ni modifié."
            ).format(client=version, server=PROTOCOL_VERSION)
        )
    raise ProtocolMismatch(
        _(
            "Ce poste parle la version {client} du protocole de synchronisation, le serveur la "
            "version {server}, plus ancienne. Mettez le serveur à jour : rien n'a été envoyé ni "
            "modifié."
        ).format(client=version, server=PROTOCOL_VERSION)
    )
