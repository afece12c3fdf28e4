"""Serials, their commitment (Merkle root) and the keyed hash used to find photocopies.

Serials are 64 random bits from `secrets`, never sequential, so nobody can guess a valid one or
learn the print order. A print batch records only the Merkle root of their hashes and, for the
count, keyed hashes; nothing links a serial to a voter.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Collection, Iterable

from ballots.errors import SerialError
from ballots.i18n import _

SERIAL_HASH_DOMAIN = b"bp-terrain/serial/v1"
# Refusals tolerated before giving up. Among 2^64 serials a genuine refusal (a serial issued
# before) is a once-in-a-lifetime event; hundreds in a row mean a broken `serial_ok`.
MAX_REFUSALS = 256

SerialCheck = Callable[[int], bool]


def generate_serials(
    count: int, known: Collection[int] = (), serial_ok: SerialCheck | None = None
) -> tuple[int, ...]:
    """`count` distinct random 64-bit serials, none in `known` and all accepted by `serial_ok`.

    `known` holds earlier serials in clear; `serial_ok(serial)` lets a caller that keeps only
    keyed hashes (the app) refuse a serial issued before, so collisions are avoided while
    drawing, not by printing again. Raises `SerialError` if it refuses too many in a row.

    The tuple comes back sorted: the caller shuffles the print order separately, and a stored
    list in ascending order says nothing about which sheet got which serial.
    """
    known_set = set(known)
    fresh: set[int] = set()
    refused = 0
    while len(fresh) < count:
        value = secrets.randbits(64)
        if value in fresh:
            continue
        if value in known_set or (serial_ok is not None and not serial_ok(value)):
            refused += 1
            if refused > MAX_REFUSALS:
                raise SerialError(
                    _("Impossible de tirer des numéros de série inédits : recommencez.")
                )
            continue
        fresh.add(value)
    return tuple(sorted(fresh))


def shuffled(values: Iterable[int]) -> list[int]:
    """A copy in a random print order (cryptographic randomness)."""
    items = list(values)
    secrets.SystemRandom().shuffle(items)
    return items


def serial_bytes(serial: int) -> bytes:
    return serial.to_bytes(8, "big")


def serial_leaf(serial: int) -> bytes:
    """Merkle leaf: SHA-256(0x00 || serial as 8 big-endian bytes)."""
    return hashlib.sha256(b"\x00" + serial_bytes(serial)).digest()


def merkle_root(serials: Iterable[int]) -> bytes:
    """SHA-256 Merkle root over the sorted leaf hashes (RFC 6962 style node prefix 0x01).

    Leaves are sorted so that the commitment does not depend on the print order. An odd node at
    the end of a level is carried up unchanged. The root of no serial is SHA-256 of nothing.
    """
    level = sorted(serial_leaf(s) for s in serials)
    if not level:
        return hashlib.sha256(b"").digest()
    while len(level) > 1:
        nxt = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def keyed_serial_hash(key: bytes, serial: int) -> str:
    """HMAC-SHA256(key, domain || serial), hex: finds duplicates without keeping serials in clear."""
    return hmac.new(key, SERIAL_HASH_DOMAIN + serial_bytes(serial), hashlib.sha256).hexdigest()
