"""Serials drawn against a caller's test (`serial_ok`), as the app does with keyed hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballots import serials as serials_module
from ballots.errors import SerialError
from ballots.payload import decode_text
from ballots.raster import render_page_array
from ballots.render import render_ballots
from ballots.serials import generate_serials, keyed_serial_hash
from tests.ballots.conftest import KEY, make_spec
from tests.ballots.measure import qr_codes


def test_serial_ok_refusals_are_redrawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the random source to repeat refused values: they must never come out."""
    issued = {11, 22, 33}
    draws = iter([11, 22, 44, 33, 11, 55, 66])
    monkeypatch.setattr(serials_module.secrets, "randbits", lambda _bits: next(draws))
    issued_hashes = {keyed_serial_hash(KEY, s) for s in issued}
    asked: list[int] = []

    def serial_ok(serial: int) -> bool:
        asked.append(serial)
        return keyed_serial_hash(KEY, serial) not in issued_hashes

    assert generate_serials(3, serial_ok=serial_ok) == (44, 55, 66)
    assert asked == [11, 22, 44, 33, 11, 55, 66]


def test_a_test_that_refuses_everything_is_an_error_not_a_hang() -> None:
    with pytest.raises(SerialError) as caught:
        generate_serials(5, serial_ok=lambda _s: False)
    assert caught.value.code == "serial_exhausted" and "recommencez" in caught.value.message


def test_printed_serials_all_pass_the_test(tmp_path: Path) -> None:
    refused: set[int] = set()

    def serial_ok(serial: int) -> bool:
        if serial % 2:  # refuse half the space: every printed serial must then be even
            refused.add(serial)
            return False
        return True

    result = render_ballots(
        make_spec(3), tmp_path / "b.pdf", key=KEY, batch=1, count=40, serial_ok=serial_ok
    )
    assert len(set(result.serials)) == 40 and all(s % 2 == 0 for s in result.serials)
    assert refused and not refused & set(result.serials)
    ((text, _square),) = qr_codes(render_page_array(result.path, 0, 200), 200)
    assert decode_text(text, KEY).serial in result.serials
