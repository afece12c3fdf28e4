"""The closed list of audit events and the schema of each event's payload.

The list is closed on purpose: a verifier written from `docs/audit-log.md` must know every event
it can meet, and a payload that does not match its schema is refused when the entry is built, not
discovered later by a witness. Payloads name images and readings by their SHA-256 and serials only
by their keyed hash (see `audit.privacy`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.audit.canonical import MAX_SAFE_INTEGER, check_canonical_value, is_sha256_hex
from app.domain.audit.election import is_description
from app.domain.audit.errors import InvalidPayload
from app.domain.audit.privacy import check_private_data
from app.i18n import _


class EventType(enum.StrEnum):
    """Every kind of entry the log can hold (the value is what the log stores)."""

    SESSION_OPENED = "session_opened"
    SESSION_REOPENED = "session_reopened"
    SHEET_INGESTED = "sheet_ingested"
    SHEET_INTERPRETED = "sheet_interpreted"
    SHEET_REJECTED = "sheet_rejected"
    DUPLICATE_SERIAL = "duplicate_serial"
    DECISION = "decision"
    HAND_KEYED_BALLOT = "hand_keyed_ballot"
    SETTINGS_CHANGED = "settings_changed"
    ELECTION_CHANGED = "election_changed"
    RECONCILIATION_RECORDED = "reconciliation_recorded"
    BATCH_CLOSED = "batch_closed"
    CHECKPOINT = "checkpoint"
    TALLY_COMPUTED = "tally_computed"
    SESSION_SEALED = "session_sealed"
    EXPORT_CREATED = "export_created"


GENESIS_EVENTS = frozenset({EventType.SESSION_OPENED, EventType.SESSION_REOPENED})
"""Events that start a chain (seq 1) and may appear nowhere else."""

SIGNED_EVENTS = frozenset({EventType.BATCH_CLOSED, EventType.CHECKPOINT, EventType.SESSION_SEALED})
"""Checkpoints: their payload carries counts, the head hash and the officer's signature."""

AFTER_SEAL_EVENTS = frozenset({EventType.EXPORT_CREATED})
"""The only events allowed after `session_sealed`: exports change nothing in the count."""

Check = Callable[[Any], bool]

_SHORT_TEXT = 200
_LONG_TEXT = 2000
_CODE = re.compile(r"[a-z0-9_]{1,64}")
_FINGERPRINT = re.compile(r"[0-9A-F]{4}( [0-9A-F]{4}){15}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


def _text(limit: int) -> Check:
    def check(value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value) <= limit and value.strip() == value

    return check


def _integer(minimum: int) -> Check:
    def check(value: Any) -> bool:
        return _is_int(value) and minimum <= value <= MAX_SAFE_INTEGER

    return check


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _one_of(*allowed: str) -> Check:
    return lambda value: isinstance(value, str) and value in allowed


def _list_of(item: Check, minimum: int = 0) -> Check:
    return lambda value: (
        isinstance(value, list | tuple) and len(value) >= minimum and all(map(item, value))
    )


def _mapping_of_counts(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        _text(_SHORT_TEXT)(key) and _integer(0)(item) for key, item in value.items()
    )


def _any_json(value: Any) -> bool:
    return True  # checked by the canonical JSON rules


NAME = _text(_SHORT_TEXT)
REASON = _text(_LONG_TEXT)
IDENT = _text(100)
SHA256: Check = is_sha256_hex
HMAC_HEX: Check = lambda value: isinstance(value, str) and bool(_HEX64.fullmatch(value))  # noqa: E731
SIGNATURE_HEX: Check = lambda value: isinstance(value, str) and bool(_HEX128.fullmatch(value))  # noqa: E731
FINGERPRINT: Check = lambda value: isinstance(value, str) and bool(_FINGERPRINT.fullmatch(value))  # noqa: E731
CODE: Check = lambda value: isinstance(value, str) and bool(_CODE.fullmatch(value))  # noqa: E731
BOOL: Check = lambda value: isinstance(value, bool)  # noqa: E731
POSITIVE = _integer(1)
COUNT = _integer(0)
COUNTS: Check = _mapping_of_counts
ELECTION: Check = is_description


@dataclass(frozen=True)
class Field:
    """One payload key: its check and whether it must be present. `doc` goes into the docs."""

    check: Check
    required: bool = True
    doc: str = ""


def opt(check: Check, doc: str = "") -> Field:
    return Field(check, required=False, doc=doc)


def req(check: Check, doc: str = "") -> Field:
    return Field(check, required=True, doc=doc)


_SESSION_FIELDS: dict[str, Field] = {
    "session_id": req(IDENT, "identifiant de la session"),
    "campaign_id": req(IDENT),
    "residence_id": req(IDENT),
    "officer": req(NAME, "agent de dépouillement"),
    "witnesses": req(_list_of(NAME), "témoins présents"),
    "public_key": req(HMAC_HEX, "clé publique Ed25519 brute, 32 octets en hex"),
    "key_fingerprint": req(FINGERPRINT, "empreinte de la clé (16 groupes de 4 hex)"),
    "reader_version": opt(NAME),
    "settings": opt(_any_json, "réglages de la session"),
    "election": opt(ELECTION, "description du scrutin (budget, projets, règles), voir election.py"),
}

_CHECKPOINT_FIELDS: dict[str, Field] = {
    "head_seq": req(COUNT, "numéro de l'entrée précédente"),
    "head_hash": req(SHA256, "empreinte de l'entrée précédente"),
    "counts": req(COUNTS, "nombre d'entrées de chaque type avant celle-ci"),
    "tally": opt(COUNTS, "décompte annoncé (valides, blancs, nuls...)"),
    "key_fingerprint": req(FINGERPRINT),
    "entries": opt(POSITIVE, "nombre d'entrées du journal, celle-ci comprise"),
    "election_sha256": opt(SHA256, "empreinte de la description du scrutin en vigueur"),
    "signature": req(SIGNATURE_HEX, "signature Ed25519, 64 octets en hex"),
}

SCHEMAS: dict[EventType, dict[str, Field]] = {
    EventType.SESSION_OPENED: _SESSION_FIELDS,
    EventType.SESSION_REOPENED: {
        **_SESSION_FIELDS,
        "previous_session_id": req(IDENT),
        "previous_sealed_hash": req(SHA256, "empreinte scellée de la session reprise"),
        "reason": req(REASON),
    },
    EventType.SHEET_INGESTED: {
        "sheet_id": req(IDENT),
        "image_sha256": req(SHA256, "fichier d'origine, stocké par empreinte"),
        "page": req(POSITIVE, "page dans le fichier (1 pour une image simple)"),
        "source": req(_one_of("folder", "file", "camera")),
    },
    EventType.SHEET_INTERPRETED: {
        "sheet_id": req(IDENT),
        "reading_sha256": req(SHA256, "empreinte du JSON déterministe de la lecture"),
        "reader_version": req(NAME),
        "status": req(_one_of("valid", "blank", "needs_review")),
        "reasons": req(_list_of(CODE)),
        "serial_mac": opt(HMAC_HEX, "empreinte à clé du numéro (absente sans numéro)"),
        "template_hash": opt(SHA256),
    },
    EventType.SHEET_REJECTED: {
        "sheet_id": req(IDENT),
        "reasons": req(_list_of(CODE, minimum=1)),
        "reading_sha256": opt(SHA256),
        "message": opt(REASON, "message affiché, en français"),
    },
    EventType.DUPLICATE_SERIAL: {
        "serial_mac": req(HMAC_HEX),
        "sheet_ids": req(_list_of(IDENT, minimum=2)),
    },
    EventType.DECISION: {
        "sheet_id": req(IDENT),
        "target": req(_one_of("box", "sheet")),
        "project_id": opt(IDENT, "obligatoire quand target = box"),
        "value": req(_one_of("marked", "unmarked", "invalid", "set_aside")),
        "reason": req(REASON),
        "decided_by": req(NAME),
        "witness": opt(NAME),
        "machine_opinion_hidden": opt(BOOL),
        "corrects_seq": opt(POSITIVE, "décision antérieure que celle-ci corrige"),
    },
    EventType.HAND_KEYED_BALLOT: {
        "sheet_id": req(IDENT),
        "choices": req(_list_of(IDENT), "projets cochés (identifiants)"),
        "reason": req(REASON),
        "keyed_by": req(NAME),
        "witness": opt(NAME),
        "image_sha256": opt(SHA256),
        "template_hash": opt(SHA256, "modèle du bulletin saisi (sa règle de vote)"),
    },
    EventType.SETTINGS_CHANGED: {
        "setting": req(CODE),
        "value": req(_any_json),
        "reason": opt(REASON),
    },
    EventType.ELECTION_CHANGED: {
        "election": req(ELECTION, "la nouvelle description du scrutin, entière"),
        "reason": opt(REASON),
    },
    EventType.RECONCILIATION_RECORDED: {
        "printed": req(COUNT),
        "handed_out": req(COUNT),
        "returned": req(COUNT),
        "spoiled": req(COUNT),
        "note": opt(REASON),
    },
    EventType.BATCH_CLOSED: {**_CHECKPOINT_FIELDS, "batch": req(POSITIVE, "1, 2, 3...")},
    EventType.CHECKPOINT: {**_CHECKPOINT_FIELDS, "reason": opt(REASON)},
    EventType.TALLY_COMPUTED: {
        "results_sha256": req(SHA256, "empreinte du JSON canonique des résultats"),
        "rule": req(CODE),
        "tally": req(COUNTS),
        "votes": opt(COUNTS, "voix par identifiant de projet"),
    },
    EventType.SESSION_SEALED: {
        **_CHECKPOINT_FIELDS,
        "results_sha256": req(SHA256),
        "manifest_sha256": opt(SHA256, "empreinte des fichiers scellés du paquet"),
    },
    EventType.EXPORT_CREATED: {
        "kind": req(
            _one_of("bundle", "public_json", "public_csv", "pabulib", "report_pdf", "jsonl")
        ),
        "file_sha256": req(SHA256),
        "file_name": opt(NAME),
    },
}


def parse_event(value: object) -> EventType:
    """The event type named `value`, or `InvalidPayload` for a name outside the closed list."""
    try:
        return EventType(str(value))
    except ValueError:
        raise InvalidPayload(
            _("Type d'entrée inconnu du journal : « {event} ».").format(event=value)
        ) from None


def validate_payload(event: EventType, payload: Mapping[str, Any]) -> None:
    """Raise `InvalidPayload` unless `payload` is exactly what `event`'s schema allows."""
    if not isinstance(payload, Mapping):
        raise InvalidPayload(_("Le contenu d'une entrée du journal doit être un objet."))
    check_canonical_value(payload, "payload")
    schema = SCHEMAS[event]
    unknown = sorted(set(payload) - set(schema))
    if unknown:
        raise _bad(event, _("clé inconnue : {keys}").format(keys=", ".join(unknown)))
    for key, spec in schema.items():
        if key not in payload:
            if spec.required:
                raise _bad(event, _("clé obligatoire absente : {key}").format(key=key))
        elif not spec.check(payload[key]):
            raise _bad(event, _("valeur invalide pour {key}").format(key=key))
    _check_cross_fields(event, payload)
    # the election description is public text printed on every ballot (titles may hold any
    # word): its keys are fixed by its schema, so only the rest goes through the serial check
    check_private_data({k: v for k, v in payload.items() if k != "election"})


def _check_cross_fields(event: EventType, payload: Mapping[str, Any]) -> None:
    if event is EventType.DECISION:
        on_box = payload["target"] == "box"
        box_value = payload["value"] in ("marked", "unmarked")
        if on_box != box_value or on_box != ("project_id" in payload):
            raise _bad(
                event,
                _(
                    "une décision sur une case porte un projet et vaut marked ou unmarked ; "
                    "une décision sur la feuille vaut invalid ou set_aside, sans projet"
                ),
            )
    if event is EventType.DUPLICATE_SERIAL and len(set(payload["sheet_ids"])) < 2:
        raise _bad(event, _("il faut au moins deux feuilles différentes"))


def _bad(event: EventType, problem: str) -> InvalidPayload:
    return InvalidPayload(
        _("Entrée « {event} » refusée : {problem}.").format(event=event.value, problem=problem)
    )
