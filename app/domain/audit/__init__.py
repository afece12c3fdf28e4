"""The tamper-evident audit log of a counting session (pure): build entries, sign checkpoints,
verify.

This package is the pure core; the counting service persists entries and calls these functions:

    head = None                                   # or head_from_entries(stored) at start-up
    entry = build_entry(head, EventType.SESSION_OPENED, officer, session_payload(...))
    store(entry); head = advance(head, entry)     # same for every later entry
    entry = build_checkpoint(head, EventType.BATCH_CLOSED, officer, key, tally={...})

One chain per counting session. The exact byte format is documented in `docs/audit-log.md`.
The parts: `canonical` (canonical JSON and hashes), `errors`, `privacy` (no serial in a
payload), `events` (event types and payload schemas), `entry` (one entry), `chain` (the chain
head and checkpoint rules), `verify` (verifying a whole chain), `jsonl` (the log copy on disk),
`slip` (the short codes printed on slips) and `build` (building entries and checkpoints). The
parts never import this package; this module only re-exports their public names.
"""

from __future__ import annotations

from app.domain.audit.build import build_checkpoint, build_entry, session_payload
from app.domain.audit.canonical import (
    ZERO_HASH,
    CanonicalJsonError,
    canonical_hash,
    canonical_json,
    sha256_hex,
)
from app.domain.audit.chain import ChainHead, advance
from app.domain.audit.entry import (
    AuditEntry,
    checkpoint_message,
    entry_from_dict,
    format_time,
    parse_time,
)
from app.domain.audit.errors import AuditError, ChainBroken, InvalidPayload, SessionSealed
from app.domain.audit.events import (
    AFTER_SEAL_EVENTS,
    GENESIS_EVENTS,
    SCHEMAS,
    SIGNED_EVENTS,
    EventType,
    parse_event,
    validate_payload,
)
from app.domain.audit.privacy import check_private_data, looks_like_serial, serial_mac
from app.domain.audit.verify import (
    ChainFailure,
    ChainWarning,
    Unreadable,
    VerificationResult,
    head_from_entries,
    verify_chain,
)

__all__ = [
    "AFTER_SEAL_EVENTS",
    "GENESIS_EVENTS",
    "SCHEMAS",
    "SIGNED_EVENTS",
    "ZERO_HASH",
    "AuditEntry",
    "AuditError",
    "CanonicalJsonError",
    "ChainBroken",
    "ChainFailure",
    "ChainHead",
    "ChainWarning",
    "EventType",
    "InvalidPayload",
    "SessionSealed",
    "Unreadable",
    "VerificationResult",
    "advance",
    "build_checkpoint",
    "build_entry",
    "canonical_hash",
    "canonical_json",
    "check_private_data",
    "checkpoint_message",
    "entry_from_dict",
    "format_time",
    "head_from_entries",
    "looks_like_serial",
    "parse_event",
    "parse_time",
    "serial_mac",
    "session_payload",
    "sha256_hex",
    "validate_payload",
    "verify_chain",
]

__all__ = [
    "AFTER_SEAL_EVENTS",
    "GENESIS_EVENTS",
    "SCHEMAS",
    "SIGNED_EVENTS",
    "ZERO_HASH",
    "AuditEntry",
    "AuditError",
    "CanonicalJsonError",
    "ChainBroken",
    "ChainFailure",
    "ChainHead",
    "ChainWarning",
    "EventType",
    "InvalidPayload",
    "SessionSealed",
    "Unreadable",
    "VerificationResult",
    "advance",
    "build_checkpoint",
    "build_entry",
    "canonical_hash",
    "canonical_json",
    "check_private_data",
    "checkpoint_message",
    "entry_from_dict",
    "format_time",
    "head_from_entries",
    "looks_like_serial",
    "parse_event",
    "parse_time",
    "serial_mac",
    "session_payload",
    "sha256_hex",
    "validate_payload",
    "verify_chain",
]
