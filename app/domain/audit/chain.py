"""The chain rules: what may follow the current head, checked the same way when appending and
when verifying, so that the application can never write an entry that the verifier refuses.

`ChainHead` is a small frozen summary of a valid chain (last seq and hash, session, key, event
counts, batches, seal). `advance(head, entry)` checks one entry against it and returns the next
head, or raises `ChainBroken` naming the entry's seq, a stable reason code and a French message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from app.domain import signing
from app.domain.audit.canonical import ZERO_HASH, is_sha256_hex
from app.domain.audit.election import election_hash
from app.domain.audit.entry import AuditEntry, checkpoint_message, parse_time
from app.domain.audit.errors import ChainBroken, InvalidPayload
from app.domain.audit.events import (
    AFTER_SEAL_EVENTS,
    GENESIS_EVENTS,
    SIGNED_EVENTS,
    EventType,
    validate_payload,
)
from app.domain.audit.privacy import looks_like_serial
from app.i18n import N_, _

FAILURES: dict[str, str] = {
    "empty": N_("Le journal est vide : il doit commencer par l'ouverture de la session."),
    "unreadable": N_("Entrée n° {seq} illisible : {detail}"),
    "not_canonical": N_(
        "Entrée n° {seq} : la ligne n'est pas écrite sous sa forme canonique (octets modifiés)."
    ),
    "malformed": N_("Entrée n° {seq} mal formée : {detail}"),
    "bad_seq": N_(
        "Entrée n° {seq} absente ou déplacée : à cette place se trouve l'entrée n° {found}."
    ),
    "bad_hash": N_("Entrée n° {seq} modifiée : son empreinte ne correspond pas à son contenu."),
    "broken_link": N_(
        "Entrée n° {seq} : elle ne suit pas l'entrée n° {prev} (lien rompu) ; l'une des deux a "
        "été modifiée, retirée ou insérée."
    ),
    "bad_payload": N_("Entrée n° {seq} au contenu refusé : {detail}"),
    "bad_genesis": N_(
        "Entrée n° {seq} : seule la première entrée ouvre la session, et elle doit le faire."
    ),
    "after_seal": N_("Entrée n° {seq} ajoutée après le scellement de la session."),
    "bad_key": N_("Entrée n° {seq} : la clé de l'agent ne correspond pas à son empreinte {detail}"),
    "bad_checkpoint": N_("Point de contrôle n° {seq} incohérent : {detail}"),
    "bad_signature": N_("Point de contrôle n° {seq} : signature de l'agent invalide."),
    "not_sealed": N_("Le journal s'arrête à l'entrée n° {seq} sans avoir été scellé."),
    "head_mismatch": N_(
        "Entrée n° {seq} : elle diffère de l'empreinte attendue (bordereau ou procès-verbal)."
    ),
    "copy_differs": N_(
        "Entrée n° {seq} : la copie JSON-lines diffère du journal de la base de données."
    ),
    "missing_head": N_("Entrée n° {seq} absente : le journal s'arrête avant elle."),
    "truncated": N_("Entrée n° {seq} : dernière ligne incomplète (écriture interrompue)."),
}


def failure(code: str, seq: int, **fields: object) -> ChainBroken:
    """A `ChainBroken` with the translated message for `code`."""
    message = _(FAILURES[code]).format(seq=seq, **fields)
    return ChainBroken(message, seq=seq, code=code)


@dataclass(frozen=True)
class ChainHead:
    """The state after the last valid entry; `counts` maps event type to number of entries."""

    seq: int
    hash: str
    time: str
    session_id: str
    public_key: str
    key_fingerprint: str
    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    batches: int = 0
    results_sha256: str | None = None
    sealed_seq: int | None = None
    sealed_hash: str | None = None
    election_sha256: str | None = None  # the description in force (None: a log made before it)

    @property
    def sealed(self) -> bool:
        return self.sealed_seq is not None


def advance(
    head: ChainHead | None, entry: AuditEntry, public_key: bytes | None = None
) -> ChainHead:
    """Check `entry` as the successor of `head` (None: empty chain) and return the new head.

    `public_key`, when given, is the officer key the first entry must declare (from a trusted
    source such as the printed fingerprint or a bundle's key file).
    """
    expected_seq = 1 if head is None else head.seq + 1
    if entry.seq != expected_seq:
        raise failure("bad_seq", expected_seq, found=entry.seq)
    try:
        computed = entry.computed_hash()
    except (TypeError, ValueError):  # not JSON at all, or text that is not valid Unicode
        raise failure("malformed", entry.seq, detail=_("valeur illisible")) from None
    if computed != entry.hash or not is_sha256_hex(entry.hash):
        raise failure("bad_hash", entry.seq)
    if entry.prev_hash != (ZERO_HASH if head is None else head.hash):
        raise failure("broken_link", entry.seq, prev=entry.seq - 1)
    _check_content(entry)
    if head is None:
        return _genesis(entry, public_key)
    _check_order(head, entry)
    if entry.event in SIGNED_EVENTS:
        _check_checkpoint(head, entry)
    return _next_head(head, entry)


def _check_content(entry: AuditEntry) -> None:
    try:
        parse_time(entry.time)
    except ValueError:
        raise failure("malformed", entry.seq, detail=_("heure illisible")) from None
    try:
        if not entry.actor or entry.actor.strip() != entry.actor or len(entry.actor) > 200:
            raise InvalidPayload(_("auteur absent ou trop long"))
        if looks_like_serial(entry.actor):
            raise InvalidPayload(_("l'auteur ressemble à un numéro de bulletin"))
        validate_payload(entry.event, entry.payload)
    except InvalidPayload as error:
        raise failure("bad_payload", entry.seq, detail=error.message) from None


def _genesis(entry: AuditEntry, public_key: bytes | None) -> ChainHead:
    if entry.event not in GENESIS_EVENTS:
        raise failure("bad_genesis", entry.seq)
    payload = entry.payload
    declared = bytes.fromhex(payload["public_key"])
    if signing.fingerprint(declared) != payload["key_fingerprint"]:
        raise failure("bad_key", entry.seq, detail=payload["key_fingerprint"])
    if public_key is not None and declared != public_key:
        raise failure("bad_key", entry.seq, detail=signing.fingerprint(public_key))
    election = payload.get("election")
    return ChainHead(
        seq=entry.seq,
        hash=entry.hash,
        time=entry.time,
        session_id=payload["session_id"],
        public_key=payload["public_key"],
        key_fingerprint=payload["key_fingerprint"],
        counts=MappingProxyType({entry.event.value: 1}),
        election_sha256=None if election is None else election_hash(election),
    )


def _check_order(head: ChainHead, entry: AuditEntry) -> None:
    if entry.event in GENESIS_EVENTS:
        raise failure("bad_genesis", entry.seq)
    if head.sealed and entry.event not in AFTER_SEAL_EVENTS:
        raise failure("after_seal", entry.seq)
    corrects = entry.payload.get("corrects_seq") if entry.event is EventType.DECISION else None
    if corrects is not None and corrects >= entry.seq:
        raise failure("bad_payload", entry.seq, detail=_("corrige une entrée future"))


_SIGNED_DESCRIPTION_FIELDS = ("entries", "election_sha256")


def expected_checkpoint_fields(head: ChainHead) -> dict[str, Any]:
    """The fields a checkpoint after `head` must carry (besides tally and signature).

    A log whose session declared its election description also carries, in each checkpoint,
    the log's entry count (this checkpoint included) and the description's hash."""
    fields: dict[str, Any] = {
        "head_seq": head.seq,
        "head_hash": head.hash,
        "counts": dict(sorted(head.counts.items())),
        "key_fingerprint": head.key_fingerprint,
    }
    if head.election_sha256 is not None:
        fields["entries"] = head.seq + 1
        fields["election_sha256"] = head.election_sha256
    return fields


def _check_checkpoint(head: ChainHead, entry: AuditEntry) -> None:
    payload = entry.payload
    expected_fields = expected_checkpoint_fields(head)
    for key in _SIGNED_DESCRIPTION_FIELDS:
        if key in payload and key not in expected_fields:
            detail = _("{key} sans description du scrutin").format(key=key)
            raise failure("bad_checkpoint", entry.seq, detail=detail)
    for key, expected in expected_fields.items():
        found = payload.get(key)
        if key == "counts":
            found = dict(payload[key])
        if found != expected:
            detail = _("{key} ne correspond pas").format(key=key)
            raise failure("bad_checkpoint", entry.seq, detail=detail)
    if entry.event is EventType.BATCH_CLOSED and payload["batch"] != head.batches + 1:
        raise failure("bad_checkpoint", entry.seq, detail=_("numéro de lot inattendu"))
    if entry.event is EventType.SESSION_SEALED and payload["results_sha256"] != head.results_sha256:
        raise failure(
            "bad_checkpoint", entry.seq, detail=_("résultats différents du dernier décompte")
        )
    message = checkpoint_message(entry.body())
    signature = bytes.fromhex(payload["signature"])
    if not signing.verify_signature(bytes.fromhex(head.public_key), message, signature):
        raise failure("bad_signature", entry.seq)


def _next_head(head: ChainHead, entry: AuditEntry) -> ChainHead:
    counts = dict(head.counts)
    counts[entry.event.value] = counts.get(entry.event.value, 0) + 1
    changes: dict[str, Any] = {
        "seq": entry.seq,
        "hash": entry.hash,
        "time": entry.time,
        "counts": MappingProxyType(counts),
    }
    if entry.event is EventType.BATCH_CLOSED:
        changes["batches"] = head.batches + 1
    elif entry.event is EventType.TALLY_COMPUTED:
        changes["results_sha256"] = entry.payload["results_sha256"]
    elif entry.event is EventType.ELECTION_CHANGED:
        changes["election_sha256"] = election_hash(entry.payload["election"])
    elif entry.event is EventType.SESSION_SEALED:
        changes["sealed_seq"] = entry.seq
        changes["sealed_hash"] = entry.hash
    return replace(head, **changes)
