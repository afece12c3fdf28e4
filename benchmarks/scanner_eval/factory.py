"""Real ballots from the ballots library: specs, printed PDFs, rendered pages.

Every page of the corpus goes through the same code as a real print: `ballots.render` writes the
PDF with a real QR payload under a campaign key, and pypdfium2 renders it.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ballots.layout import BallotLayout, layout_to_dict
from ballots.model import (
    BallotSpec,
    BallotStyle,
    Campaign,
    Project,
    Residence,
    VotingRule,
)
from ballots.raster import render_page_array
from ballots.render import PrintResult, render_ballots

CAMPAIGN = Campaign("camp-eval-2026", "EVAL26", "Budget participatif d'évaluation 2026")
OTHER_CAMPAIGN = Campaign("camp-other", "AUTRE", "Une autre campagne")
WORDS = (
    "Jardin partagé bancs éclairage aire de jeux composteur fresque murale local vélos "
    "potager boîte à livres ombrières fontaine ping-pong atelier réparation terrain de pétanque"
).split()


@dataclass(frozen=True)
class Printed:
    """A printed batch: its layout (as the JSON dict), key, serials and the rendered pages."""

    layout: dict[str, object]
    ballot_layout: BallotLayout
    key: bytes
    result: PrintResult
    pages: tuple[NDArray[np.uint8], ...]
    dpi: float


def make_spec(
    n_projects: int, rule: str, seed: int, campaign: Campaign = CAMPAIGN, style_index: int = 0
) -> BallotSpec:
    rnd = random.Random(seed)
    projects = []
    for i in range(n_projects):
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6))).capitalize()
        desc = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 14)))
        cost = rnd.randrange(5, 80) * 100_000
        projects.append(Project(f"p{i + 1:02d}", i + 1, title, cost, desc))
    if rule == "single":
        voting = VotingRule.single()
    elif rule == "budget":
        voting = VotingRule.budget(sum(p.cost_cents or 0 for p in projects) // 3)
    else:
        voting = VotingRule.approval(max(1, min(3, n_projects)))
    return BallotSpec(
        campaign,
        Residence(f"res-{seed % 7}", f"Résidence {seed % 7}"),
        BallotStyle(style_index, f"Modèle {style_index}"),
        voting,
        tuple(projects),
    )


def print_pdf(
    spec: BallotSpec,
    pdf: Path,
    count: int,
    key: bytes,
    *,
    batch: int = 1,
    test: bool = False,
    with_serials: bool = True,
) -> PrintResult:
    """Print `count` ballots to `pdf` through the real renderer."""
    return render_ballots(
        spec, pdf, key=key, batch=batch, count=count, test=test, with_serials=with_serials
    )


def print_batch(
    spec: BallotSpec,
    count: int,
    key: bytes,
    *,
    batch: int = 1,
    test: bool = False,
    dpi: float = 200.0,
    with_serials: bool = True,
) -> Printed:
    """Print `count` ballots to a temporary PDF and render every page at `dpi` (grey)."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "ballots.pdf"
        result = render_ballots(
            spec, pdf, key=key, batch=batch, count=count, test=test, with_serials=with_serials
        )
        pages = tuple(render_page_array(pdf, i, dpi=dpi, grey=True) for i in range(count))
    layout = layout_to_dict(result.layout)
    return Printed(layout, result.layout, key, result, pages, dpi)
