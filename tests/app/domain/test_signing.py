from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from app.domain import signing
from app.domain.signing import KeyFileError, WeakPassphrase, WrongPassphrase

PASSPHRASE = "trois pommes vertes sur la table"

# RFC 8032, section 7.1, test 1 (empty message)
RFC_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def test_rfc8032_vector() -> None:
    key = signing.Ed25519PrivateKey.from_private_bytes(RFC_SECRET)
    assert signing.public_key_raw(key) == RFC_PUBLIC
    assert signing.sign(key, b"") == RFC_SIGNATURE
    assert signing.verify_signature(RFC_PUBLIC, b"", RFC_SIGNATURE)


def test_private_key_round_trips_through_its_encrypted_pem() -> None:
    key = signing.generate_key()
    pem = signing.serialize_private_key(key, PASSPHRASE)
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    secret = key.private_bytes_raw()
    assert secret not in pem and secret.hex().encode() not in pem
    loaded = signing.load_private_key(pem, PASSPHRASE)
    assert signing.public_key_raw(loaded) == signing.public_key_raw(key)
    signature = signing.sign(loaded, b"head")
    assert signing.verify_signature(signing.public_key_raw(key), b"head", signature)


def test_wrong_passphrase_gives_the_french_message() -> None:
    pem = signing.serialize_private_key(signing.generate_key(), PASSPHRASE)
    with pytest.raises(WrongPassphrase) as info:
        signing.load_private_key(pem, PASSPHRASE.upper())
    assert info.value.message.startswith("Phrase secrète incorrecte")
    assert str(info.value) == info.value.message


def test_short_passphrases_are_refused_for_new_keys() -> None:
    with pytest.raises(WeakPassphrase, match="au moins 12 caractères"):
        signing.serialize_private_key(signing.generate_key(), "court")


def test_damaged_or_foreign_key_files_are_refused() -> None:
    pem = signing.serialize_private_key(signing.generate_key(), PASSPHRASE)
    with pytest.raises(KeyFileError, match="illisible"):
        signing.load_private_key(b"not a key at all", PASSPHRASE)
    with pytest.raises(KeyFileError):
        signing.load_private_key(pem[:60] + pem[90:], PASSPHRASE)
    clear = signing.generate_key().private_bytes(
        signing.serialization.Encoding.PEM,
        signing.serialization.PrivateFormat.PKCS8,
        signing.serialization.NoEncryption(),
    )
    with pytest.raises(KeyFileError, match="pas protégé"):
        signing.load_private_key(clear, PASSPHRASE)


def test_key_is_created_on_first_use_then_loaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "officer.pem"
    key, created = signing.load_or_create_key(path, PASSPHRASE)
    assert created and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["officer.pem"]  # no temporary left
    again, created_again = signing.load_or_create_key(path, PASSPHRASE)
    assert not created_again
    assert signing.public_key_raw(again) == signing.public_key_raw(key)
    with pytest.raises(WrongPassphrase):
        signing.load_or_create_key(path, "une autre phrase secrète")
    assert signing.public_key_raw(signing.load_private_key(path.read_bytes(), PASSPHRASE)) == (
        signing.public_key_raw(key)
    )


def test_public_key_exports_round_trip() -> None:
    key = signing.generate_key()
    raw = signing.public_key_raw(key)
    assert len(raw) == 32
    pem = signing.public_key_pem(key)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert signing.public_key_raw(signing.public_key_from_pem(pem)) == raw
    assert signing.public_key_raw(signing.public_key_from_raw(raw)) == raw
    with pytest.raises(KeyFileError):
        signing.public_key_from_raw(raw[:31])
    with pytest.raises(KeyFileError):
        signing.public_key_from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


def test_fingerprint_is_sha256_of_the_raw_key_in_groups() -> None:
    # SHA-256 of 32 zero bytes, computed independently
    assert signing.fingerprint(bytes(32)) == (
        "6668 7AAD F862 BD77 6C8F C18B 8E9F 8E20 0897 1485 6EE2 33B3 902A 591D 0D5F 2925"
    )
    key = signing.generate_key()
    printed = signing.fingerprint(key)
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){15}", printed)
    assert (
        printed
        == signing.fingerprint(key.public_key())
        == signing.fingerprint(signing.public_key_raw(key))
    )
    assert printed != signing.fingerprint(signing.generate_key())


def test_signature_verification_rejects_anything_else() -> None:
    key = signing.generate_key()
    raw = signing.public_key_raw(key)
    signature = signing.sign(key, b"message")
    assert signing.verify_signature(raw, b"message", signature)
    assert signing.verify_signature(key.public_key(), b"message", signature)
    assert not signing.verify_signature(raw, b"messagf", signature)
    assert not signing.verify_signature(
        signing.public_key_raw(signing.generate_key()), b"message", signature
    )
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert not signing.verify_signature(raw, b"message", tampered)
    assert not signing.verify_signature(raw, b"message", signature[:-1])
    assert not signing.verify_signature(raw[:-1], b"message", signature)
