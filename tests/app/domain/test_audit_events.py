from __future__ import annotations

import base64
from typing import Any

import pytest

from app.domain import signing
from app.domain.audit import (
    SCHEMAS,
    SIGNED_EVENTS,
    EventType,
    InvalidPayload,
    looks_like_serial,
    parse_event,
    serial_mac,
    validate_payload,
)
from ballots.payload import Payload, encode_text
from ballots.serials import generate_serials
from tests.helpers.audit import sample_payloads, sha

KEY = signing.generate_key()
SAMPLES = sample_payloads(KEY)


def test_every_event_has_a_schema_and_the_list_is_closed() -> None:
    assert set(SCHEMAS) == set(EventType)
    assert set(SAMPLES) | SIGNED_EVENTS == set(EventType)
    with pytest.raises(InvalidPayload, match="inconnu"):
        parse_event("sheet_deleted")


@pytest.mark.parametrize("event", sorted(SAMPLES, key=str))
def test_sample_payloads_are_valid(event: EventType) -> None:
    validate_payload(event, SAMPLES[event])


@pytest.mark.parametrize("event", sorted(SAMPLES, key=str))
def test_every_required_key_is_required(event: EventType) -> None:
    for key, spec in SCHEMAS[event].items():
        if spec.required and key in SAMPLES[event]:
            payload = {k: v for k, v in SAMPLES[event].items() if k != key}
            with pytest.raises(InvalidPayload, match=f"obligatoire absente : {key}"):
                validate_payload(event, payload)


@pytest.mark.parametrize(
    ("event", "change"),
    [
        (EventType.SHEET_INGESTED, {"page": 0}),
        (EventType.SHEET_INGESTED, {"page": True}),
        (EventType.SHEET_INGESTED, {"image_sha256": "ABC"}),
        (EventType.SHEET_INGESTED, {"source": "fax"}),
        (EventType.SHEET_INTERPRETED, {"status": "rejected"}),
        (EventType.SHEET_INTERPRETED, {"reasons": ["Not A Code"]}),
        (EventType.SHEET_REJECTED, {"reasons": []}),
        (EventType.RECONCILIATION_RECORDED, {"spoiled": -1}),
        (EventType.TALLY_COMPUTED, {"tally": {"valid": -2}}),
        (EventType.DECISION, {"reason": ""}),
        (EventType.DECISION, {"reason": " espaces autour "}),
        (EventType.SESSION_OPENED, {"key_fingerprint": "abcd"}),
        (EventType.EXPORT_CREATED, {"kind": "tweet"}),
    ],
)
def test_wrong_types_and_values_are_refused(event: EventType, change: dict[str, Any]) -> None:
    with pytest.raises(InvalidPayload, match="valeur invalide"):
        validate_payload(event, {**SAMPLES[event], **change})


def test_unknown_keys_are_refused() -> None:
    payload = {**SAMPLES[EventType.SHEET_INGESTED], "comment": "libre"}
    with pytest.raises(InvalidPayload, match="clé inconnue : comment"):
        validate_payload(EventType.SHEET_INGESTED, payload)


@pytest.mark.parametrize(
    ("event", "change"),
    [
        (EventType.RECONCILIATION_RECORDED, {"printed": 300.0}),
        (EventType.TALLY_COMPUTED, {"tally": {"valid": 1.5}}),
        (EventType.SETTINGS_CHANGED, {"value": 0.75}),
        (EventType.SESSION_OPENED, {"settings": {"threshold": [1, 2.5]}}),
    ],
)
def test_floats_are_refused_anywhere(event: EventType, change: dict[str, Any]) -> None:
    with pytest.raises(InvalidPayload, match="virgule"):
        validate_payload(event, {**SAMPLES[event], **change})


def test_decision_targets_are_consistent() -> None:
    box = SAMPLES[EventType.DECISION]
    whole = {k: v for k, v in box.items() if k != "project_id"} | {"target": "sheet"}
    validate_payload(EventType.DECISION, whole | {"value": "set_aside"})
    for bad in (
        box | {"value": "invalid"},
        whole | {"value": "marked"},
        whole | {"value": "invalid", "project_id": "proj-1"},
        {k: v for k, v in box.items() if k != "project_id"},
    ):
        with pytest.raises(InvalidPayload, match="case"):
            validate_payload(EventType.DECISION, bad)


def test_duplicate_needs_two_different_sheets() -> None:
    payload = {"serial_mac": sha("m"), "sheet_ids": ["sheet-1", "sheet-1"]}
    with pytest.raises(InvalidPayload, match="deux feuilles"):
        validate_payload(EventType.DUPLICATE_SERIAL, payload)


@pytest.mark.parametrize("key", ["serial", "ballot_serial", "Serial_Number", "voter_name", "email"])
def test_serial_and_voter_keys_are_refused_even_nested(key: str) -> None:
    payload = {**SAMPLES[EventType.SETTINGS_CHANGED], "value": {"inner": {key: "x"}}}
    with pytest.raises(InvalidPayload, match="ni numéro de bulletin"):
        validate_payload(EventType.SETTINGS_CHANGED, payload)


def _real_serial_texts() -> list[str]:
    """A real serial from the ballots library written every way a careless caller might."""
    serial = generate_serials(1)[0]
    raw = serial.to_bytes(8, "big")
    base32 = base64.b32encode(raw).decode().rstrip("=")
    with_serial = Payload(b"\x01\x02\x03\x04", bytes(8), 0, 1, False, 7, serial)
    without_serial = Payload(b"\0\0\0\0", bytes(8), 0, 1, False, 1, None)
    texts = [
        raw.hex(),
        raw.hex().upper(),
        base32,
        encode_text(with_serial, bytes(32)),
        encode_text(without_serial, bytes(32)),
        f"Bulletin {raw.hex()} raturé",
        f"numéro:{base32}.",
    ]
    if any(digit in base32 for digit in "234567"):
        texts.append(base32.lower())  # lower-case Base32 is only caught when it holds a digit
    if serial >= 10**15:
        texts.append(str(serial))  # 16 to 20 decimal digits (all but 1 serial in 18,000)
    return texts


def test_real_serials_in_clear_are_refused() -> None:
    for _round in range(20):
        for text in _real_serial_texts():
            assert looks_like_serial(text), text
            payload = {**SAMPLES[EventType.DECISION], "reason": text}
            with pytest.raises(InvalidPayload, match="numéro de bulletin en clair"):
                validate_payload(EventType.DECISION, payload)


def test_serials_as_integers_are_refused_by_the_integer_range() -> None:
    serial = max(generate_serials(50))  # the largest of 50 is above 2**53 with near certainty
    with pytest.raises(InvalidPayload):
        validate_payload(EventType.SETTINGS_CHANGED, {"setting": "x", "value": serial})


@pytest.mark.parametrize(
    "text",
    [
        sha("x"),
        "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        signing.fingerprint(KEY),
        "Croix nette débordant de la case n° 12, vue par les deux témoins",
        "Bulletin déchiré en 2 ; 3 cases cochées sur 15",
        "MARIE-CLAIRE DUPONT",
        "scanner 1.0.3",
        "2026-03-03",
        "reconnaissance",
    ],
    # named, not shown: the fingerprint is of a key made at import (names must not change
    # between two collections, or pytest-xdist's workers disagree on the list of tests)
    ids=["sha256", "uuid", "fingerprint", "remark", "torn", "name", "version", "date", "word"],
)
def test_ordinary_values_are_not_taken_for_serials(text: str) -> None:
    assert not looks_like_serial(text)


def test_serial_mac_is_keyed_stable_and_allowed_in_payloads() -> None:
    serial = generate_serials(1)[0]
    key_a, key_b = bytes(range(32)), bytes(range(1, 33))
    mac = serial_mac(key_a, serial)
    assert mac == serial_mac(key_a, serial)  # a photocopy gives the same value
    assert mac != serial_mac(key_b, serial)
    assert mac != serial_mac(key_a, serial ^ 1)
    assert serial.to_bytes(8, "big").hex() not in mac
    validate_payload(EventType.DUPLICATE_SERIAL, {"serial_mac": mac, "sheet_ids": ["a", "b"]})
    with pytest.raises(ValueError):
        serial_mac(b"short", serial)
