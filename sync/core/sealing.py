"""Sealing a campaign's ballot key for one device: X25519, HKDF-SHA256, AES-256-GCM.

The laptop that holds the key draws an ephemeral X25519 key pair, derives a one-time AES key
from its exchange with the device's public key, and encrypts the ballot key with the campaign
and the device as associated data (a sealed key cannot be replayed for another campaign or
device). Only the device's private key, which never leaves it, opens it.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.i18n import _
from sync.core.errors import SyncError
from sync.core.protocol import SealedKey

INFO = b"bp-terrain ballot key v1"


def new_private_key() -> str:
    """A new device key pair: its private half as hex (kept in the laptop's `local_meta`)."""
    return X25519PrivateKey.generate().private_bytes_raw().hex()


def public_key(private_hex: str) -> str:
    private = X25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _aead(shared: bytes, campaign_id: str, device_id: str) -> AESGCM:
    salt = f"{campaign_id}\n{device_id}".encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(shared)
    return AESGCM(key)


def _aad(campaign_id: str, device_id: str) -> bytes:
    return f"campaign={campaign_id};device={device_id}".encode()


def seal(key: bytes, campaign_id: str, device_id: str, recipient_hex: str) -> SealedKey:
    ephemeral = X25519PrivateKey.generate()
    recipient = X25519PublicKey.from_public_bytes(bytes.fromhex(recipient_hex))
    shared = ephemeral.exchange(recipient)
    nonce = os.urandom(12)
    ciphertext = _aead(shared, campaign_id, device_id).encrypt(
        nonce, key, _aad(campaign_id, device_id)
    )
    return SealedKey(
        campaign_id=campaign_id,
        device_id=device_id,
        ephemeral=ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex(),
        nonce=nonce.hex(),
        ciphertext=ciphertext.hex(),
    )


def open_sealed(sealed: SealedKey, private_hex: str) -> bytes:
    """The ballot key; a sealed key not meant for this device, or altered, is refused."""
    private = X25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    shared = private.exchange(X25519PublicKey.from_public_bytes(bytes.fromhex(sealed.ephemeral)))
    try:
        return _aead(shared, sealed.campaign_id, sealed.device_id).decrypt(
            bytes.fromhex(sealed.nonce),
            bytes.fromhex(sealed.ciphertext),
            _aad(sealed.campaign_id, sealed.device_id),
        )
    except InvalidTag as exc:
        raise SyncError(
            _(
                "La clé des bulletins reçue pour la campagne {campaign} ne s'ouvre pas avec la clé "
                "de ce poste (altérée, ou scellée pour un autre poste) : elle n'a pas été "
                "installée."
            ).format(campaign=sealed.campaign_id)
        ) from exc
