"""The webcam path: synthetic video frames of a real printed, marked and rendered ballot go
through the scanner's still-ballot watcher; the captured frame is recorded by the count."""

from __future__ import annotations

import json

import cv2
import numpy as np
from PIL import Image

from app.services.counting.context import read_context
from app.services.counting.log import jsonl_path
from scanner.camera import StillBallotWatcher
from tests.helpers.counting import PASSPHRASE, make_setup, print_deck

FRAME = (2592, 1944)  # a 5 MP camera, landscape


def _frame(page: np.ndarray, dx: int, rng: np.random.Generator, blur: int = 0) -> np.ndarray:
    """The page lying on a dark table, slightly tilted, `dx` pixels to the right, in BGR."""
    h, w = page.shape
    fw, fh = FRAME
    scale = 0.92 * fh / h
    x0, y0 = 700 + dx, 0.04 * fh
    quad = np.float32(
        [[x0, y0], [x0 + w * scale, y0 + 25], [x0 + w * scale - 30, y0 + h * scale],
         [x0 + 15, y0 + h * scale - 10]]
    )  # fmt: skip
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, quad)
    img = cv2.warpPerspective(page, m, (fw, fh), flags=cv2.INTER_AREA, borderValue=60)
    if blur:
        img = cv2.blur(img, (blur, 1))  # the page slides sideways: motion blur
    noisy = img.astype(np.int16) + rng.normal(0, 3, img.shape).astype(np.int16)
    grey = np.clip(noisy, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def test_a_ballot_held_still_in_front_of_the_camera_is_captured_once_and_counted(
    services, tmp_path
):
    setup = make_setup(services)
    deck = print_deck(setup, [[1, 3]], tmp_path / "scans")
    page = np.asarray(Image.open(deck.files[0]).convert("L"))
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    with services.uow() as s:
        ctx = read_context(s, setup.campaign_id, "live")
    watcher = StillBallotWatcher(ctx)
    rng = np.random.default_rng(7)
    table = np.full((FRAME[1], FRAME[0], 3), 60, np.uint8)
    frames = [table]
    frames += [_frame(page, dx, rng, blur=21) for dx in (-300, -200, -100)]  # brought in
    frames += [_frame(page, 0, rng) for _ in range(8)]  # then held still
    states = [watcher.feed(f) for f in frames]
    assert states[0].registered is False
    captured = [i for i, st in enumerate(states) if st.reading is not None]
    assert len(captured) == 1 and captured[0] >= 4 + 3  # only after a few still frames
    reading = states[captured[0]].reading
    assert reading is not None and reading.status == "valid"
    assert set(reading.marked) == set(deck.marked[0])
    assert all(st.message == "captured" for st in states[captured[0] + 1 :])

    ok, png = cv2.imencode(".png", frames[captured[0]])  # what the screen hands the count
    assert ok
    report = services.counting.ingest_capture(session.id, png.tobytes(), ".png")
    [sheet] = report.recorded
    assert (sheet.status, sheet.reasons) == ("valid", ())
    again = services.counting.ingest_capture(session.id, png.tobytes(), ".png")
    assert again.recorded == () and len(again.already_known) == 1
    t = services.counting.status(session.id).tally
    assert (t.sheets, t.valid) == (1, 1)
    assert t.votes == {pid: 1 for pid in deck.marked[0]}
    entries = [
        json.loads(x) for x in jsonl_path(services.data_dir, session.id).read_bytes().splitlines()
    ]
    [ingested] = [e for e in entries if e["event"] == "sheet_ingested"]
    assert ingested["payload"]["source"] == "camera"
