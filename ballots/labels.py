"""Fitting a project's label (number, title, cost, description, picture) beside its box.

Titles wrap to two lines, then shrink to 12.5 pt (12 pt on crowded ballots), then are cut
with a warning; the description takes the lines left. A ballot with few projects uses larger
type (`LARGER_SIZES`, up to the 16 pt large-print size for descriptions), chosen for the whole
ballot by `ballots.render`. The label is a stack of lines whose first
line sits on the box's middle; a stack too tall for its row is lifted (never above its label),
its title lines brought closer, or the cost moved onto the title's line. In rows with room for
one line only (many projects), a two-line title is centred on its box with tight spacing, so
that it reads as one title. Nothing here reaches the 3 mm of blank paper around a box: labels
start 4 mm to its right.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ballots.fmt import money
from ballots.i18n import _
from ballots.ink import ink_extent_mm
from ballots.layout import BoxLayout, Rect
from ballots.model import Project
from ballots.style import (
    FONT,
    FONT_BOLD,
    LINE_SPACING,
    PT_TO_MM,
    Fitted,
    fit,
    line_height_mm,
    text_width_mm,
    wrap,
)

TITLE_SIZE = 14.0
TITLE_MIN = 12.5
DENSE_TITLE_SIZE = 13.0  # short rows (many projects): smaller start, down to the 12 pt minimum
DENSE_TITLE_MIN = 12.0
BODY_SIZE = 12.0
NUMBER_SIZE = 16.0
COST_SIZE = 13.0
MIN_PICTURE_LABEL_H = 16.0
WIDE_LABEL = 110.0  # mm: wide enough to put the cost on the title's line
TIGHT_SPACING = 1.05  # line spacing of a two-line title squeezed into a short row
CAP = 0.73  # cap height of DejaVu Sans, in em
MAX_DESCRIPTION_LINES = 6
DESCRIPTION_AIR = 1.5  # mm kept free below a description, on top of the 3 mm between rows
LARGE_BODY_SIZE = 16.0  # the large-print size: the most a description grows on a roomy ballot


@dataclass(frozen=True)
class TextSizes:
    """The type sizes of a label (pt); a ballot with few projects uses a larger set."""

    title: float
    title_min: float
    body: float
    number: float
    cost: float


NORMAL_SIZES = TextSizes(TITLE_SIZE, TITLE_MIN, BODY_SIZE, NUMBER_SIZE, COST_SIZE)
#: From the large-print size down to just above the normal one, tried in that order.
LARGER_SIZES = tuple(
    TextSizes(body + 2, body + 0.5, body, body + 4, body + 1)
    for body in (LARGE_BODY_SIZE, 15.0, 14.0, 13.0)
)


@dataclass(frozen=True)
class RenderWarning:
    """Something the preview shows: a title cut or shrunk, a description or picture left out."""

    project_id: str | None
    code: str
    message: str


@dataclass(frozen=True)
class LabelPlan:
    """Where each piece of a project's label goes, as baselines in mm from the page top.

    `cost_inline`: the cost is right-aligned on the title's first line, else on its own line.
    """

    box: BoxLayout
    title: Fitted
    description: tuple[str, ...]
    cost: str
    cost_inline: bool
    picture: Rect | None
    number_w: float
    number_right: float  # the number is right-aligned here, from the label's left edge
    number_size: float
    cost_size: float
    title_baseline: float
    title_step: float
    cost_baseline: float
    description_baseline: float
    body_size: float = BODY_SIZE


@dataclass(frozen=True)
class _Stack:
    """Offsets from the first baseline of a label's lines, and how far its ink reaches."""

    title_step: float
    cost: float
    description: float
    top: float
    bottom: float
    cap: float  # cap height of the title: a single line is centred on its box by it


@dataclass(frozen=True)
class _Ink:
    """What is printed besides the title, for measuring how far a label's ink reaches."""

    number: tuple[float, float]  # ink above and below the baseline, mm
    cost: str
    cost_size: float
    description_below: float  # deepest descender of the description's characters, mm
    body: float = BODY_SIZE  # the description's size


def plan_label(
    project: Project,
    box: BoxLayout,
    has_picture: bool,
    number_digits: int = 1,
    sizes: TextSizes = NORMAL_SIZES,
) -> tuple[LabelPlan, list[RenderWarning]]:
    """Fit number, title, cost, description and picture inside the label rectangle.

    `number_digits`: digits of the longest project number on the ballot; numbers are
    right-aligned in a column that wide, so that every title starts at the same place.
    `sizes`: larger type for a roomy ballot (short rows always keep the normal sizes).
    """
    warnings: list[RenderWarning] = []
    picture = _picture_rect(box.label) if has_picture else None
    if has_picture and picture is None:
        warnings.append(
            _warn(
                project,
                "picture_omitted",
                _("Projet n° {number} : pas assez de place pour l'image."),
            )
        )
    text_rows = int((box.label.h_mm - 0.5) // line_height_mm(BODY_SIZE))
    compact = text_rows <= 2  # short rows: the costs form a column on the titles' first line
    sizes = NORMAL_SIZES if compact else sizes
    body = sizes.body
    number_size, cost_size = (13.0, BODY_SIZE) if compact else (sizes.number, sizes.cost)
    digits = "0" * max(len(str(box.number)), number_digits)  # DejaVu digits share one width
    number_w = text_width_mm(digits, FONT_BOLD, number_size) + (1.8 if compact else 2.5)
    cost = money(box.cost_cents)
    cost_w = text_width_mm(cost, FONT_BOLD, cost_size) + (2 if compact else 3)
    right = picture.x_mm - 3 if picture else box.label.right
    width = right - (box.label.x_mm + number_w)
    wanted = wrap(project.description, FONT, body, width) if project.description.strip() else []
    # Short rows show no description: a few words cut off would be noise, not information.
    most = 0 if compact else min(len(wanted), MAX_DESCRIPTION_LINES)
    ink = _Ink(
        ink_extent_mm(str(box.number), FONT_BOLD, number_size),
        cost,
        cost_size,
        ink_extent_mm(project.description, FONT, body)[1],
        body,
    )
    plan = _arrange(project.title, box, width, cost_w, text_rows, most, ink, sizes)
    title, inline, first, stack, lines = plan
    warnings.extend(_title_warnings(project, title))
    description = fit(project.description, FONT, width, lines, body, body).lines if lines else ()
    if len(description) < len(wanted):
        warnings.append(
            _warn(
                project,
                "description_cut",
                _("Projet n° {number} : description trop longue pour le bulletin, abrégée."),
            )
        )
    return (
        LabelPlan(
            box,
            title,
            description,
            cost,
            inline,
            picture,
            number_w,
            number_w - (1.8 if compact else 2.5),
            number_size,
            cost_size,
            first,
            stack.title_step,
            first + stack.cost,
            first + stack.description,
            body,
        ),
        warnings,
    )


def _arrange(
    title: str,
    box: BoxLayout,
    width: float,
    cost_w: float,
    text_rows: int,
    wanted: int,
    ink: _Ink,
    text: TextSizes = NORMAL_SIZES,
) -> tuple[Fitted, bool, float, _Stack, int]:
    """The most generous arrangement that fits the label: (title, inline, first baseline,
    stack, description lines), trying in turn normal then tight title spacing, the cost on
    its own line then on the title's line, and as many description lines as fit."""
    compact = text_rows <= 2
    sizes = (DENSE_TITLE_SIZE, DENSE_TITLE_MIN) if compact else (text.title, text.title_min)
    inline = compact or width >= WIDE_LABEL
    # With one row of text, two title lines are kept tight, so that they read as one title
    # and the space between rows stays clearly larger than the space between lines.
    spacings = (TIGHT_SPACING,) if text_rows <= 1 else (LINE_SPACING, TIGHT_SPACING)
    tries = [(inline, s) for s in spacings] + [(True, s) for s in spacings if not inline]
    for on_line, spacing in tries:
        for fitted in _title_candidates(title, width - (cost_w if on_line else 0), sizes, compact):
            for lines in range(wanted, -1, -1):
                stack = _stack(fitted, spacing, on_line, lines, ink)
                first = _place(box, stack, centre=len(fitted.lines) > 1 and on_line and not lines)
                if first is not None:
                    return fitted, on_line, first, stack, lines
    one = fit(title, FONT_BOLD, width - cost_w, 1, *sizes)
    stack = _stack(one, LINE_SPACING, True, 0, ink)
    first = _place(box, stack, centre=False)
    assert first is not None, "one line always fits: the grid keeps labels at least 9 mm high"
    return one, True, first, stack, 0


def _title_candidates(
    title: str, width: float, sizes: tuple[float, float], compact: bool
) -> list[Fitted]:
    """Two lines; in short rows (costs in a column), three lines first when two would cut it.
    Then the same two lines in smaller type, down to the minimum: a title whose accents or
    descenders make two lines too tall for its row is shrunk rather than cut."""
    two = fit(title, FONT_BOLD, width, 2, *sizes)
    smallest = sizes[1]
    candidates = [two]
    if compact and two.truncated:  # three lines at the smallest size are the shortest three
        candidates = [
            fit(title, FONT_BOLD, width, 3, *sizes),
            fit(title, FONT_BOLD, width, 3, smallest, smallest),
            two,
        ]
    size = two.size - 0.5
    while size >= smallest and not two.truncated:
        smaller = fit(title, FONT_BOLD, width, 2, size, size)
        candidates.append(replace(smaller, shrunk=True))
        size -= 0.5
    return candidates


def _stack(title: Fitted, spacing: float, inline: bool, lines: int, ink: _Ink) -> _Stack:
    """The label's lines as drawn (title, cost line unless inline, description lines) and the
    real reach of their ink: the number, the first title line and an inline cost share the
    first baseline; the lowest ink is the last description line (plus air) or title/cost."""
    em = title.size * PT_TO_MM
    step = em * spacing
    last = (len(title.lines) - 1) * step
    cost = 0.0 if inline else last + line_height_mm(ink.body) + 0.3
    description = (
        (cost + line_height_mm(ink.cost_size))
        if not inline
        else last + line_height_mm(ink.body) + 0.3
    )
    first_up, first_down = ink_extent_mm(title.lines[0], FONT_BOLD, title.size)
    last_down = ink_extent_mm(title.lines[-1], FONT_BOLD, title.size)[1]
    cost_up, cost_down = ink_extent_mm(ink.cost, FONT_BOLD, ink.cost_size)
    top = max(first_up, ink.number[0], cost_up if inline else 0.0)
    if lines:  # descriptions leave some air above the next row, so that rows stay apart
        bottom = (
            description
            + (lines - 1) * line_height_mm(ink.body)
            + ink.description_below
            + DESCRIPTION_AIR
        )
    else:
        bottom = max(last + last_down, ink.number[1], first_down, cost + cost_down)
    return _Stack(step, cost, description, -top, bottom, CAP * em)


def _place(box: BoxLayout, stack: _Stack, centre: bool) -> float | None:
    """The first baseline: on the box's middle, or the stack centred on the box, lifted (no
    higher than centring it, or the label's top) to end inside the label; None if it cannot."""
    label = box.label
    middle = box.rect.y_mm + box.rect.h_mm / 2
    on_middle = middle + stack.cap / 2  # a single line centred on the box
    centred = middle - (stack.top + stack.bottom) / 2
    first = centred if centre else min(on_middle, label.bottom - stack.bottom)
    first = max(first, centred, label.y_mm - stack.top)  # never above centring, nor the label
    if first + stack.bottom > label.bottom + 0.01:
        return None
    return first


def _picture_rect(label: Rect) -> Rect | None:
    if label.h_mm < MIN_PICTURE_LABEL_H:
        return None
    side = min(label.h_mm, 22.0)
    return Rect(label.right - side, label.y_mm, side, side)


def _title_warnings(project: Project, title: Fitted) -> list[RenderWarning]:
    if title.truncated:
        return [
            _warn(
                project,
                "title_cut",
                _("Projet n° {number} : titre trop long, coupé sur le bulletin."),
            )
        ]
    if title.shrunk:
        return [
            _warn(
                project, "title_shrunk", _("Projet n° {number} : titre long, imprimé plus petit.")
            )
        ]
    return []


def _warn(project: Project, code: str, template: str) -> RenderWarning:
    return RenderWarning(project.project_id, code, template.format(number=project.number))
