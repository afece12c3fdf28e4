"""The tally officer's Ed25519 signing key.

The officer signs every checkpoint of the audit log. The key is created on first use and kept on
the officer's laptop as a PEM file (PKCS#8, encrypted with the passphrase by `cryptography`'s
`BestAvailableEncryption`, today PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC). Because that key
derivation is fast, the passphrase must be long: at least `MIN_PASSPHRASE_LENGTH` characters, a
phrase of several words rather than a password.

The fingerprint (SHA-256 of the 32-byte raw public key, 16 groups of 4 upper-case hex digits) is
printed on the report so that witnesses can sign it and anyone can later check the key.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.errors import UserError
from app.i18n import _
from ballots.replace import replacing

logger = logging.getLogger(__name__)

MIN_PASSPHRASE_LENGTH = 12
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64

__all__ = [
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "KeyFileError",
    "SigningKeyError",
    "WeakPassphrase",
    "WrongPassphrase",
    "fingerprint",
    "generate_key",
    "load_or_create_key",
    "load_private_key",
    "public_key_from_pem",
    "public_key_from_raw",
    "public_key_pem",
    "public_key_raw",
    "serialize_private_key",
    "sign",
    "verify_signature",
]


class SigningKeyError(UserError):
    """The officer's key cannot be created, read or used."""


class WrongPassphrase(SigningKeyError):
    """The passphrase does not open the key file."""


class WeakPassphrase(SigningKeyError):
    """The passphrase chosen for a new key is too short."""


class KeyFileError(SigningKeyError):
    """The key file is missing, damaged or not an Ed25519 key."""


def generate_key() -> Ed25519PrivateKey:
    """A new random Ed25519 key."""
    return Ed25519PrivateKey.generate()


def _check_passphrase(passphrase: str) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            _(
                "La phrase secrète doit compter au moins {n} caractères : choisissez une "
                "phrase de plusieurs mots."
            ).format(n=MIN_PASSPHRASE_LENGTH)
        )
    return passphrase.encode("utf-8")


def serialize_private_key(key: Ed25519PrivateKey, passphrase: str) -> bytes:
    """PEM bytes of the key, encrypted with `passphrase` (never written in clear)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_check_passphrase(passphrase)),
    )


def load_private_key(data: bytes, passphrase: str) -> Ed25519PrivateKey:
    """Open an encrypted PEM key; a wrong passphrase gives `WrongPassphrase` (French message)."""
    try:
        key = serialization.load_pem_private_key(data, passphrase.encode("utf-8"))
    except TypeError:
        raise KeyFileError(
            _("Le fichier de clé n'est pas protégé par une phrase secrète.")
        ) from None
    except ValueError as error:
        if "password" in str(error).lower() or "decrypt" in str(error).lower():
            raise WrongPassphrase(
                _(
                    "Phrase secrète incorrecte : la clé de signature de l'agent n'a pas pu "
                    "être ouverte. Vérifiez la phrase (majuscules, accents) et réessayez."
                )
            ) from None
        raise KeyFileError(_("Le fichier de clé de signature est illisible ou abîmé.")) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(_("Le fichier de clé ne contient pas une clé Ed25519."))
    return key


def load_or_create_key(path: Path, passphrase: str) -> tuple[Ed25519PrivateKey, bool]:
    """Open the officer's key at `path`, creating it on first use; returns (key, created).

    A new key file is written atomically (temporary file, fsync, rename) with mode 0600, so a
    crash never leaves a half-written key that would lock the officer out.
    """
    if path.exists():
        try:
            data = path.read_bytes()
        except OSError as error:
            raise KeyFileError(
                _("Le fichier de clé {path} ne peut pas être lu : {error}").format(
                    path=path, error=error.strerror or error
                )
            ) from None
        return load_private_key(data, passphrase), False
    key = generate_key()
    data = serialize_private_key(key, passphrase)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path, mode=0o600) as stream:
        stream.write(data)
    logger.info("created a new officer signing key at %s", path)
    return key, True


def public_key_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of the public key (what the log and the fingerprint use)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The public key as PEM (SubjectPublicKeyInfo), for the verification bundle."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_from_raw(data: bytes) -> Ed25519PublicKey:
    if len(data) != PUBLIC_KEY_BYTES:
        raise KeyFileError(_("Une clé publique Ed25519 compte 32 octets."))
    return Ed25519PublicKey.from_public_bytes(data)


def public_key_from_pem(data: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):  # a damaged key file may name an unknown algorithm
        raise KeyFileError(_("Le fichier de clé publique est illisible.")) from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(_("Le fichier de clé publique ne contient pas une clé Ed25519."))
    return key


def fingerprint(public_key: bytes | Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """SHA-256 of the raw public key as 16 groups of 4 upper-case hex digits."""
    raw = public_key if isinstance(public_key, bytes) else public_key_raw(public_key)
    digest = hashlib.sha256(raw).hexdigest().upper()
    return " ".join(digest[index : index + 4] for index in range(0, len(digest), 4))


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `message` (deterministic: same key, same bytes)."""
    return key.sign(message)


def verify_signature(
    public_key: bytes | Ed25519PublicKey, message: bytes, signature: bytes
) -> bool:
    """True when `signature` is `public_key`'s signature of `message`; never raises for bad input."""
    try:
        public = (
            public_key
            if isinstance(public_key, Ed25519PublicKey)
            else (public_key_from_raw(public_key))
        )
        public.verify(signature, message)
    except (InvalidSignature, KeyFileError, ValueError):
        return False
    return True
