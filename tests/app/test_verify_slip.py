"""`verify_bundle(..., slips=[...])`: the codes of slips signed on paper must match the log of
the bundle; a changed hash, another session's slip, an entry past the log's end or text that is
not a slip code each fail, naming the slip."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.audit import EventType
from app.services import open_services
from app.services.counting.log import load_entries
from app.services.counting.slip import build_slip
from app.verify import verify_bundle
from tests.helpers.verify import Counted, live_count, write_bundle


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A sealed count's bundle and the codes of its two slips (batch 1, then the seal)."""
    tmp = tmp_path_factory.mktemp("slips")
    services = open_services(tmp / "data")
    try:
        c: Counted = live_count(services, tmp / "scans", [[0], [1], []])
        with services.uow() as s:
            entries = load_entries(s, c.session_id)
        seqs = [e.seq for e in entries if e.event in (EventType.BATCH_CLOSED,
                                                      EventType.SESSION_SEALED)]  # fmt: skip
        codes = [build_slip(services, c.session_id, seq=seq).code for seq in seqs]
        bundle = write_bundle(services, c.session_id, tmp / "paquet.zip", with_images=False)
    finally:
        services.close()
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


def test_a_slip_whose_hash_differs_from_the_log_fails(counted: tuple[Path, list[str]]) -> None:
    bundle, codes = counted
    last = codes[0][-1]
    changed = codes[0][:-1] + ("0" if last != "0" else "1")
    message = _fails(bundle, changed, "slip_mismatch")
    assert "a été changé après la signature du bordereau" in message


def test_other_sessions_missing_entries_and_garbage_fail(counted: tuple[Path, list[str]]) -> None:
    bundle, codes = counted
    kind, tag, seq, batch, digest = codes[1].split(":")[1:]
    other_tag = "0" * 8 if tag != "0" * 8 else "1" * 8
    _fails(bundle, f"BPTA1:{kind}:{other_tag}:{seq}:{batch}:{digest}", "slip_other_session")
    _fails(bundle, f"BPTA1:{kind}:{tag}:{int(seq) + 50}:{batch}:{digest}", "slip_missing")
    _fails(bundle, "BPTA1:LOT:pas un code", "slip_unreadable")
