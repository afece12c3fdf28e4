"""The reader's pipeline for one page: register, identify, measure, decide, apply the rule."""

from __future__ import annotations

import logging
from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray

from scanner import qr
from scanner.context import ReadContext
from scanner.identity import Identity, check_identity
from scanner.landmarks import register_partial
from scanner.marks import PX, BoxMeasure, box_window, decide, measure_box
from scanner.page import is_blank, marks_near_titles, remove_streaks, title_windows, upright
from scanner.reasons import Reason
from scanner.registration import (
    Detected,
    Registration,
    RegistrationFailure,
    detect_markers,
    erase_thin_lines,
    estimate_scale,
    register,
)
from scanner.result import (
    BLANK,
    MARKED,
    NEEDS_REVIEW,
    REJECTED,
    REVIEW,
    VALID,
    MarkReading,
    PageReading,
    RegistrationInfo,
    ZoneCrop,
)
from scanner.rules import page_rule_reasons
from scanner.template import Template

log = logging.getLogger(__name__)


def _rejected(base: PageReading, *reasons: Reason) -> PageReading:
    return replace(base, status=REJECTED, reasons=tuple(str(r) for r in reasons))


#: Registration failures worth a second marker search on the image without thin lines.
_RETRY = frozenset(
    {
        Reason.MARKERS_INCOMPLETE,
        Reason.REGISTRATION_POOR,
        Reason.MARKER_SIZE_INCONSISTENT,
    }
)


#: Registration failures where the QR code and the boxes may stand in for missing markers.
_PARTIAL = frozenset({Reason.MARKERS_INCOMPLETE, Reason.NO_MARKERS})


def register_page(
    grey: NDArray[np.uint8], ctx: ReadContext
) -> tuple[Registration | RegistrationFailure, Template | None, list[Detected]]:
    """Register on the image; when that fails, once more with folds and streaks erased.

    The second attempt passes the same quality checks, so it never accepts a worse fit: it
    only gives the marker search a chance when a crease or a streak touches a marker. The
    markers used are returned, for a second fit against the layout the QR names.
    """
    detected = detect_markers(grey)
    reg, tpl = _register_detected(grey, detected, ctx)
    if isinstance(reg, RegistrationFailure) and reg.reason in _RETRY:
        clean = erase_thin_lines(grey, estimate_scale(grey, detected))
        found = detect_markers(clean)
        again, tpl2 = _register_detected(clean, found, ctx)
        if isinstance(again, Registration):
            log.debug("registered after erasing thin lines (first: %s)", reg.reason)
            return again, tpl2, found
    return reg, tpl, detected


def _register_detected(
    grey: NDArray[np.uint8], detected: list[Detected], ctx: ReadContext
) -> tuple[Registration | RegistrationFailure, Template | None]:
    if not detected:
        # A sheet seen through from the back (or a mirrored photo) has mirrored markers.
        if detect_markers(np.ascontiguousarray(grey[:, ::-1])):
            return RegistrationFailure(Reason.MIRRORED, "markers read mirrored"), None
        return RegistrationFailure(Reason.NO_MARKERS, "none"), None
    by_page = ctx.markers_by_page()
    first = ctx.templates[0]
    reg = register(detected, by_page, (first.width_mm, first.height_mm))
    if isinstance(reg, RegistrationFailure):
        return reg, None
    return reg, ctx.first_for_page(reg.page)


def _read_qr(grey: NDArray[np.uint8], reg: Registration, tpl: Template) -> list[str]:
    texts, decoder = qr.decode_region(grey, reg.matrix(), tpl.qr, reg.px_per_mm)
    if not texts:
        texts, decoder = qr.decode_anywhere(grey)
    log.debug("QR decoded by %s", decoder or "nobody")
    return texts


def interpret_image(
    grey: NDArray[np.uint8], ctx: ReadContext, *, file: str = "", page: int = 1, sha: str = ""
) -> PageReading:
    """Read one grey page image against the context: never raises for a bad image."""
    base = PageReading(file=file, page=page, status=REJECTED, file_sha256=sha)
    if not ctx.templates:
        return _rejected(base, Reason.LAYOUT_UNKNOWN)
    reg, guess, detected = register_page(grey, ctx)
    if isinstance(reg, RegistrationFailure):
        if reg.reason is Reason.NO_MARKERS and is_blank(grey):
            return replace(base, status=BLANK, reasons=(str(Reason.BLANK_PAGE),))
        if reg.reason not in _PARTIAL:
            return _rejected(base, reg.reason)
        part = register_partial(grey, detected, ctx, reg)
        if part.registration is None or part.template is None:
            advice = part.failure.advice if part.failure is not None else ()
            return _rejected(base, reg.reason, *advice)
        log.debug("registered on landmarks (first: %s)", reg.reason)
        reg, guess = part.registration, part.template
    assert guess is not None
    info = RegistrationInfo(reg.marker_ids, reg.rotation, reg.px_per_mm, reg.reproj_error_mm)
    base = replace(base, registration=info)
    texts = _read_qr(grey, reg, guess)
    if not texts:
        return _rejected(base, Reason.QR_UNREADABLE)
    ident = check_identity(texts, ctx)
    if ident.template is None:
        return _rejected(replace(base, serial_check=ident.serial_check), *ident.reasons)
    base = _with_identity(base, ident)
    tpl = ident.template
    if tpl.markers != guess.markers:
        again = register(detected, {tpl.page_number: tpl.markers}, (tpl.width_mm, tpl.height_mm))
        if isinstance(again, RegistrationFailure):
            return _rejected(base, again.reason)
        reg = again
    reasons = list(ident.reasons)
    if reg.page != tpl.page_number and Reason.PAGE_MISMATCH not in reasons:
        reasons.append(Reason.PAGE_MISMATCH)
    marks, page_reasons = read_marks(grey, reg, tpl, ctx)
    base = replace(base, marks=marks, zones=crop_zones(grey, reg, tpl))
    if reasons:
        return _rejected(base, *reasons)
    status = NEEDS_REVIEW if page_reasons or any(m.decision == REVIEW for m in marks) else VALID
    return replace(base, status=status, reasons=tuple(str(r) for r in page_reasons))


def crop_zones(grey: NDArray[np.uint8], reg: Registration, tpl: Template) -> tuple[ZoneCrop, ...]:
    """The free-text zones of a survey form, cut from the upright page (none on a ballot)."""
    zones = [g for g in tpl.groups if g.zone is not None]
    if not zones:
        return ()
    canon = upright(grey, reg.matrix(), tpl, reg.px_per_mm)
    out = []
    for group in zones:
        z = group.zone
        assert z is not None
        x0, y0 = max(0, int(round(z.x * PX))), max(0, int(round(z.y * PX)))
        x1, y1 = int(round((z.x + z.w) * PX)), int(round((z.y + z.h) * PX))
        ok, png = cv2.imencode(".png", canon[y0:y1, x0:x1])
        if ok:
            out.append(ZoneCrop(group.id, png.tobytes()))
    return tuple(out)


def _with_identity(base: PageReading, ident: Identity) -> PageReading:
    tpl = ident.template
    assert tpl is not None
    return replace(
        base,
        residence=tpl.residence_id,
        style=tpl.style_index,
        template_hash=tpl.template_hash,
        mode=ident.mode,
        batch=ident.batch,
        serial_check=ident.serial_check,
        serial_hash=ident.serial_hash,
    )


def read_marks(
    grey: NDArray[np.uint8], reg: Registration, tpl: Template, ctx: ReadContext
) -> tuple[tuple[MarkReading, ...], list[Reason]]:
    """Measure and decide every box, then apply the page-level checks and the voting rule."""
    windows = [box_window(b.rect) for b in tpl.boxes] + title_windows(tpl)
    canon = upright(remove_streaks(grey), reg.matrix(), tpl, reg.px_per_mm, windows)
    measures = [measure_box(canon, b.rect) for b in tpl.boxes]
    outlines = [m.outline for m in measures if m.found]
    ref = float(np.median(outlines)) if outlines else 0.5
    near_title = marks_near_titles(canon, tpl, max(ref, 0.2))
    marks = []
    flagged = False
    for i, (box, m) in enumerate(zip(tpl.boxes, measures, strict=True)):
        decision, why = decide(m, ctx.thresholds)
        if i in near_title and decision != MARKED:
            # A stroke beside a marked box is its own overshoot; beside another box it may
            # be a circle around the title: a person decides.
            decision, why = REVIEW, (*why, Reason.MARK_NEAR_TITLE)
            flagged = True
        marks.append(_reading(box.project_id, box.number, decision, why, m))
    page_reasons: list[Reason] = []
    if flagged:
        page_reasons.append(Reason.MARK_NEAR_TITLE)
    page_reasons += page_rule_reasons(tpl, marks, measures, ctx.thresholds)
    return tuple(marks), page_reasons


def _reading(
    pid: str, number: int | str, decision: str, why: tuple[Reason, ...], m: BoxMeasure
) -> MarkReading:
    return MarkReading(
        project_id=pid,
        number=number,
        decision=decision,
        score=m.fill,
        span=m.span,
        intensity=m.intensity,
        ring=m.ring,
        ring_sectors=m.ring_sectors,
        outline=m.outline,
        offset_mm=m.offset_mm,
        reasons=tuple(dict.fromkeys(str(r) for r in why)),
        scatter=m.scatter,
        blobs=m.blobs,
    )
