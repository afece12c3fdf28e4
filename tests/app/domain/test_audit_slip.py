from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import segno
from PIL import Image
from pyzbar import pyzbar

from app import i18n
from app.domain import signing
from app.domain.audit import AuditError, EventType, verify_chain
from app.domain.audit.slip import (
    french_datetime,
    group_hex,
    parse_slip_code,
    session_tag,
    slip_code,
    slip_text,
)
from tests.helpers.audit import SESSION_ID, START, build_session

KEY = signing.generate_key()
ENTRIES = build_session(KEY, sheets=10, batch_size=5).entries
BATCH = next(e for e in ENTRIES if e.event is EventType.BATCH_CLOSED)
SEAL = ENTRIES[-1]
QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def test_slip_code_round_trips_and_uses_qr_alphanumeric_characters() -> None:
    code = slip_code(BATCH, SESSION_ID)
    assert set(code) <= QR_ALPHANUMERIC
    assert code.startswith(f"BPTA1:LOT:{session_tag(SESSION_ID)}:{BATCH.seq}:1:")
    parsed = parse_slip_code(code)
    assert (parsed.kind, parsed.seq, parsed.batch) == ("LOT", BATCH.seq, 1)
    assert parsed.expected_head == (BATCH.seq, BATCH.hash)
    assert parse_slip_code(slip_code(SEAL, SESSION_ID)).kind == "SCEL"


def test_slip_code_prints_as_a_small_alphanumeric_qr_that_zbar_reads_back() -> None:
    code = slip_code(SEAL, SESSION_ID)
    symbol = segno.make(code, error="h", micro=False)
    assert symbol.mode == "alphanumeric"
    assert symbol.version <= 8
    buffer = io.BytesIO()
    symbol.save(buffer, kind="png", scale=6, border=4)
    decoded = pyzbar.decode(Image.open(io.BytesIO(buffer.getvalue())))
    assert [d.data.decode("ascii") for d in decoded] == [code]


def test_a_slip_proves_the_log_was_not_rewritten() -> None:
    printed = parse_slip_code(slip_code(BATCH, SESSION_ID))
    assert verify_chain(ENTRIES, expected_heads=[printed.expected_head]).ok
    # the officer, who holds the key, rebuilds the whole log one second later: it verifies on
    # its own, but not against the slip the witnesses signed
    later = START + timedelta(seconds=1)
    other = build_session(KEY, sheets=10, batch_size=5, start=later).entries
    assert verify_chain(other).ok
    result = verify_chain(other, expected_heads=[printed.expected_head])
    assert result.failure is not None
    assert (result.failure.seq, result.failure.code) == (BATCH.seq, "head_mismatch")


@pytest.mark.parametrize(
    "text",
    ["", "BPTA1:LOT", "BPTA2:LOT:12345678:3:1:" + "A" * 64, "BPTA1:LOT:12345678:0:1:" + "A" * 64],
)
def test_foreign_codes_are_refused_in_french(text: str) -> None:
    with pytest.raises(AuditError, match="bordereau"):
        parse_slip_code(text)


def test_slip_text_reads_in_french_with_everything_witnesses_need() -> None:
    text = slip_text(BATCH, session_id=SESSION_ID, zone=ZoneInfo("Europe/Paris"))
    assert "Clôture du lot n° 1" in text
    assert f"Entrée n° {BATCH.seq}, le mardi 3 mars 2026 à 14 h 00" in text
    assert "Feuilles reçues : 5" in text
    assert "Bulletins valides : 5" in text
    for line in group_hex(BATCH.hash):
        assert line in text
    assert signing.fingerprint(KEY) in text
    assert slip_code(BATCH, SESSION_ID) in text
    with pytest.raises(ValueError):
        slip_text(ENTRIES[1], session_id=SESSION_ID)


def test_french_dates_and_thousands() -> None:
    assert (
        french_datetime("2026-03-01T13:05:00.000000Z") == "dimanche 1er mars 2026 à 13 h 05 (UTC)"
    )
    paris = ZoneInfo("Europe/Paris")
    assert (
        french_datetime("2026-08-15T22:30:00.000000Z", paris)
        == "dimanche 16 août 2026 à 0 h 30 (heure locale, UTC+2)"
    )
    assert (
        french_datetime("2026-12-07T20:01:00.000000Z", paris)
        == "lundi 7 décembre 2026 à 21 h 01 (heure locale, UTC+1)"
    )
    kolkata = ZoneInfo("Asia/Kolkata")
    assert french_datetime("2026-12-07T20:01:00.000000Z", kolkata).endswith(
        "(heure locale, UTC+5:30)"
    )
    assert french_datetime("2026-03-03T14:00:00.000000Z") == "mardi 3 mars 2026 à 14 h 00 (UTC)"
    assert group_hex("ab" * 32) == ["ABAB " * 7 + "ABAB", "ABAB " * 7 + "ABAB"]


def test_english_slip_has_no_french_ordinal_nor_french_colons() -> None:
    """The slip once printed "1er March" and "Sheets received : 5" in English."""
    i18n.set_language("en")
    try:
        assert (
            french_datetime("2026-03-01T13:05:00.000000Z") == "Sunday 1 March 2026 at 13:05 (UTC)"
        )
        text = slip_text(BATCH, session_id=SESSION_ID, zone=ZoneInfo("Europe/Paris"))
    finally:
        i18n.set_language("fr")
    assert "Sheets received: 5" in text and "Valid ballots: 5" in text
    assert "Tuesday 3 March 2026 at 14:00" in text
    assert " : " not in text and "1er" not in text
