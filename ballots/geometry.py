"""Page geometry of a ballot: markers, QR, header bands and one box per project.

Rules kept here (and tested from the layout alone): boxes at least 8 x 6 mm, at least 12 mm
apart centre to centre, 3 mm of blank paper around each box (labels start 4 mm away), up to
30 projects in one or two columns, everything inside the printable area of any office printer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ballots.errors import TooManyProjectsError
from ballots.i18n import _
from ballots.layout import (
    BallotLayout,
    BoxLayout,
    CampaignRef,
    MarkerLayout,
    PageInfo,
    Rect,
    ResidenceRef,
    StyleRef,
    with_template_hash,
)
from ballots.model import BallotSpec

PAGE_W = 210.0
PAGE_H = 297.0
MARKER_SIZE = 12.0  # the black square; 4x4 bits + border = 6 cells of 2 mm
MARKER_MARGIN = 8.0  # from the page edge, inside every printer's unprintable margin
MARGIN = 14.0  # left/right margin of the content
MAX_PROJECTS = 30
ONE_COLUMN_MAX = 10
COLUMN_GAP = 8.0
BOX_RING = 3.0  # blank paper kept around every box
LABEL_GAP = 4.0  # from a box to its label (more than the ring)
MIN_PITCH = 12.0  # centre-to-centre distance between boxes
MAX_PITCH = 48.0  # few projects: rows spread down the page, with larger type
LABEL_LIFT = 1.0  # the label starts a little above its box, so the title lines up with it
CONTENT_TOP = 77.0
CONTENT_BOTTOM = 264.0
QR_SIZE = 20.0
QR_RECT = Rect(160.0, 9.0, QR_SIZE, QR_SIZE)
# Box sizes from the most to the least generous (width, height), tried in order.
BOX_SIZES = (
    (16.0, 12.0),
    (14.0, 10.5),
    (12.0, 9.0),
    (11.0, 8.0),
    (10.0, 7.5),
    (9.5, 7.0),
    (8.0, 6.0),
)
DEFAULT_BOX = (12.0, 9.0)


@dataclass(frozen=True)
class Grid:
    """How the project rows are arranged on the page."""

    columns: int
    rows: int
    pitch: float
    box_w: float
    box_h: float


def marker_layouts(page: int = 1) -> tuple[MarkerLayout, ...]:
    """The four corner markers; id = 4 * (page - 1) + corner (0 tl, 1 tr, 2 br, 3 bl)."""
    near, far_x, far_y = (
        MARKER_MARGIN,
        PAGE_W - MARKER_MARGIN - MARKER_SIZE,
        (PAGE_H - MARKER_MARGIN - MARKER_SIZE),
    )
    spots = ((near, near), (far_x, near), (far_x, far_y), (near, far_y))
    return tuple(
        MarkerLayout(4 * (page - 1) + i, corner, Rect(x, y, MARKER_SIZE, MARKER_SIZE))
        for i, (corner, (x, y)) in enumerate(zip(("tl", "tr", "br", "bl"), spots, strict=True))
    )


def choose_grid(count: int, large_print: bool = False) -> Grid:
    """The largest boxes that fit `count` projects with the spacing rules."""
    if count > MAX_PROJECTS:
        raise TooManyProjectsError(
            _(
                "{count} projets : un bulletin en contient au plus {max}. Répartissez les projets "
                "sur plusieurs modèles de bulletin."
            ).format(count=count, max=MAX_PROJECTS)
        )
    columns = 1 if count <= ONE_COLUMN_MAX else 2
    rows = math.ceil(count / columns)
    sizes = BOX_SIZES if large_print else tuple(s for s in BOX_SIZES if s[0] <= DEFAULT_BOX[0])
    available = CONTENT_BOTTOM - CONTENT_TOP
    for box_w, box_h in sizes:
        needed = max(MIN_PITCH, box_h + 2 * BOX_RING)
        # Each row is a label of (pitch - ring) plus a ring-wide gap; the last gap is not needed.
        pitch = min(MAX_PITCH, (available + BOX_RING) / rows)
        if pitch >= needed:
            return Grid(columns, rows, math.floor(pitch * 10) / 10, box_w, box_h)
    raise TooManyProjectsError(  # unreachable for <= 30 projects; kept as a guard
        _("Les projets ne tiennent pas sur une page.")
    )


def _column_x(column: int, columns: int) -> tuple[float, float]:
    """Left and right edges of a column of content."""
    width = (PAGE_W - 2 * MARGIN - (columns - 1) * COLUMN_GAP) / columns
    left = MARGIN + column * (width + COLUMN_GAP)
    return left, left + width


def box_layouts(spec: BallotSpec, grid: Grid) -> tuple[BoxLayout, ...]:
    boxes = []
    for i, project in enumerate(spec.projects):
        column, row = divmod(i, grid.rows)
        left, right = _column_x(column, grid.columns)
        top = CONTENT_TOP + row * grid.pitch
        rect = Rect(left, top, grid.box_w, grid.box_h).rounded()
        label_x = left + grid.box_w + LABEL_GAP
        label_h = grid.pitch - BOX_RING
        label = Rect(label_x, top - LABEL_LIFT, right - label_x, label_h).rounded()
        boxes.append(
            BoxLayout(
                project.project_id,
                project.number,
                project.title,
                int(project.cost_cents or 0),
                rect,
                label,
            )
        )
    return tuple(boxes)


def build_layout(spec: BallotSpec) -> BallotLayout:
    """Lay out a ballot style; raises a typed `LayoutError` before anything is printed."""
    spec.check()
    grid = choose_grid(len(spec.projects), spec.style.large_print)
    campaign = spec.campaign
    layout = BallotLayout(
        template_hash="",
        campaign=CampaignRef(campaign.id, campaign.short_code, campaign.name, campaign.tag.hex()),
        residence=ResidenceRef(spec.residence.id, spec.residence.name),
        style=StyleRef(
            spec.style.index, spec.style.name, spec.style.language, spec.style.large_print
        ),
        page=PageInfo(PAGE_W, PAGE_H, 1, 1),
        rule=spec.rule,
        boxes=box_layouts(spec, grid),
        qr=QR_RECT,
        markers=marker_layouts(1),
    )
    return with_template_hash(layout)
