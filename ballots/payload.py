"""QR payload version 1: compact binary, MAC'd under the campaign key, Base32 in alphanumeric QR.

Byte layout (docs/ballot-format.md): tag 0xB7, version 1, campaign tag (4), template hash prefix
(8), style index (uint16), page (1), flags (1), print batch (uint32), [serial (8)], MAC (8).
The text form is RFC 4648 Base32 without padding, so the QR symbol is alphanumeric only: zbar
never transcodes it and no generator meets a zero-heavy byte payload.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass

from ballots.errors import BadFormatError, BadMacError, BadVersionError, PayloadError
from ballots.i18n import _

FORMAT_TAG = 0xB7
PAYLOAD_VERSION = 1
FLAG_TEST = 0x01
FLAG_SERIAL = 0x02
MAC_SIZE = 8
KEY_SIZE = 32
_HEAD = struct.Struct(">BB4s8sHBBI")  # 22 bytes
SIZE_WITH_SERIAL = _HEAD.size + 8 + MAC_SIZE  # 38
SIZE_WITHOUT_SERIAL = _HEAD.size + MAC_SIZE  # 30
MAX_BATCH = 0xFFFFFFFF
MAX_SERIAL = (1 << 64) - 1


@dataclass(frozen=True)
class Payload:
    """What a ballot's QR says. `serial` is None in no-serial mode (supervised ballot boxes)."""

    campaign_tag: bytes
    template_prefix: bytes
    style_index: int
    page: int
    test: bool
    batch: int
    serial: int | None

    def __post_init__(self) -> None:
        if len(self.campaign_tag) != 4 or len(self.template_prefix) != 8:
            raise ValueError("campaign_tag is 4 bytes and template_prefix 8 bytes")
        if not 0 <= self.style_index <= 0xFFFF or not 1 <= self.page <= 255:
            raise ValueError("style index or page out of range")
        if not 0 <= self.batch <= MAX_BATCH:
            raise ValueError("batch out of range")
        if self.serial is not None and not 0 <= self.serial <= MAX_SERIAL:
            raise ValueError("serial out of range")


def new_campaign_key() -> bytes:
    """A fresh secret key, created once with the campaign and never printed."""
    return secrets.token_bytes(KEY_SIZE)


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:MAC_SIZE]


def encode_payload(payload: Payload, key: bytes) -> bytes:
    """The binary payload, MAC included."""
    flags = (FLAG_TEST if payload.test else 0) | (FLAG_SERIAL if payload.serial is not None else 0)
    body = _HEAD.pack(
        FORMAT_TAG,
        PAYLOAD_VERSION,
        payload.campaign_tag,
        payload.template_prefix,
        payload.style_index,
        payload.page,
        flags,
        payload.batch,
    )
    if payload.serial is not None:
        body += payload.serial.to_bytes(8, "big")
    return body + _mac(key, body)


def parse_payload(raw: bytes) -> tuple[Payload, bytes]:
    """Split a binary payload into its fields and MAC, without checking the MAC."""
    if len(raw) < 2 or raw[0] != FORMAT_TAG:
        raise BadFormatError(_("Ce code QR n'est pas celui d'un bulletin BP Terrain."))
    if raw[1] != PAYLOAD_VERSION:
        raise BadVersionError(
            _("Ce bulletin utilise une version de code QR inconnue ({version}).").format(
                version=raw[1]
            )
        )
    if len(raw) not in (SIZE_WITH_SERIAL, SIZE_WITHOUT_SERIAL):
        raise BadFormatError(_("Le code QR du bulletin est tronqué ou trop long."))
    _tag, _version, camp, prefix, style, page, flags, batch = _HEAD.unpack_from(raw)
    has_serial = bool(flags & FLAG_SERIAL)
    expected = SIZE_WITH_SERIAL if has_serial else SIZE_WITHOUT_SERIAL
    if flags & ~(FLAG_TEST | FLAG_SERIAL) or len(raw) != expected or page == 0:
        raise BadFormatError(_("Le code QR du bulletin est mal formé."))
    serial = int.from_bytes(raw[_HEAD.size : _HEAD.size + 8], "big") if has_serial else None
    payload = Payload(camp, prefix, style, page, bool(flags & FLAG_TEST), batch, serial)
    return payload, raw[-MAC_SIZE:]


def verify_payload(raw: bytes, key: bytes) -> Payload:
    """Parse and authenticate: a changed byte or another campaign's key fails with BadMacError."""
    payload, mac = parse_payload(raw)
    if not hmac.compare_digest(mac, _mac(key, raw[:-MAC_SIZE])):
        raise BadMacError(
            _(
                "Le code de contrôle du QR est faux : bulletin falsifié, abîmé ou d'une autre "
                "campagne."
            )
        )
    return payload


def payload_to_text(raw: bytes) -> str:
    """Base32, upper case, no padding: only characters of the QR alphanumeric set."""
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def text_to_payload(text: str) -> bytes:
    """Inverse of `payload_to_text`; tolerant of surrounding blanks and lower case."""
    clean = text.strip().upper()
    if not clean or len(clean) > 128:
        raise BadFormatError(_("Ce code QR n'est pas celui d'un bulletin BP Terrain."))
    try:
        return base64.b32decode(clean + "=" * (-len(clean) % 8))
    except (binascii.Error, ValueError) as exc:
        raise BadFormatError(_("Ce code QR n'est pas celui d'un bulletin BP Terrain.")) from exc


def encode_text(payload: Payload, key: bytes) -> str:
    return payload_to_text(encode_payload(payload, key))


def decode_text(text: str, key: bytes) -> Payload:
    """From the text a QR decoder returns to an authenticated payload (typed errors otherwise)."""
    return verify_payload(text_to_payload(text), key)


__all__ = [
    "Payload",
    "PayloadError",
    "BadFormatError",
    "BadVersionError",
    "BadMacError",
    "new_campaign_key",
    "encode_payload",
    "parse_payload",
    "verify_payload",
    "payload_to_text",
    "text_to_payload",
    "encode_text",
    "decode_text",
]
