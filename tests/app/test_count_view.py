"""Read-only helpers of the count screens, on a real demo count (printed, marked, read)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.errors import UserError
from app.services import open_services
from app.services.counting import view as count_view
from app.services.counting.view import COUNTED, EMPTY, REVIEW
from app.services.demo.count import DEMO_PASSPHRASE
from tests.helpers.counting import stored


@pytest.fixture(scope="module")
def demo_count_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("count-view")
    with open_services(root / "data") as services:
        services.demo.create_demo()
        services.demo.create_demo_count(root / "scans")
    return root


@pytest.fixture
def counted(demo_count_dir, tmp_path):  # type: ignore[no-untyped-def]
    shutil.copytree(demo_count_dir, tmp_path / "copy")
    services = open_services(tmp_path / "copy" / "data")
    [session] = services.counting.list_sessions()
    yield services, session, tmp_path / "copy" / "scans"
    services.close()


def test_sheet_picture_is_upright_with_each_box_state(counted):
    services, session, _scans = counted
    [item] = services.counting.review_queue(session.id)
    pic = services.count_view.sheet_picture(session.id, item.sheet_id)
    assert pic.upright and pic.outcome == "pending" and pic.reasons == ("uncertain_mark",)
    image = cv2.imdecode(np.frombuffer(pic.png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image.shape == (1188, 840)  # A4 at 4 px/mm
    assert {b.number: b.state for b in pic.boxes} == {1: COUNTED, 2: EMPTY, 3: REVIEW, 4: EMPTY}
    # the upright page has the first box's cross where the layout says the box is
    x, y, w, h = (int(v * pic.px_per_mm) for v in pic.boxes[0].rect)
    assert image[y + 6 : y + h - 6, x + 6 : x + w - 6].mean() < 200
    crop = cv2.imdecode(
        np.frombuffer(count_view.box_crop(pic, pic.boxes[2].project_id), np.uint8), 0
    )
    assert crop.shape[0] == int((9 + 8) * 4) and crop.shape[1] > crop.shape[0]
    services.counting.decide(
        session.id, item.sheet_id, "marked", "vu", project_id=pic.boxes[2].project_id
    )
    after = services.count_view.sheet_picture(session.id, item.sheet_id)
    assert after.boxes[2].state == COUNTED and after.boxes[2].decided == "marked"
    assert after.outcome == "valid"


def test_sheet_lines_newest_first_and_reasons_in_french(counted):
    services, session, scans = counted
    lines = services.count_view.sheet_lines(session.id)
    assert len(lines) == 10 and lines[0].seq > lines[-1].seq
    # sheets are named by their image hash (never the scan's own name), recorded in any order
    names = {line.file_name for line in lines}
    assert {stored(scans / "scan-001.png"), stored(scans / "scan-002.png")} <= names
    assert "personne" in count_view.reason_text("uncertain_mark")
    assert "photocopie" in count_view.reason_text("duplicate_serial")
    assert count_view.reason_text("pas-un-code") == "pas-un-code"
    assert [n for _pid, n, _t in services.count_view.ballot_projects(session.id)] == [1, 2, 3, 4]


def test_hidden_machine_opinion_shows_doubt_until_decided(counted):
    services, session, scans = counted
    hidden = services.counting.open_session(
        session.residence_id, "Agnes", passphrase=DEMO_PASSPHRASE, hide_machine_opinion=True
    )
    services.counting.ingest(hidden.id, [scans / "scan-007.png"], workers=1)
    [line] = services.count_view.sheet_lines(hidden.id)
    pic = services.count_view.sheet_picture(hidden.id, line.sheet_id)
    assert all(b.state == REVIEW and b.machine is None for b in pic.boxes)


def test_camera_feed_captures_a_still_ballot_once(counted):
    services, session, scans = counted
    frame = cv2.imread(str(scans / "scan-001.png"))
    feed = count_view.CameraFeed(services.counting, session.id, frames=lambda: frame)
    steps = [feed.step() for _ in range(7)]
    captured = [s for s in steps if s.capture_png is not None]
    assert len(captured) == 1 and steps[0].preview_png.startswith(b"\x89PNG")
    assert "retirez" in steps[-1].message
    report = services.counting.ingest_capture(session.id, captured[0].capture_png)
    assert [r.status for r in report.recorded] == ["valid"]
    assert count_view.camera_available(99) is False


def test_explanation_and_exports(counted, tmp_path):
    services, session, _scans = counted
    e = services.count_view.explanation(session.residence_id)
    assert e.rule_text.startswith("Règle déclarée : le plus de voix")
    assert len(e.lines) == 4 and all("voix" in line for line in e.lines)
    assert e.equal_shares == ()
    out = services.public_results.export_public(session.residence_id, tmp_path / "r.csv")
    assert "Boîte à livres" in out.read_text(encoding="utf-8") or out.stat().st_size > 0
    with pytest.raises(UserError, match="inconnu"):
        services.public_results.export_public(session.residence_id, tmp_path / "r.xml")
    with pytest.raises(UserError, match="scellement"):
        services.count_report.export_report(session.residence_id, tmp_path / "pv.pdf")


def test_equal_shares_explanation_names_projects_and_shares(migrated_dir, tmp_path):
    services = open_services(migrated_dir)
    services.demo.create_demo()
    services.counting.set_results_rule(
        services.campaigns.get_campaign().id, "mes"
    )  # declared first
    # A budget of 15 000 € instead of the demo's 30 000 €: Equal Shares then funds two of the
    # four projects in its first round, where the demo's budget takes ~225 000 one-cent Add1
    # steps (a minute per run) to fund all four. What is checked here is the explanation.
    residence = services.campaigns.get_residence(services.demo.demo_residence_id())
    services.campaigns.update_residence(
        residence.id,
        name=residence.name,
        address=residence.address,
        dwellings=residence.dwellings,
        budget_cents=15_000_00,
    )
    session = services.demo.create_demo_count(tmp_path / "scans")
    res = services.counting.results(session.residence_id)
    assert res.equal_shares is not None and res.rule == "mes"
    e = services.count_view.explanation(session.residence_id)
    assert e.equal_shares[0].startswith("Chaque votant contrôlait au départ")
    paid = [line for line in e.equal_shares if line.startswith("Projet n° ")]
    assert len(paid) == len(res.selected) == 2 and all("ont payé" in line for line in paid)
    services.close()


def test_count_badge_is_the_sheets_waiting_in_open_counts_in_one_call(counted):
    services, session, scans = counted
    assert services.status.badges() == {"count": len(services.counting.review_queue(session.id))}
    assert services.status.badges() == {"count": 1}
    second = services.counting.open_session(
        session.residence_id, "Agnes", passphrase=DEMO_PASSPHRASE, hide_machine_opinion=True
    )
    services.counting.ingest(second.id, [scans / "scan-007.png"], workers=1)
    assert services.status.badges() == {"count": 2}  # every open count, in one call
    [item] = services.counting.review_queue(session.id)
    services.counting.decide(
        session.id, item.sheet_id, "invalid", "déchiré", witness="Karim Benali"
    )
    assert services.status.badges() == {"count": 1}
