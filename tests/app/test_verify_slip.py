"""`verify_bundle(..., slips=[...])`: the codes of slips signed on paper must match the log of
the bundle; a changed hash, another session's slip, an entry past the log's end or text that is
not a slip code each fail, naming the slip."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.audit import EventType
from app.services import open_services
from app.services.counting.log import load_entries
from app.verify import verify_bundle
from tests.helpers.verify import Counted, live_count, write_bundle


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A sealed count's bundle and the codes of its two slips (batch 1, then the seal)."""
    tmp = tmp_path_factory.mktemp("slips")
    with open_services(tmp / "data") as services:
        c: Counted = live_count(services, tmp / "scans", [[0], [1], []])
        with services.uow() as s:
            entries = load_entries(s, c.session_id)
        seqs = [e.seq for e in entries if e.event in (EventType.BATCH_CLOSED,
                                                      EventType.SESSION_SEALED)]  # fmt: skip
        codes = [services.count_slips.build_slip(c.session_id, seq=seq).code for seq in seqs]
        bundle = write_bundle(services, c.session_id, tmp / "paquet.zip", with_images=False)
    return bundle, codes


def test_the_signed_slips_match_the_log(counted: tuple[Path, list[str]]) -> None:
    bundle, codes = counted
    report = verify_bundle(bundle, slips=codes)
    assert report.ok, report.failure and report.failure.message
    step = next(s for s in report.steps if s.name == "slips")
    assert step.summary.startswith("2 bordereaux conformes au journal")


def _fails(bundle: Path, code: str, reason: str) -> str:
    report = verify_bundle(bundle, slips=[code])
    assert report.failure is not None
    assert report.failure.code == reason
    assert report.failure.where == f"bordereau {code}"
    return report.failure.message


def _other_hash(code: str) -> str:
    """The same slip with another entry hash: what a log rewritten after the signature shows."""
    import hashlib

    return code.rsplit(":", 1)[0] + ":" + hashlib.sha256(code.encode()).hexdigest().upper()


def test_a_slip_whose_hash_differs_from_the_log_fails(counted: tuple[Path, list[str]]) -> None:
    bundle, codes = counted
    message = _fails(bundle, _other_hash(codes[0]), "slip_mismatch")
    assert "a été changé après la signature du bordereau" in message


def _swap_two_different_digits(code: str, start: int) -> str:
    """Swap the first two neighbouring digits from `start` that differ: swapping two equal
    digits typed the right code (a random code has two equal neighbours at `start` once in 16
    runs, and the test failed then)."""
    i = next(i for i in range(start, len(code) - 1) if code[i] != code[i + 1])
    return code[:i] + code[i + 1] + code[i] + code[i + 2 :]


@pytest.mark.parametrize(
    "mistype",
    [
        lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"),  # the last digit (issue 10)
        lambda c: _swap_two_different_digits(c, 40),  # two digits swapped
        lambda c: c[:30] + c[31:],  # a digit left out
        lambda c: c.lower(),  # typed in lower case: still the same code
    ],
)
def test_a_mistyped_code_matches_no_slip_and_never_suggests_tampering(
    counted: tuple[Path, list[str]], mistype
) -> None:
    bundle, codes = counted
    typed = mistype(codes[1])
    report = verify_bundle(bundle, slips=[typed])
    if typed == codes[1].lower():
        assert report.ok, report.failure and report.failure.message
        return
    assert report.failure is not None and report.failure.code == "slip_mistyped"
    message = report.failure.message
    assert message.startswith("Aucun bordereau ne porte ce code")
    assert "erreur de saisie" in message and "a été changé" not in message


def test_a_code_pointing_at_an_entry_that_is_no_such_checkpoint_matches_no_slip(
    counted: tuple[Path, list[str]],
) -> None:
    bundle, codes = counted
    kind, tag, seq, batch, digest = codes[0].split(":")[1:]
    other = _other_hash(f"BPTA1:{kind}:{tag}:2:{batch}:{digest}")
    message = _fails(bundle, other, "slip_unknown")
    assert message.startswith("Aucun bordereau ne porte ce code") and "changé" not in message
    moved = f"BPTA1:{kind}:{tag}:{int(seq) + 123}:{batch}:{digest}"  # a mistyped seq
    message = _fails(bundle, moved, "slip_mistyped")
    assert f"du code du bordereau de l'entrée n° {seq}" in message


def test_other_sessions_missing_entries_and_garbage_fail(counted: tuple[Path, list[str]]) -> None:
    bundle, codes = counted
    kind, tag, seq, batch, digest = codes[1].split(":")[1:]
    other_tag = "".join("A" if c != "A" else "B" for c in tag)  # every character differs
    _fails(bundle, f"BPTA1:{kind}:{other_tag}:{seq}:{batch}:{digest}", "slip_other_session")
    _fails(bundle, _other_hash(f"BPTA1:{kind}:{tag}:{int(seq) + 50}:{batch}:{digest}"),
           "slip_missing")  # fmt: skip
    _fails(bundle, "BPTA1:LOT:pas un code", "slip_unreadable")
