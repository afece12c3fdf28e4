"""Read-only helpers for the Dépouillement and Résultats screens.

The screens must not decode images, register pages or touch the database: this module does it
and hands back plain frozen data with PNG bytes. A sheet is shown upright in the layout's frame
(the page warped through the same registration the reader uses), so its boxes can be outlined
exactly where they are printed, each with what it counts as now: the machine's reading with the
people's latest decisions laid over it. Nothing here writes anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from numpy.typing import NDArray

from app.domain.counting import models as cm
from app.domain.counting.labels import reason_text as reason_text  # the screens read it here
from app.domain.counting.labels import reasons_text as reasons_text
from app.domain.counting.tally import latest_decisions, resolve_all
from app.domain.money import format_euros
from app.errors import NotFound, UserError
from app.i18n import N_, _, ngettext
from app.services.counting.context import campaign_templates, read_context
from app.services.counting.read import load_facts
from app.services.counting.store import find_image
from app.storage.count_tables import CountSessionRow
from scanner.camera import StillBallotWatcher
from scanner.loading import iter_pages
from scanner.registration import Registration, detect_markers, register
from scanner.template import Template

if TYPE_CHECKING:
    from pathlib import Path

    from app.services.counting.results import ResidenceResults
    from app.services.counting.service import CountingService

log = logging.getLogger(__name__)

COUNTED, EMPTY, REVIEW = "counted", "empty", "review"  # how a box is outlined on screen
PX_PER_MM = 4.0  # an A4 page shown at 840 x 1188 pixels: sharp enough to read handwriting


@dataclass(frozen=True)
class BoxView:
    """One printed box, in millimetres of the page, and how it counts now."""

    project_id: str
    number: int | str
    title: str
    rect: tuple[float, float, float, float]  # x, y, w, h in mm
    label: tuple[float, float, float, float] | None
    state: str  # COUNTED, EMPTY or REVIEW
    machine: str | None  # the reader's decision (None when the session hides it)
    decided: str | None  # the latest person's decision on this box, if any


@dataclass(frozen=True)
class SheetPicture:
    """A sheet ready to show: upright PNG (when registered) and its boxes."""

    sheet_id: str
    png: bytes
    px_per_mm: float
    upright: bool  # False: the raw scan (not registered), boxes cannot be placed
    boxes: tuple[BoxView, ...]
    outcome: str
    reasons: tuple[str, ...]
    file_name: str
    page: int


@dataclass(frozen=True)
class SheetLine:
    """One row of the list of sheets read, newest first."""

    sheet_id: str
    seq: int
    file_name: str
    page: int
    outcome: str
    reasons: tuple[str, ...]
    hand_keyed: bool


# --- facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    session: cm.CountSession
    sheets: dict[str, cm.SheetFacts]
    outcomes: dict[str, cm.SheetOutcome]
    decided: dict[str, dict[tuple[str, str | None], cm.DecisionFacts]]
    templates: dict[str, Template]


def _reasons(sheet: cm.SheetFacts, out: cm.SheetOutcome) -> tuple[str, ...]:
    """Why the sheet waits or was refused: page reasons, then those of the boxes in doubt."""
    boxes = (r for pid, rs in sheet.box_reasons if pid in out.doubtful for r in rs)
    return tuple(dict.fromkeys((*out.waiting, *sheet.reasons, *boxes)))


def _box_views(facts: _Facts, sheet: cm.SheetFacts, tpl: Template) -> tuple[BoxView, ...]:
    out = facts.outcomes[sheet.id]
    decided = facts.decided.get(sheet.id, {})
    machine = {pid: value for pid, value, _score in sheet.marks}
    hide = facts.session.hide_machine_opinion
    views = []
    for box in tpl.boxes:
        person = decided.get(("box", box.project_id))
        value = person.value if person else machine.get(box.project_id, "")
        if box.project_id in out.doubtful or value == "review":
            state = REVIEW
        else:
            state = COUNTED if value == "marked" else EMPTY
        if hide and person is None and out.outcome == cm.PENDING:
            state = REVIEW  # the machine's opinion stays hidden until a person decides
        lab = box.label
        views.append(
            BoxView(
                project_id=box.project_id,
                number=box.number,
                title=box.title,
                rect=(box.rect.x, box.rect.y, box.rect.w, box.rect.h),
                label=(lab.x, lab.y, lab.w, lab.h) if lab else None,
                state=state,
                machine=None if hide else machine.get(box.project_id),
                decided=person.value if person else None,
            )
        )
    return tuple(views)


# --- images -----------------------------------------------------------------------------------


def _upright(grey: NDArray[np.uint8], tpl: Template, px: float) -> NDArray[np.uint8] | None:
    reg = register(
        detect_markers(grey), {tpl.page_number: tpl.markers}, (tpl.width_mm, tpl.height_mm)
    )
    if not isinstance(reg, Registration):
        return None
    m = reg.matrix() @ np.diag([1.0 / px, 1.0 / px, 1.0])
    size = (int(round(tpl.width_mm * px)), int(round(tpl.height_mm * px)))
    flags = cv2.INTER_AREA | cv2.WARP_INVERSE_MAP
    out = cv2.warpPerspective(grey, m, size, flags=flags, borderValue=255)
    return np.asarray(out, dtype=np.uint8)


def _png(grey: NDArray[np.uint8], max_side: int = 1400) -> bytes:
    h, w = grey.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f < 1.0:
        grey = np.asarray(
            cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), np.uint8
        )
    ok, data = cv2.imencode(".png", grey)
    if not ok:
        raise UserError(_("Impossible de préparer l'image de la feuille."))
    return bytes(data.tobytes())


def _sheet(facts: _Facts, sheet_id: str) -> cm.SheetFacts:
    sheet = facts.sheets.get(sheet_id)
    if sheet is None:
        raise NotFound(_("Feuille introuvable dans cette session ({id}).").format(id=sheet_id))
    return sheet


def box_crop(picture: SheetPicture, project_id: str, margin_mm: float = 4.0) -> bytes:
    """The box and its printed label, cut from an upright sheet picture (PNG bytes)."""
    box = next((b for b in picture.boxes if b.project_id == project_id), None)
    if box is None or not picture.upright:
        return b""
    grey = np.asarray(
        cv2.imdecode(np.frombuffer(picture.png, np.uint8), cv2.IMREAD_GRAYSCALE), dtype=np.uint8
    )
    x, y, w, h = box.rect
    right = box.label[0] + min(box.label[2], 90.0) if box.label else x + w
    px = picture.px_per_mm
    x0, y0 = int((x - margin_mm) * px), int((y - margin_mm) * px)
    x1, y1 = int((right + margin_mm) * px), int((y + h + margin_mm) * px)
    h_img, w_img = grey.shape
    crop = grey[max(0, y0) : min(h_img, y1), max(0, x0) : min(w_img, x1)]
    return _png(np.ascontiguousarray(crop))


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """What a resident can read: the rule, the decision order, and Equal Shares' shares."""

    rule_text: str
    lines: tuple[str, ...]  # one per project, in decision order
    equal_shares: tuple[str, ...]  # what each voter controlled, what supporters paid
    ties: tuple[str, ...]


def _euros(cents: Any) -> str:
    return format_euros(int(round(cents)))


def explain_results(res: ResidenceResults) -> Explanation:
    """The explanation of results already computed (the rule is not run again)."""
    budget = _euros(res.budget_cents)
    rule = _("Règle déclarée : {rule}. Budget de la résidence : {budget}.").format(
        rule=res.rule_label, budget=budget
    )
    lines, left = [], res.budget_cents
    for i, p in enumerate(res.projects, start=1):
        if p.status == "funded":
            left -= p.cost_cents
        lines.append(
            ngettext(
                "{i}. N° {n} « {title} » : {votes} voix, {cost} — {status}.",
                "{i}. N° {n} « {title} » : {votes} voix, {cost} — {status}.",
                p.votes,
            ).format(
                i=i,
                n=p.number if p.number is not None else "?",
                title=p.title,
                votes=p.votes,
                cost=_euros(p.cost_cents),
                status=p.status_label,
            )  # fmt: skip
        )
    ties = tuple(
        _("Égalité départagée ({how}), qui a changé le résultat.").format(how=t["criterion"])
        for t in res.ties
    )
    return Explanation(rule, tuple(lines), _equal_shares_text(res), ties)


def _equal_shares_text(res: Any) -> tuple[str, ...]:
    """Equal Shares: each voter's share and what each funded project's supporters paid."""
    details = res.equal_shares
    if details is None:
        return ()
    names = {
        p.project_id: _("n° {number} « {title} »").format(number=p.number, title=p.title)
        for p in res.projects
    }
    n = details.voters
    out = [
        ngettext(
            "Chaque votant contrôlait au départ {share} du budget ({n} votant).",
            "Chaque votant contrôlait au départ {share} du budget ({n} votants).",
            n,
        ).format(share=_euros(details.initial_share), n=n)
    ]
    if k := details.add1_steps:
        out.append(
            ngettext(
                "Après {k} relèvement, chaque part valait {share}.",
                "Après {k} relèvements, chaque part valait {share}.",
                k,
            ).format(k=k, share=_euros(details.final_share))
        )
    out.extend(_payment_text(names.get(p.project_id, p.project_id), p) for p in details.payments)
    return tuple(out)


def _payment_text(project: str, pay: Any) -> str:
    """One funded project under Equal Shares: its supporters, and how many paid a full share."""
    supporters = ngettext("{n} soutien", "{n} soutiens", pay.supporters).format(n=pay.supporters)
    paid = ngettext(
        "{full} a payé {share}", "{full} ont payé {share} chacun", pay.full_payers
    ).format(full=pay.full_payers, share=_euros(pay.share))
    return _("Projet {project} : {supporters}, {paid}.").format(
        project=project, supporters=supporters, paid=paid
    )


# --- webcam -----------------------------------------------------------------------------------

CAMERA_MESSAGES = {
    "no_layout": N_("Aucune mise en page de bulletin connue pour cette campagne."),
    "no_ballot": N_("Présentez un bulletin devant la caméra."),
    "hold_still": N_("Ne bougez plus le bulletin…"),
    "qr_unreadable": N_("Code QR illisible : rapprochez ou éclairez le bulletin."),
    "captured": N_("Bulletin lu : retirez-le et présentez le suivant."),
    "": N_("Bulletin repéré : ne bougez plus…"),
}


def camera_available(index: int = 0) -> bool:
    """True when a camera answers at `index` (OpenCV capture; Qt's multimedia is not shipped)."""
    capture = cv2.VideoCapture(index)
    try:
        return bool(capture.isOpened())
    finally:
        capture.release()


@dataclass(frozen=True)
class CameraStep:
    preview_png: bytes
    message: str
    capture_png: bytes | None  # set once, when a still, readable ballot was captured


class CameraFeed:
    """Frames from a camera (or any `frames()` source) through the scanner's still watcher."""

    def __init__(
        self,
        counting: CountingService,
        session_id: str,
        index: int = 0,
        frames: Callable[[], NDArray[np.uint8] | None] | None = None,
    ) -> None:
        session = counting.get_session(session_id)
        with counting.uow() as s:
            ctx = read_context(s, session.campaign_id, session.mode)
        self.watcher = StillBallotWatcher(ctx)
        self._capture = cv2.VideoCapture(index) if frames is None else None
        self._frames = frames

    def _frame(self) -> NDArray[np.uint8] | None:
        if self._frames is not None:
            return self._frames()
        assert self._capture is not None
        ok, frame = self._capture.read()
        return np.asarray(frame, dtype=np.uint8) if ok else None

    def step(self) -> CameraStep | None:
        """Read one frame; None when the camera gave nothing."""
        frame = self._frame()
        if frame is None:
            return None
        state = self.watcher.feed(frame)
        text = _(CAMERA_MESSAGES.get(state.message, CAMERA_MESSAGES[""]))
        ok, data = cv2.imencode(".png", frame)
        capture = bytes(data.tobytes()) if ok and state.reading is not None else None
        grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return CameraStep(_png(np.asarray(grey, dtype=np.uint8), 900), text, capture)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()


class CountView:
    """What the count screens show: sheet lines, pictures, projects, the explanation (`Services.count_view`)."""

    def __init__(self, *, counting: CountingService, data_dir: Path) -> None:
        self.counting = counting
        self.data_dir = data_dir

    def _facts(self, session_id: str) -> _Facts:
        counting = self.counting
        session = counting.get_session(session_id)
        with counting.uow() as s:
            row = s.get(CountSessionRow, session_id)
            assert row is not None
            templates = campaign_templates(s, row.campaign_id)
            sheets, decisions = load_facts(s, session_id)
        outs = resolve_all(sheets, decisions, templates)
        return _Facts(
            session,
            {f.id: f for f in sheets},
            {o.sheet_id: o for o in outs},
            latest_decisions(decisions),
            templates,
        )

    def sheet_lines(self, session_id: str, limit: int = 200) -> list[SheetLine]:
        """The session's sheets, newest first (the blank backs of duplex scans left out)."""
        facts = self._facts(session_id)
        lines = [
            SheetLine(f.id, f.seq, f.file_name, f.page, o.outcome, _reasons(f, o), f.hand_keyed)
            for f in facts.sheets.values()
            if (o := facts.outcomes[f.id]).outcome != cm.SKIPPED
        ]
        lines.sort(key=lambda line: -line.seq)
        return lines[:limit]

    def ballot_projects(self, session_id: str) -> list[tuple[str, int | str, str]]:
        """(project id, number, title) of the boxes on this residence's ballot, in printed order."""
        facts = self._facts(session_id)
        mine = [t for t in facts.templates.values() if t.residence_id == facts.session.residence_id]
        if not mine:
            return []
        return [(b.project_id, b.number, b.title) for b in mine[0].boxes]

    def _grey_page(self, sheet: cm.SheetFacts) -> NDArray[np.uint8] | None:
        path = find_image(self.data_dir, sheet.image_sha256) if sheet.image_sha256 else None
        if path is None:
            return None
        for source in iter_pages(path):
            if source.page == sheet.page:
                return source.image
        return None

    def sheet_picture(
        self, session_id: str, sheet_id: str, px_per_mm: float = PX_PER_MM
    ) -> SheetPicture:
        """The sheet upright with its boxes, or the raw scan when it cannot be registered."""
        facts = self._facts(session_id)
        sheet = _sheet(facts, sheet_id)
        out = facts.outcomes[sheet.id]
        tpl = facts.templates.get(sheet.template_hash or "")
        grey = self._grey_page(sheet)
        straight = _upright(grey, tpl, px_per_mm) if grey is not None and tpl is not None else None
        if straight is not None and tpl is not None:
            png, boxes, ok = _png(straight, 4000), _box_views(facts, sheet, tpl), True
        else:
            png = _png(grey) if grey is not None else b""
            boxes, ok = (), False
        reasons = _reasons(sheet, out)
        return SheetPicture(
            sheet.id, png, px_per_mm, ok, boxes, out.outcome, reasons, sheet.file_name, sheet.page
        )

    def explanation(self, residence_id: str) -> Explanation:
        """The explanation of a residence's results, in plain French."""
        return explain_results(self.counting.results(residence_id))
