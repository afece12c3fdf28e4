"""QR payload v1: exact bytes, round trip, MAC, typed errors, property tests."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballots.errors import BadFormatError, BadMacError, BadVersionError, PayloadError
from ballots.payload import (
    SIZE_WITH_SERIAL,
    SIZE_WITHOUT_SERIAL,
    Payload,
    decode_text,
    encode_payload,
    encode_text,
    parse_payload,
    payload_to_text,
    text_to_payload,
    verify_payload,
)
from ballots.qr import QR_MODULES, make_qr
from tests.ballots.conftest import KEY

QR_ALPHANUMERIC = set(string.digits + string.ascii_uppercase + " $%*+-./:")

payloads = st.builds(
    Payload,
    campaign_tag=st.binary(min_size=4, max_size=4),
    template_prefix=st.binary(min_size=8, max_size=8),
    style_index=st.integers(0, 0xFFFF),
    page=st.integers(1, 255),
    test=st.booleans(),
    batch=st.integers(0, 0xFFFFFFFF),
    serial=st.none() | st.integers(0, 2**64 - 1),
)
EDGES = [
    Payload(b"\0" * 4, b"\0" * 8, 0, 1, False, 0, 0),
    Payload(b"\0" * 4, b"\0" * 8, 0, 1, False, 0, None),
    Payload(b"\xff" * 4, b"\xff" * 8, 0xFFFF, 255, True, 0xFFFFFFFF, 2**64 - 1),
    Payload(b"\xff" * 4, b"\xff" * 8, 0xFFFF, 255, True, 0xFFFFFFFF, None),
]


def test_documented_byte_layout() -> None:
    p = Payload(bytes.fromhex("01020304"), bytes(range(8)), 0x0102, 3, True, 0x0A0B0C0D, 0x1122)
    raw = encode_payload(p, KEY)
    assert len(raw) == SIZE_WITH_SERIAL == 38
    assert raw[:2] == b"\xb7\x01"
    assert raw[2:6] == bytes.fromhex("01020304") and raw[6:14] == bytes(range(8))
    assert raw[14:16] == b"\x01\x02" and raw[16] == 3 and raw[17] == 0b11
    assert raw[18:22] == bytes.fromhex("0a0b0c0d") and raw[22:30] == (0x1122).to_bytes(8, "big")
    import hashlib
    import hmac

    assert raw[30:] == hmac.new(KEY, raw[:30], hashlib.sha256).digest()[:8]
    bare = encode_payload(Payload(p.campaign_tag, p.template_prefix, 1, 1, False, 1, None), KEY)
    assert len(bare) == SIZE_WITHOUT_SERIAL == 30 and bare[17] == 0


@pytest.mark.parametrize("payload", EDGES)
def test_edge_payloads_round_trip(payload: Payload) -> None:
    text = encode_text(payload, KEY)
    assert set(text) <= QR_ALPHANUMERIC
    assert decode_text(text, KEY) == payload
    assert decode_text(text.lower(), KEY) == payload


@given(payloads)
def test_any_payload_round_trips_in_alphanumeric_text(payload: Payload) -> None:
    text = encode_text(payload, KEY)
    assert set(text) <= QR_ALPHANUMERIC
    assert len(text) in (48, 61)
    assert decode_text(text, KEY) == payload
    code = make_qr(text)
    assert code.version == 5 and code.mode == "alphanumeric" and code.error == "H"
    assert code.symbol_size(border=0) == (QR_MODULES, QR_MODULES)


@given(payloads, st.data())
def test_any_changed_byte_fails(payload: Payload, data: st.DataObject) -> None:
    raw = bytearray(encode_payload(payload, KEY))
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= data.draw(st.integers(1, 255))
    with pytest.raises(PayloadError):
        verify_payload(bytes(raw), KEY)


def test_each_byte_changed_fails_the_mac_or_the_format() -> None:
    raw = encode_payload(EDGES[2], KEY)
    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        with pytest.raises(PayloadError) as caught:
            verify_payload(bytes(changed), KEY)
        if index >= 2 and index != 17:
            assert isinstance(caught.value, BadMacError)


def test_other_key_fails_the_mac() -> None:
    text = encode_text(EDGES[0], KEY)
    with pytest.raises(BadMacError, match="code de contrôle"):
        decode_text(text, bytes(32))


def test_typed_errors() -> None:
    raw = encode_payload(EDGES[0], KEY)
    with pytest.raises(BadFormatError):
        parse_payload(b"\x00" + raw[1:])
    with pytest.raises(BadVersionError, match="version"):
        parse_payload(raw[:1] + b"\x02" + raw[2:])
    with pytest.raises(BadFormatError):
        parse_payload(raw[:-1])
    with pytest.raises(BadFormatError):
        parse_payload(raw[:17] + b"\x04" + raw[18:])
    with pytest.raises(BadFormatError):
        text_to_payload("https://example.org/")
    with pytest.raises(BadFormatError):
        text_to_payload("")
    assert text_to_payload(payload_to_text(raw)) == raw


def test_payload_fields_are_range_checked() -> None:
    with pytest.raises(ValueError):
        Payload(b"\0" * 3, b"\0" * 8, 0, 1, False, 0, None)
    with pytest.raises(ValueError):
        Payload(b"\0" * 4, b"\0" * 8, 0, 0, False, 0, None)
    with pytest.raises(ValueError):
        Payload(b"\0" * 4, b"\0" * 8, 0, 1, False, 0, 2**64)
