"""Paper survey forms: the same page furniture as a ballot (ArUco markers, MAC'd QR code, boxes
with a blank ring), so that the ballot reader reads them back unchanged.

A form is a `BallotLayout` whose rule is `survey` and whose `groups` say which boxes answer
which question (one answer at most for `single`, any for `multiple`) and where the free-text
zone is. The QR carries no serial: a survey is anonymous, every form of a survey is the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from ballots.atomic import write_with
from ballots.ballot_page import BOX_LINE, draw_examples, draw_markers
from ballots.errors import Cancelled, CountError, LayoutError
from ballots.geometry import (
    BOX_RING,
    LABEL_GAP,
    LABEL_LIFT,
    MARGIN,
    PAGE_H,
    PAGE_W,
    QR_RECT,
    marker_layouts,
)
from ballots.i18n import _
from ballots.layout import (
    BallotLayout,
    BoxLayout,
    CampaignRef,
    GroupLayout,
    PageInfo,
    Rect,
    ResidenceRef,
    StyleRef,
    with_template_hash,
)
from ballots.model import Campaign, VotingRule
from ballots.payload import Payload, encode_text
from ballots.render import CancelFlag, draw_qr
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE_GREY,
    WHITE,
    Pen,
    fit,
    line_height_mm,
    wrap,
)

SURVEY_STYLE_BASE = 0xF000  # survey n uses style index 0xF000 + n: far from any ballot style
MAX_SURVEY_NUMBER = 0xFFF
MAX_FORMS = 5_000
MAX_BOXES = 30
TOP = 60.0
BOTTOM = 264.0
BOX_W, BOX_H = 10.0, 7.5
PITCH = 13.0
COLUMN_GAP = 8.0
ZONE_H = 40.0
QUESTION_GAP = 5.0
HEAD_SIZE = 12.5
HINT_SIZE = 10.0
CONTENT_W = PAGE_W - 2 * MARGIN
Progress = Callable[[int, int], None]


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"


@dataclass(frozen=True)
class SurveyQuestion:
    """One question as printed. A scale has no options: it prints 1 to 5 with its two ends."""

    id: str
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    low_label: str = ""
    high_label: str = ""

    def choices(self) -> tuple[str, ...]:
        if self.kind is QuestionKind.SCALE:
            return ("1", "2", "3", "4", "5")
        return self.options if self.kind is not QuestionKind.TEXT else ()


@dataclass(frozen=True)
class SurveySpec:
    campaign: Campaign
    number: int
    title: str
    intro: str
    questions: tuple[SurveyQuestion, ...]

    @property
    def style_index(self) -> int:
        return SURVEY_STYLE_BASE + self.number


@dataclass(frozen=True)
class _Placed:
    """Where one question went: heading baseline, its boxes (with texts) or its zone."""

    question: SurveyQuestion
    number: int
    head: tuple[str, ...]
    head_y: float
    hint_y: float
    boxes: tuple[BoxLayout, ...]
    zone: Rect | None


@dataclass(frozen=True)
class PreparedSurvey:
    spec: SurveySpec
    layout: BallotLayout
    placed: tuple[_Placed, ...]


def hint(question: SurveyQuestion) -> str:
    if question.kind is QuestionKind.SINGLE:
        return _("Une seule réponse.")
    if question.kind is QuestionKind.MULTIPLE:
        return _("Plusieurs réponses possibles.")
    if question.kind is QuestionKind.SCALE:
        if question.low_label and question.high_label:
            return _("Une seule case, de 1 ({low}) à 5 ({high}).").format(
                low=question.low_label, high=question.high_label
            )
        return _("Une seule case, de 1 à 5.")
    return _("Écrivez votre réponse dans le cadre.")


def _heading(question: SurveyQuestion, number: int) -> tuple[str, ...]:
    text = _("{n}. {question}").format(n=number, question=question.text)
    return fit(text, FONT_BOLD, CONTENT_W, 2, HEAD_SIZE, 11).lines


def _option_boxes(question: SurveyQuestion, top: float) -> tuple[list[BoxLayout], float]:
    """Boxes in rows of two (choices) or one row of five (scale); returns them and the bottom."""
    choices = question.choices()
    columns = 5 if question.kind is QuestionKind.SCALE else 2
    width = (CONTENT_W - (columns - 1) * COLUMN_GAP) / columns
    boxes = []
    for j, text in enumerate(choices):
        row, column = divmod(j, columns)
        left = MARGIN + column * (width + COLUMN_GAP)
        y = top + row * PITCH
        rect = Rect(left, y, BOX_W, BOX_H).rounded()
        label_x = left + BOX_W + LABEL_GAP
        label = Rect(label_x, y - LABEL_LIFT, left + width - label_x, PITCH - BOX_RING).rounded()
        boxes.append(BoxLayout(f"{question.id}.{j + 1}", j + 1, text, 0, rect, label))
    rows = math.ceil(len(choices) / columns)
    return boxes, top + rows * PITCH - BOX_RING


def _place(spec: SurveySpec) -> list[_Placed]:
    y = TOP
    placed = []
    for number, question in enumerate(spec.questions, start=1):
        head = _heading(question, number)
        head_y = y + 4.5
        hint_y = head_y + (len(head) - 1) * line_height_mm(HEAD_SIZE) + 4.8
        body = hint_y + 1.5 + BOX_RING + 0.5
        if question.kind is QuestionKind.TEXT:
            zone = Rect(MARGIN, body, CONTENT_W, ZONE_H).rounded()
            boxes: list[BoxLayout] = []
            bottom = zone.bottom
        else:
            zone = None
            boxes, bottom = _option_boxes(question, body + LABEL_LIFT)
        if bottom > BOTTOM:
            raise LayoutError(
                _(
                    "Le questionnaire ne tient pas sur une page (question {n}) : retirez une "
                    "question ou des réponses, ou raccourcissez les textes."
                ).format(n=number),
                field="questions",
            )
        placed.append(_Placed(question, number, head, head_y, hint_y, tuple(boxes), zone))
        y = bottom + QUESTION_GAP
    return placed


def check_spec(spec: SurveySpec) -> None:
    """Refuse a form that cannot be printed or read, with a French message."""
    if not spec.questions:
        raise LayoutError(_("Ajoutez au moins une question."), field="questions")
    if not 1 <= spec.number <= MAX_SURVEY_NUMBER:
        raise LayoutError(_("Numéro de questionnaire invalide."), field="number")
    boxes = sum(len(q.choices()) for q in spec.questions)
    if boxes > MAX_BOXES:
        raise LayoutError(
            _("{n} cases à cocher : un questionnaire en contient au plus {max}.").format(
                n=boxes, max=MAX_BOXES
            ),
            field="questions",
        )
    if sum(q.kind is QuestionKind.TEXT for q in spec.questions) > 1:
        raise LayoutError(_("Un seul cadre de texte libre par questionnaire."), field="questions")


def prepare_survey(spec: SurveySpec) -> PreparedSurvey:
    """Check and lay out the form: raises a typed `LayoutError` before anything is printed."""
    check_spec(spec)
    placed = _place(spec)
    boxes: list[BoxLayout] = []
    groups = []
    for p in placed:
        indices = tuple(range(len(boxes), len(boxes) + len(p.boxes)))
        boxes.extend(p.boxes)
        kind = "multiple" if p.question.kind is QuestionKind.MULTIPLE else "single"
        if p.question.kind is QuestionKind.TEXT:
            kind = "text"
        groups.append(GroupLayout(p.question.id, kind, indices, p.zone))
    c = spec.campaign
    layout = BallotLayout(
        template_hash="",
        campaign=CampaignRef(c.id, c.short_code, c.name, c.tag.hex()),
        residence=ResidenceRef("", ""),
        style=StyleRef(spec.style_index, _("Questionnaire {n}").format(n=spec.number), "fr", False),
        page=PageInfo(PAGE_W, PAGE_H, 1, 1),
        rule=VotingRule.survey(),
        boxes=tuple(boxes),
        qr=QR_RECT,
        markers=marker_layouts(1),
        groups=tuple(groups),
    )
    return PreparedSurvey(spec, with_template_hash(layout), tuple(placed))


def render_survey(
    prepared: PreparedSurvey,
    out: Path,
    *,
    key: bytes,
    count: int,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Path:
    """Write `count` identical forms to `out` atomically (one A4 page each)."""
    if not 1 <= count <= MAX_FORMS:
        raise CountError(
            _("Nombre de questionnaires invalide : {count} (entre 1 et {max}).").format(
                count=count, max="5 000"
            ),
            field="count",
        )
    layout = prepared.layout
    payload = Payload(
        bytes.fromhex(layout.campaign.tag), layout.template_prefix, layout.style.index, 1, False,
        prepared.spec.number, None,
    )  # fmt: skip
    qr_text = encode_text(payload, key)

    def write(tmp: Path) -> None:
        canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1, invariant=1)
        canvas.setTitle(prepared.spec.title)
        canvas.setAuthor("BP Terrain")
        pen = Pen(canvas)
        canvas.beginForm("survey")
        draw_form(pen, prepared)
        draw_qr(pen, layout, qr_text)
        canvas.endForm()
        for index in range(count):
            if cancel is not None and cancel.cancelled:
                raise Cancelled(_("Impression annulée."))
            canvas.doForm("survey")
            canvas.showPage()
            if progress is not None:
                progress(index + 1, count)
        canvas.save()

    write_with(out, write)
    return out


def draw_form(pen: Pen, prepared: PreparedSurvey) -> None:
    """Everything but the QR code."""
    draw_markers(pen, prepared.layout)
    _header(pen, prepared)
    _instructions(pen)
    for placed in prepared.placed:
        _question(pen, placed)
    note = _("Merci ! N'écrivez pas votre nom : ce questionnaire est anonyme.")
    pen.text(PAGE_W / 2, 272.0, note, 11, color=MUTED, align="center")


def _header(pen: Pen, prepared: PreparedSurvey) -> None:
    spec, left, width = prepared.spec, 26.0, 124.0
    name = fit(spec.campaign.name, FONT_BOLD, width, 1, 13, 10)
    pen.text(left, 15.0, name.lines[0], name.size, bold=True)
    title = fit(spec.title, FONT_BOLD, width, 1, 17, 12)
    pen.text(left, 23.0, title.lines[0], title.size, bold=True, color=ACCENT)
    intro = fit(spec.intro, FONT, width, 2, 11, 9) if spec.intro else None
    if intro is not None:
        pen.lines(left, 29.5, intro.lines, intro.size, color=MUTED)
    qr = prepared.layout.qr
    centre = qr.x_mm + qr.w_mm / 2
    code = fit(spec.campaign.short_code, FONT_BOLD, 40, 1, 12, 9)
    pen.text(centre, qr.bottom + 5.0, code.lines[0], code.size, bold=True, align="center")
    style = prepared.layout.style.name
    pen.text(centre, qr.bottom + 10.0, style, 10, color=MUTED, align="center")


def _instructions(pen: Pen) -> None:
    top, left = 43.0, MARGIN
    pen.rect(left, top, CONTENT_W, 12.0, fill=ACCENT_TINT, radius=2.0)
    pen.rect(left, top, 1.6, 12.0, fill=ACCENT)
    draw_examples(pen, left + 5, top + 3.0)


def _question(pen: Pen, placed: _Placed) -> None:
    pen.lines(MARGIN, placed.head_y, placed.head, HEAD_SIZE, bold=True)
    words = fit(hint(placed.question), FONT, CONTENT_W, 1, HINT_SIZE, 8)
    pen.text(MARGIN, placed.hint_y, words.lines[0], words.size, color=MUTED)
    if placed.zone is not None:
        z = placed.zone
        pen.rect(z.x_mm, z.y_mm, z.w_mm, z.h_mm, stroke=RULE_GREY, width_mm=0.3, radius=2.0)
        return
    scale = placed.question.kind is QuestionKind.SCALE
    for box in placed.boxes:
        r, label = box.rect, box.label
        pen.rect(r.x_mm, r.y_mm, r.w_mm, r.h_mm, fill=WHITE, stroke=INK, width_mm=BOX_LINE)
        baseline = label.y_mm + 5.2
        if scale:
            pen.text(label.x_mm, baseline, box.title, 13, bold=True, color=ACCENT)
            continue
        lines = wrap(box.title, FONT, 11.5, label.w_mm)
        size = 11.5 if len(lines) <= 2 else 10.0
        text = fit(box.title, FONT, label.w_mm, 2, size, 9)
        pen.lines(label.x_mm, baseline, text.lines, text.size, step=4.3)
