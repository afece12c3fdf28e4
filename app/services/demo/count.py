"""A demo count on real ballots: printed by the ballots service, marked, read, decided.

Used by the screenshots (`bp-terrain screenshots` shows the Dépouillement and Résultats screens
with a count under way) and by the screens' tests. The ballots are the real print of a residence
(real QR under the campaign key, recorded batch); they are rendered to images and marked with a
pen drawn on the pixels, as a voter would, so the reader has real work to do. Some marks are
meant to be doubtful, so the review queue is not empty.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from app.domain.counting import models as cm
from app.services.counting.keys import write_demo_passphrase
from app.services.printing.types import PrintOptions
from ballots.raster import render_page

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.services.printing.service import BallotService

log = logging.getLogger(__name__)

DEMO_PASSPHRASE = "phrase secrète de démonstration"
DEMO_OFFICER = "Agnès Martin"
DEMO_WITNESSES = ("Karim Benali", "Lucie Moreau")
INK = 28
# Marks per ballot: (box index, kind). "faint" is a light short stroke the reader doubts.
DEMO_PLAN: tuple[tuple[tuple[int, str], ...], ...] = (
    ((0, "cross"),),
    ((1, "tick"), (3, "cross")),
    (),
    ((2, "fill"),),
    ((0, "cross"), (1, "cross")),
    ((3, "tick"),),
    ((0, "cross"), (2, "faint")),
    ((1, "cross"),),
    ((0, "tick"), (3, "fill")),
    ((2, "cross"),),
)


def draw_pen_mark(draw: ImageDraw.ImageDraw, rect: tuple[float, ...], kind: str, f: float) -> None:
    """Draw a hand-like mark in the box `rect` (pixels: x, y, w, h); `f` is pixels per mm."""
    x, y, w, h = rect
    pen = max(2, int(0.7 * f))
    if kind == "fill":
        draw.rectangle([x + f, y + f, x + w - f, y + h - f], fill=INK)
    elif kind == "tick":
        points = [(x + 1.6 * f, y + h * 0.55), (x + w * 0.42, y + h - 1.3 * f), (x + w - f, y + f)]
        draw.line(points, fill=INK, width=pen, joint="curve")
    elif kind == "faint":
        draw.line([(x + w * 0.35, y + h * 0.5), (x + w * 0.6, y + h * 0.62)], fill=150, width=pen)
    else:
        draw.line([(x + 1.5 * f, y + 1.2 * f), (x + w - 1.5 * f, y + h - 1.2 * f)], INK, pen)
        draw.line([(x + w - 1.5 * f, y + 1.2 * f), (x + 1.5 * f, y + h - 1.2 * f)], INK, pen)


def mark_pages(
    pdf: Path,
    layout: dict[str, object],
    plan: Sequence[Sequence[tuple[int, str]]],
    out_dir: Path,
    *,
    dpi: int = 150,
    prefix: str = "scan",
) -> list[Path]:
    """Render each page of `pdf` as a grey PNG and draw the marks of `plan` on it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    boxes = layout["boxes"]
    assert isinstance(boxes, list)
    f = dpi / 25.4
    files = []
    for i, marks in enumerate(plan):
        image: Image.Image = render_page(pdf, i, dpi=dpi, grey=True)
        draw = ImageDraw.Draw(image)
        for index, kind in marks:
            b = boxes[index]
            rect = tuple(float(b[k]) * f for k in ("x_mm", "y_mm", "w_mm", "h_mm"))
            draw_pen_mark(draw, rect, kind, f)
        path = out_dir / f"{prefix}-{i + 1:03d}.png"
        image.save(path)
        files.append(path)
    return files


class DemoCount:
    """A demo count on real printed and marked ballots."""

    def __init__(
        self,
        *,
        ballots: BallotService,
        campaigns: CampaignService,
        counting: CountingService,
        data_dir: Path,
    ) -> None:
        self.ballots = ballots
        self.campaigns = campaigns
        self.counting = counting
        self.data_dir = data_dir

    def print_marked(
        self,
        residence_id: str,
        plan: Sequence[Sequence[tuple[int, str]]],
        out_dir: Path,
        *,
        test: bool = False,
        prefix: str = "scan",
    ) -> list[Path]:
        """Print len(plan) ballots of the residence through the ballots service, mark them."""
        out_dir.mkdir(parents=True, exist_ok=True)
        pdf = out_dir / f"{prefix}-bulletins.pdf"
        summary = self.ballots.print_for_residence(
            residence_id, pdf, PrintOptions(count=len(plan), test=test)
        )
        layout = json.loads(summary.layout_file.read_text(encoding="utf-8"))
        return mark_pages(summary.pdf, layout, plan, out_dir, prefix=prefix)

    def demo_residence_id(self) -> str:
        """The first residence (by name) that has admissible projects to print."""
        for residence in sorted(self.campaigns.list_residences(), key=lambda r: r.name):
            if self.ballots.admissible_projects(residence.id):
                return residence.id
        raise LookupError("no residence with admissible projects")

    def create_demo_count(self, work_dir: Path) -> cm.CountSession:
        """Print, mark and read the demo ballots in a new session; one sheet waits for review."""
        residence_id = self.demo_residence_id()
        files = self.print_marked(residence_id, DEMO_PLAN, Path(work_dir))
        counting = self.counting
        session = counting.open_session(
            residence_id, DEMO_OFFICER, DEMO_WITNESSES, passphrase=DEMO_PASSPHRASE
        )
        write_demo_passphrase(self.data_dir, DEMO_OFFICER, DEMO_PASSPHRASE)
        counting.ingest(session.id, files, workers=1)
        log.info("demo count: %d sheets read in session %s", len(files), session.id)
        return counting.get_session(session.id)
