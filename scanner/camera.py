"""Live capture: say when a registered, readable ballot is held still in front of the camera.

The counting screen feeds every video frame to `StillBallotWatcher.feed`. Frames are cheap to
check (markers only; large frames are searched reduced); only once the four corners have stayed put for a few
frames is the full reader run. A ballot is captured once: the watcher waits for the sheet to
leave the view (or to move a lot) before it captures again, so a held sheet is never counted
twice by the camera.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner.context import ReadContext
from scanner.interpret import interpret_image
from scanner.loading import grey_from_array
from scanner.registration import Registration, detect_markers, register
from scanner.result import REJECTED, PageReading

log = logging.getLogger(__name__)

#: Largest corner movement between frames still counted as "held still", in mm of the page.
STILL_MM = 0.8
#: Consecutive still frames needed before reading.
STILL_FRAMES = 4


@dataclass(frozen=True, slots=True)
class CameraState:
    """What the screen shows: `reading` is set on the frame the ballot was captured."""

    registered: bool
    still_frames: int
    reading: PageReading | None = None
    message: str = ""


class StillBallotWatcher:
    """Stateful frame watcher; one per camera session."""

    def __init__(self, ctx: ReadContext, *, still_frames: int = STILL_FRAMES) -> None:
        self._ctx = ctx
        self._need = still_frames
        self._last: NDArray[np.float64] | None = None
        self._count = 0
        self._captured = False

    def _register(self, grey: NDArray[np.uint8]) -> Registration | None:
        first = self._ctx.templates[0]
        reg = register(
            detect_markers(grey), self._ctx.markers_by_page(), (first.width_mm, first.height_mm)
        )
        return reg if isinstance(reg, Registration) else None

    def _corners(self, reg: Registration) -> NDArray[np.float64]:
        tpl = self._ctx.templates[0]
        pts = np.array(
            [[0, 0], [tpl.width_mm, 0], [tpl.width_mm, tpl.height_mm], [0, tpl.height_mm]],
            dtype=np.float64,
        ).reshape(-1, 1, 2)
        out = cv2.perspectiveTransform(pts, reg.matrix())
        return np.asarray(out, dtype=np.float64).reshape(-1, 2)

    def feed(self, frame: NDArray[np.uint8]) -> CameraState:
        """Check one frame (BGR or grey); returns the reading on the capture frame."""
        if not self._ctx.templates:
            return CameraState(False, 0, message="no_layout")
        grey = grey_from_array(frame)
        reg = self._register(grey)
        if reg is None:
            self._last, self._count, self._captured = None, 0, False
            return CameraState(False, 0, message="no_ballot")
        corners = self._corners(reg)
        moved = np.inf if self._last is None else float(np.abs(corners - self._last).max())
        self._last = corners
        if moved / reg.px_per_mm > STILL_MM:
            self._count = 1
            if moved / reg.px_per_mm > 10 * STILL_MM:
                self._captured = False
            return CameraState(True, self._count, message="hold_still")
        self._count += 1
        if self._captured or self._count < self._need:
            return CameraState(True, self._count, message="captured" if self._captured else "")
        reading = interpret_image(grey, self._ctx, file="camera")
        if reading.status == REJECTED and "qr_unreadable" in reading.reasons:
            return CameraState(True, self._count, message="qr_unreadable")
        self._captured = True
        return CameraState(True, self._count, reading=reading, message="captured")
