"""Building the entries and signed checkpoints of a counting session's audit log (pure).

This is the pure core; the counting service persists entries and calls these functions:

    head = None                                   # or head_from_entries(stored) at start-up
    entry = build_entry(head, EventType.SESSION_OPENED, officer, session_payload(...))
    store(entry); head = advance(head, entry)     # same for every later entry
    entry = build_checkpoint(head, EventType.BATCH_CLOSED, officer, key, tally={...})

One chain per counting session. The exact byte format is documented in `docs/audit-log.md`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from app.domain import signing
from app.domain.audit.canonical import (
    ZERO_HASH,
)
from app.domain.audit.chain import ChainHead, advance, expected_checkpoint_fields
from app.domain.audit.entry import (
    AuditEntry,
    checkpoint_message,
    format_time,
    make_entry,
    now_utc,
)
from app.domain.audit.errors import ChainBroken, InvalidPayload, SessionSealed
from app.domain.audit.events import (
    AFTER_SEAL_EVENTS,
    GENESIS_EVENTS,
    SIGNED_EVENTS,
    EventType,
    parse_event,
    validate_payload,
)
from app.i18n import _

logger = logging.getLogger(__name__)


def session_payload(
    *,
    session_id: str,
    campaign_id: str,
    residence_id: str,
    officer: str,
    witnesses: Sequence[str],
    key: signing.Ed25519PrivateKey | signing.Ed25519PublicKey,
    reader_version: str | None = None,
    settings: Mapping[str, Any] | None = None,
    election: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload of `session_opened` (add the three `previous_*`/`reason` keys to reopen)."""
    payload: dict[str, Any] = {
        "session_id": session_id,
        "campaign_id": campaign_id,
        "residence_id": residence_id,
        "officer": officer,
        "witnesses": list(witnesses),
        "public_key": signing.public_key_raw(key).hex(),
        "key_fingerprint": signing.fingerprint(key),
    }
    if reader_version is not None:
        payload["reader_version"] = reader_version
    if settings is not None:
        payload["settings"] = dict(settings)
    if election is not None:
        payload["election"] = dict(election)
    return payload


def build_entry(
    head: ChainHead | None,
    event: EventType | str,
    actor: str,
    payload: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> AuditEntry:
    """The next entry after `head` (None for the first), validated but not yet stored.

    Raises `InvalidPayload` (schema, float, serial or voter data), `SessionSealed` after the seal.
    Checkpoints are built with `build_checkpoint`, which signs them.
    """
    kind = parse_event(event)
    if kind in SIGNED_EVENTS:
        raise ValueError(f"{kind.value} is signed: use build_checkpoint")
    return _finish(head, kind, actor, payload, now)


def build_checkpoint(
    head: ChainHead,
    event: EventType | str,
    actor: str,
    key: signing.Ed25519PrivateKey,
    *,
    tally: Mapping[str, int] | None = None,
    reason: str | None = None,
    manifest_sha256: str | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """A signed checkpoint (`batch_closed`, `checkpoint` or `session_sealed`) after `head`.

    The payload carries the head's seq and hash, the number of entries of each type so far and
    the optional `tally` the officer announces; `batch_closed` numbers batches 1, 2, 3...;
    `session_sealed` repeats the last `tally_computed` results hash, so compute the tally first,
    and carries `manifest_sha256` (the hash of the bundle's sealed files) when given.
    """
    kind = parse_event(event)
    if kind not in SIGNED_EVENTS:
        raise ValueError(f"{kind.value} is not a checkpoint event")
    if signing.public_key_raw(key).hex() != head.public_key:
        raise signing.SigningKeyError(
            _("Cette clé de signature n'est pas celle de l'agent qui a ouvert la session.")
        )
    payload = _checkpoint_payload(head, kind, tally, reason)
    if manifest_sha256 is not None and kind is EventType.SESSION_SEALED:
        payload["manifest_sha256"] = manifest_sha256
    unsigned = _finish(head, kind, actor, {**payload, "signature": "0" * 128}, now, check=False)
    signature = signing.sign(key, checkpoint_message(unsigned.body()))
    signed_payload = {**payload, "signature": signature.hex()}
    return _finish(head, kind, actor, signed_payload, now, time=unsigned.time)


def _checkpoint_payload(
    head: ChainHead, kind: EventType, tally: Mapping[str, int] | None, reason: str | None
) -> dict[str, Any]:
    payload = expected_checkpoint_fields(head)
    if tally is not None:
        payload["tally"] = dict(tally)
    if kind is EventType.BATCH_CLOSED:
        payload["batch"] = head.batches + 1
    elif kind is EventType.CHECKPOINT and reason is not None:
        payload["reason"] = reason
    elif kind is EventType.SESSION_SEALED:
        if head.results_sha256 is None:
            raise InvalidPayload(
                _("Impossible de sceller : calculez d'abord les résultats (tally_computed).")
            )
        payload["results_sha256"] = head.results_sha256
    return payload


def _finish(
    head: ChainHead | None,
    kind: EventType,
    actor: str,
    payload: Mapping[str, Any],
    now: datetime | None,
    *,
    time: str | None = None,
    check: bool = True,
) -> AuditEntry:
    _check_place(head, kind)
    validate_payload(kind, payload)
    entry = make_entry(
        seq=1 if head is None else head.seq + 1,
        time=time or format_time(now or now_utc()),
        actor=actor,
        event=kind,
        payload=payload,
        prev_hash=ZERO_HASH if head is None else head.hash,
    )
    if check:
        try:
            advance(head, entry)
        except ChainBroken as error:
            raise InvalidPayload(error.message) from None
    return entry


def _check_place(head: ChainHead | None, kind: EventType) -> None:
    if head is None and kind not in GENESIS_EVENTS:
        raise InvalidPayload(_("Le journal d'une session commence par son ouverture."))
    if head is not None and kind in GENESIS_EVENTS:
        raise InvalidPayload(_("La session est déjà ouverte."))
    if head is not None and head.sealed and kind not in AFTER_SEAL_EVENTS:
        raise SessionSealed(
            _(
                "La session est scellée : plus aucune modification n'est possible. Pour "
                "corriger, ouvrez une nouvelle session qui reprend celle-ci."
            )
        )
