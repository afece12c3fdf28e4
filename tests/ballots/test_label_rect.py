"""The layout contract: everything printed for a project lies inside its `label` rectangle.

Other programs (the reader looks for a circled title there) rely on `boxes[].label` holding the
number, title, description, cost and picture. Each text run and each picture is read back from
the rendered PDF with its position (pdfium) and compared with the layout file's rectangles.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from ballots.geometry import CONTENT_BOTTOM, CONTENT_TOP
from ballots.layout import BoxLayout, Rect
from ballots.model import Project, VotingRule
from ballots.render import prepare_ballot, render_ballots
from tests.ballots.conftest import KEY, make_projects, make_spec
from tests.ballots.textboxes import PT, TextBox, text_boxes

TOLERANCE = 0.3  # mm
LONG_TITLE = "Éclairage à détection de présence dans les allées, le parking et le square Öztürk"


def _picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (60, 120, 80)).save(buffer, "JPEG")
    return buffer.getvalue()


def _projects(count: int, picture: bool) -> tuple[Project, ...]:
    """Varied, realistic projects: accented capitals, descenders, five-digit costs."""
    projects = list(make_projects(count))
    for i in range(0, count, 3):
        projects[i] = replace(projects[i], title=LONG_TITLE, cost_cents=2_700_000)
    if count > 1:
        projects[1] = replace(projects[1], title="Îlot de fraîcheur", cost_cents=7_999_950)
    if picture:
        projects = [replace(p, picture=_picture()) for p in projects]
    return tuple(projects)


def _outside_by(run: TextBox | Rect, label: Rect) -> float:
    """How far (mm) a printed thing reaches outside a label rectangle; 0 when inside."""
    x0, y0, x1, y1 = (
        (run.x0, run.y0, run.x1, run.y1)
        if isinstance(run, TextBox)
        else (run.x_mm, run.y_mm, run.right, run.bottom)
    )
    return max(label.x_mm - x0, x1 - label.right, label.y_mm - y0, y1 - label.bottom, 0.0)


def _owner(run: TextBox | Rect, boxes: tuple[BoxLayout, ...]) -> tuple[BoxLayout, float]:
    """The project whose label the run belongs to (the one it sticks out of least)."""
    return min(((b, _outside_by(run, b.label)) for b in boxes), key=lambda pair: pair[1])


def _project_area(run: TextBox) -> bool:
    """Runs printed in the project area (not the rule panel, header or footer)."""
    return run.y0 > CONTENT_TOP - 6 and run.y1 < CONTENT_BOTTOM + 1.5


def _pictures(pdf: Path) -> list[Rect]:
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        height = page.get_height()
        found = []
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=5):
            left, bottom, right, top = obj.get_bounds()
            found.append(
                Rect(left * PT, (height - top) * PT, (right - left) * PT, (top - bottom) * PT)
            )
        return found
    finally:
        doc.close()


def _squash(text: str) -> str:
    return "".join(text.split())


CASES = [
    pytest.param(6, {}, id="6"),
    pytest.param(6, {"picture": True}, id="6-pictures"),
    pytest.param(12, {}, id="12-two-columns"),
    pytest.param(12, {"budget": True}, id="12-budget"),
    pytest.param(15, {}, id="15"),
    pytest.param(20, {}, id="20"),
    pytest.param(30, {}, id="30"),
    pytest.param(8, {"large": True, "picture": True}, id="8-large-pictures"),
    pytest.param(12, {"large": True}, id="12-large"),
    pytest.param(30, {"large": True, "budget": True}, id="30-large-budget"),
]


@pytest.mark.parametrize(("count", "options"), CASES)
def test_everything_printed_for_a_project_lies_inside_its_label(
    tmp_path: Path, count: int, options: dict[str, bool]
) -> None:
    spec = make_spec(
        projects=_projects(count, options.get("picture", False)),
        large_print=options.get("large", False),
        rule=VotingRule.budget(10_000_000) if options.get("budget") else None,
    )
    prepared = prepare_ballot(spec)
    out = tmp_path / "b.pdf"
    render_ballots(prepared, out, key=KEY, batch=1, count=1)
    boxes = prepared.layout.boxes
    runs = [r for r in text_boxes(out) if r.text and _project_area(r)]
    texts: dict[int, list[str]] = {b.number: [] for b in boxes}
    for run in runs:
        owner, outside = _owner(run, boxes)
        assert outside <= TOLERANCE, (
            f"{run.text!r} at y {run.y0:.2f}..{run.y1:.2f}, x {run.x0:.2f}..{run.x1:.2f} is "
            f"{outside:.2f} mm outside the label of project {owner.number} ({owner.label})"
        )
        texts[owner.number].append(run.text)
    for plan in prepared.plans:  # each label holds its own number, title start and cost
        inside = _squash(" ".join(texts[plan.box.number]))
        assert inside.startswith(str(plan.box.number)), (plan.box.number, inside)
        assert _squash(plan.title.lines[0]) in inside
        assert _squash(plan.cost) in inside, (plan.cost, inside)
    pictures = _pictures(out)
    assert len(pictures) == (count if options.get("picture") else 0)
    for picture in pictures:
        owner, outside = _owner(picture, boxes)
        assert outside <= TOLERANCE, (picture, owner.label)


def test_label_keeps_clear_of_the_box_ring_and_of_the_next_label() -> None:
    """Labels grow no closer to their box than 4 mm and never share paper with another."""
    for count in (6, 12, 20, 30):
        boxes = prepare_ballot(make_spec(projects=_projects(count, False))).layout.boxes
        for box in boxes:
            assert box.label.x_mm - box.rect.right >= 4.0 - 1e-9
            assert not box.label.intersects(box.rect.inflate(3.0))
        for a, b in zip(boxes, boxes[1:], strict=False):
            assert not a.label.intersects(b.label)


def test_the_check_catches_a_run_outside_its_label() -> None:
    """The measure itself: a cost printed 1 mm below its label is reported as outside."""
    label = Rect(30.0, 100.0, 70.0, 10.0)
    inside = TextBox("27 000 €", 80.0, 104.0, 99.0, 109.9)
    below = TextBox("27 000 €", 80.0, 108.0, 99.0, 111.0)
    assert _outside_by(inside, label) == 0.0
    assert _outside_by(below, label) == pytest.approx(1.0)
