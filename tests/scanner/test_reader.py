"""Registration, identity and mark decisions on real printed ballots, with every reason code."""

from __future__ import annotations

import cv2
import numpy as np

from benchmarks.scanner_eval.draw import Pen
from scanner import Reason, interpret_image, message
from scanner.reasons import MESSAGES
from tests.scanner.conftest import context, marked

PENCIL_FAINT = Pen("pencil", 200.0, 0.6, 0.0)


def _read(img, ctx):
    return interpret_image(img, ctx, file="x.png")


def _decisions(reading) -> list[str]:
    return [m.decision for m in reading.marks]


def test_four_orientations_and_marks(ballots) -> None:
    img = marked(ballots.approval, 0, {0: "cross", 2: "tick", 4: "dot"})
    for k in range(4):
        r = _read(np.ascontiguousarray(np.rot90(img, k)), ballots.ctx)
        assert r.status == "valid", (k, r.reasons)
        assert r.registration is not None and r.registration.rotation == (360 - 90 * k) % 360
        assert _decisions(r) == ["marked", "unmarked", "marked"] + ["unmarked"] * 3
        assert r.serial_check == "ok" and r.mode == "live" and r.serial_hash


def test_mirrored_page_is_rejected(ballots) -> None:
    r = _read(np.ascontiguousarray(ballots.approval.pages[0][:, ::-1]), ballots.ctx)
    assert r.status == "rejected"
    assert r.reasons == (Reason.MIRRORED,)


def test_three_markers_suffice_two_need_the_qr_and_the_boxes(ballots) -> None:
    img = ballots.approval.pages[0].copy()
    s = ballots.approval.dpi / 25.4
    img[: int(24 * s), : int(24 * s)] = 255  # top-left marker covered
    r = _read(img, ballots.ctx)
    assert r.status == "valid" and r.registration is not None
    assert r.registration.markers == (1, 2, 3)
    img[: int(24 * s), -int(24 * s) :] = 255  # and the top-right one
    r = _read(img, ballots.ctx)
    assert r.status == "valid", r.reasons  # two markers, the QR finders and the box outlines
    assert r.registration is not None and r.registration.markers == (2, 3)
    assert r.registration.reproj_error_mm < 0.2
    img[int(5 * s) : int(35 * s), -int(55 * s) :] = 255  # and the QR code: nothing to trust
    r = _read(img, ballots.ctx)
    assert r.status == "rejected"
    assert r.reasons == (
        Reason.MARKERS_INCOMPLETE,
        Reason.CORNER_HIDDEN_TOP_LEFT,
        Reason.CORNER_HIDDEN_TOP_RIGHT,
    )


def test_too_small_scale_is_rejected(ballots) -> None:
    small = cv2.resize(
        ballots.approval.pages[0], None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA
    )
    pad = cv2.copyMakeBorder(small, 200, 200, 200, 200, cv2.BORDER_CONSTANT, value=255)
    assert _read(pad, ballots.ctx).reasons[0] in (Reason.SCALE_OUT_OF_RANGE, Reason.NO_MARKERS)


def _detected(ballots, move: dict[int, tuple[float, float, float]]):
    """Marker corners as a 8 px/mm scan would show them; `move`: id -> (dx mm, dy mm, scale)."""
    from scanner.registration import Detected

    out = []
    for m in ballots.ctx.templates[0].markers:
        dx, dy, k = move.get(m.id, (0.0, 0.0, 1.0))
        cx, cy = m.rect.x + m.rect.w / 2, m.rect.y + m.rect.h / 2
        pts = tuple(
            ((cx + (x - cx) * k + dx) * 8 + 30, (cy + (y - cy) * k + dy) * 8 + 20)
            for x, y in m.rect.corners()
        )
        out.append(Detected(m.id, pts))
    return out


def test_registration_quality_checks(ballots) -> None:
    from scanner.registration import Registration, register

    by_page = ballots.ctx.markers_by_page()
    ok = register(_detected(ballots, {}), by_page, (210, 297))
    assert isinstance(ok, Registration) and abs(ok.px_per_mm - 8) < 0.01
    moved = _detected(ballots, {2: (8.0, 0.0, 1.0)})
    kept = register(moved, by_page, (210, 297))  # four seen: the odd one is left out
    assert isinstance(kept, Registration) and kept.marker_ids == (0, 1, 3)
    shifted = _detected(ballots, {2: (8.0, 0.0, 1.0)})[1:]
    assert register(shifted, by_page, (210, 297)).reason == Reason.REGISTRATION_POOR
    grown = _detected(ballots, {2: (0.0, 0.0, 1.3)})[1:]
    assert register(grown, by_page, (210, 297)).reason in (
        Reason.REGISTRATION_POOR,
        Reason.MARKER_SIZE_INCONSISTENT,
    )
    mixed = _detected(ballots, {})[:3]
    from scanner.registration import Detected

    mixed.append(Detected(7, mixed[0].corners))  # a marker of page 2
    assert register(mixed, by_page | {2: by_page[1]}, (210, 297)).reason == (
        Reason.MARKERS_INCONSISTENT
    )


def test_photo_of_something_else_and_blank_page(ballots) -> None:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (1200, 900), dtype=np.uint8)
    assert _read(noise, ballots.ctx).reasons == (Reason.NO_MARKERS,)
    blank = np.full((2339, 1654), 250, np.uint8)
    assert _read(blank, ballots.ctx).status == "blank"


def test_identity_checks(ballots) -> None:
    r = _read(ballots.other.pages[0], ballots.ctx)
    assert r.status == "rejected" and r.reasons == (Reason.WRONG_CAMPAIGN,)
    r = _read(ballots.test.pages[0], ballots.ctx)
    assert r.reasons == (Reason.TEST_BALLOT,) and r.mode == "test"
    test_ctx = context(ballots.approval, ballots.test, mode="test")
    assert _read(ballots.test.pages[0], test_ctx).status == "valid"
    assert _read(ballots.approval.pages[0], test_ctx).reasons == (Reason.LIVE_BALLOT_IN_TEST,)
    older = context(ballots.budget)  # same campaign, the approval layout is not known
    assert _read(ballots.approval.pages[0], older).reasons == (Reason.LAYOUT_UNKNOWN,)
    unrecorded = context(ballots.budget, ballots.test)
    unrecorded = type(unrecorded)(
        templates=ballots.ctx.templates,
        campaign_key=unrecorded.campaign_key,
        serial_lookup=lambda batch, serial: False if batch == 1 else None,
    )
    r = _read(ballots.approval.pages[0], unrecorded)
    assert r.reasons == (Reason.SERIAL_NOT_IN_BATCH,) and r.serial_check == "forged"


def test_forged_qr_and_unreadable_qr(ballots) -> None:
    from ballots.layout import layout_from_dict
    from benchmarks.scanner_eval.factory import make_spec, print_batch

    forged = print_batch(make_spec(6, "approval", 11), 1, b"x" * 32, batch=1)
    assert layout_from_dict(forged.layout).template_hash == ballots.approval.layout["template_hash"]
    r = _read(forged.pages[0], ballots.ctx)
    assert r.status == "rejected" and r.reasons == (Reason.QR_MAC_INVALID,)
    assert r.serial_check == "forged"
    img = ballots.approval.pages[0].copy()
    s = ballots.approval.dpi / 25.4
    img[int(9 * s) : int(29 * s), int(160 * s) : int(180 * s)] = 255
    assert _read(img, ballots.ctx).reasons == (Reason.QR_UNREADABLE,)


def test_review_reasons_for_boxes(ballots) -> None:
    img = marked(ballots.approval, 0, {1: "circle_around", 3: "circled_title"})
    r = _read(img, ballots.ctx)
    assert r.status == "needs_review"
    assert Reason.MARK_OUTSIDE_BOX in r.marks[1].reasons and r.marks[1].decision == "review"
    assert Reason.MARK_NEAR_TITLE in r.marks[3].reasons and r.marks[3].decision == "review"
    assert Reason.MARK_NEAR_TITLE in r.reasons


def test_line_across_box_and_uncertain(ballots) -> None:
    img = ballots.approval.pages[0].copy()
    s = ballots.approval.dpi / 25.4
    box = ballots.approval.layout["boxes"][2]
    y = int((box["y_mm"] + box["h_mm"] / 2) * s)
    cv2.line(img, (0, y), (img.shape[1], y), 90, 2)
    r = _read(img, ballots.ctx)
    assert r.marks[2].decision == "review"
    assert Reason.LINE_ACROSS_BOX in r.marks[2].reasons
    blob = ballots.approval.pages[0].copy()
    b = ballots.approval.layout["boxes"][0]
    cx, cy = int((b["x_mm"] + b["w_mm"] / 2) * s), int((b["y_mm"] + b["h_mm"] / 2) * s)
    cv2.circle(blob, (cx, cy), int(1.2 * s), 40, -1)  # a 2.4 mm blob: neither dot nor mark
    r = _read(blob, ballots.ctx)
    assert r.marks[0].decision == "review" and Reason.UNCERTAIN_MARK in r.marks[0].reasons


def test_page_rules_and_faint_marks(ballots) -> None:
    r = _read(
        marked(ballots.approval, 0, {0: "cross", 1: "cross", 2: "tick", 3: "full_fill"}),
        ballots.ctx,
    )
    assert r.status == "needs_review" and r.reasons == (Reason.TOO_MANY_CHOICES,)
    boxes = ballots.budget.layout["boxes"]
    every = {i: "cross" for i in range(len(boxes))}
    r = _read(marked(ballots.budget, 0, every), ballots.ctx)
    assert Reason.OVER_BUDGET in r.reasons
    faint = marked(ballots.approval, 0, {0: "full_fill"}, pen=PENCIL_FAINT)
    r = _read(faint, ballots.ctx)
    assert r.status == "needs_review" and Reason.FAINT_MARKS in r.reasons


def test_every_reason_has_a_french_message() -> None:
    assert set(MESSAGES) == set(Reason)
    for reason in Reason:
        assert message(reason).endswith((".", "?", ")")) and message(str(reason))


def test_same_bytes_same_json(ballots) -> None:
    img = marked(ballots.approval, 1, {0: "half_fill", 5: "stray_near"})
    a = _read(img, ballots.ctx).to_json_text()
    b = _read(img.copy(), ballots.ctx).to_json_text()
    assert a == b and '"serial"' not in a


def test_camera_captures_a_still_ballot_once(ballots) -> None:
    import random

    from benchmarks.scanner_eval import degrade
    from scanner import StillBallotWatcher

    photo = degrade.photo(
        marked(ballots.approval, 0, {1: "cross"}), random.Random(3), frame=(2592, 1944)
    )
    watcher = StillBallotWatcher(ballots.ctx, still_frames=3)
    nothing = np.full((1944, 2592), 90, np.uint8)
    assert watcher.feed(nothing).registered is False
    states = [watcher.feed(photo) for _ in range(5)]
    captured = [s.reading for s in states if s.reading is not None]
    assert len(captured) == 1 and captured[0].status == "valid"
    assert captured[0].marked == (ballots.approval.layout["boxes"][1]["project_id"],)
    shifted = np.roll(photo, 40, axis=1)
    assert watcher.feed(shifted).still_frames == 1  # moved: wait again
