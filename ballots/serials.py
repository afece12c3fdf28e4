"""Serials, their commitment (Merkle root) and the keyed hash used to find photocopies.

Serials are 64 random bits from `secrets`, never sequential, so nobody can guess a valid one or
learn the print order. A print batch records only the Merkle root of their hashes and, for the
count, keyed hashes; nothing links a serial to a voter.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Iterable

SERIAL_HASH_DOMAIN = b"bp-terrain/serial/v1"


def generate_serials(count: int, known: Collection[int] = ()) -> tuple[int, ...]:
    """`count` distinct random 64-bit serials, none of them in `known` (earlier batches).

    The tuple comes back sorted: the caller shuffles the print order separately, and a stored
    list in ascending order says nothing about which sheet got which serial.
    """
    known_set = set(known)
    fresh: set[int] = set()
    while len(fresh) < count:
        value = secrets.randbits(64)
        if value not in known_set:
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
