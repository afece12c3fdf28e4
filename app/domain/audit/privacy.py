"""Keep ballot serials and voter data out of the audit log.

The log is published in the verification bundle, so it must never let anyone link a ballot to a
person, nor reveal the serials that make forged ballots detectable. Serials are recorded only as a
keyed hash (`serial_mac`), which is enough to find the same serial twice (a photocopy) while
revealing nothing without the campaign's key.

`check_private_data` is a second line of defence against programming mistakes and hand-typed text:
it refuses keys that name a serial or voter data, and any text token that looks like a raw serial
(a 64-bit value written in hexadecimal, Base32 or decimal) or like the text of a whole QR payload.
Integers beyond 2**53 - 1, where almost every random 64-bit serial falls, are already refused by
the canonical JSON rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.domain.audit.errors import InvalidPayload
from app.i18n import _
from ballots.serials import keyed_serial_hash

ALLOWED_SERIAL_KEYS = frozenset({"serial_mac", "duplicate_serial"})
"""Keys allowed to mention a serial: the keyed hash itself, and the event name in counts."""

FORBIDDEN_KEY_PARTS = (
    "serial",
    "voter",
    "electeur",
    "votant",
    "email",
    "courriel",
    "phone",
    "telephone",
    "address",
    "adresse",
    "birth",
    "naissance",
    "flat",
    "apartment",
    "logement",
)
"""Key fragments refused in payloads (compared in lower case), except `ALLOWED_SERIAL_KEYS`."""

_TOKEN_SPLIT = re.compile(r"[^0-9A-Za-z]+")
_SERIAL_PATTERN_LIST = (
    re.compile(r"[0-9a-fA-F]{16}"),  # 8 bytes in hexadecimal
    re.compile(r"[A-Z2-7]{13}"),  # 8 bytes in Base32 (upper case)
    re.compile(r"(?=[a-z2-7]*[2-7])[a-z2-7]{13}"),  # lower-case Base32 holding a digit
    re.compile(r"[0-9]{16,20}"),  # an unsigned 64-bit integer in decimal
    re.compile(r"[A-Z2-7]{48}|[A-Z2-7]{61}"),  # the Base32 text of a whole QR payload
    re.compile(r"[0-9a-fA-F]{60}|[0-9a-fA-F]{76}"),  # a whole QR payload in hexadecimal
)
_SERIAL = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in _SERIAL_PATTERN_LIST))


def serial_mac(key: bytes, serial: int) -> str:
    """The keyed hash that stands for a serial in the log (lowercase hex, 64 digits).

    It is the ballots library's `keyed_serial_hash` (HMAC-SHA256 over a domain tag and the serial
    as 8 big-endian bytes), so the count and the print batches agree on one value. Use a key kept
    out of public exports: without it the hash cannot be tested against guessed serials.
    """
    if len(key) < 16:
        raise ValueError("serial_mac key must be at least 16 bytes")
    return keyed_serial_hash(key, serial)


def looks_like_serial(text: str) -> bool:
    """True when a whole token of `text` could be a raw serial or a raw QR payload."""
    if len(text) < 13:
        return False
    return any(_SERIAL.fullmatch(token) for token in _TOKEN_SPLIT.split(text) if len(token) >= 13)


def check_private_data(value: Any, path: str = "payload") -> None:
    """Raise `InvalidPayload` if `value` holds a serial in clear or a voter data key."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_key(str(key), path)
            check_private_data(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_private_data(item, f"{path}[{index}]")
    elif isinstance(value, str) and looks_like_serial(value):
        raise InvalidPayload(
            _(
                "Le journal refuse {path} : ce texte ressemble à un numéro de bulletin en clair. "
                "Le journal ne garde que l'empreinte des numéros ; reformulez sans le numéro."
            ).format(path=path)
        )


def _check_key(key: str, path: str) -> None:
    lowered = key.lower()
    if lowered in ALLOWED_SERIAL_KEYS:
        return
    for part in FORBIDDEN_KEY_PARTS:
        if part in lowered:
            raise InvalidPayload(
                _(
                    "Le journal refuse la clé « {key} » ({path}) : ni numéro de bulletin en "
                    "clair ni donnée sur les votants."
                ).format(key=key, path=path)
            )
