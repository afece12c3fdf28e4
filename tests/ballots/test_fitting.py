"""Printed text fits: nothing overlaps, nothing is cut that could be kept whole (pdfium text)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from ballots import i18n
from ballots.ballot_page import DATES_WIDTH, dates_lines
from ballots.furniture import BODY_BOTTOM
from ballots.geometry import QR_RECT
from ballots.materials import VoteSession, render_poster, render_project_sheets
from ballots.model import Project, VotingRule
from ballots.render import prepare_ballot, render_ballots
from ballots.style import FONT, text_width_mm
from tests.ballots.conftest import KEY, TITLES, make_projects, make_spec
from tests.ballots.textboxes import overlapping, page_text, text_boxes

LONG_TITLE = (
    "Rénovation complète de l'aire de jeux des petits avec sol souple, bancs ombragés et "
    "fontaine à eau potable"
)
NEW_YEAR = {"vote_start": dt.date(2026, 12, 30), "vote_end": dt.date(2027, 1, 10)}


def _picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (60, 120, 80)).save(buffer, "JPEG")
    return buffer.getvalue()


def _projects(count: int, picture: bool = False) -> tuple[Project, ...]:
    projects = list(make_projects(count))
    projects[1] = replace(projects[1], title=LONG_TITLE)
    if picture:
        projects = [replace(p, picture=_picture()) for p in projects]
    return tuple(projects)


@pytest.mark.parametrize(
    ("count", "options"),
    [
        (6, {"picture": True}),
        (15, {}),
        (18, {}),
        (22, {}),
        (30, {}),
        (8, {"large": True, "picture": True}),
        (12, {"budget": True}),
        (10, {"test": True}),
    ],
)
def test_ballot_text_never_overlaps(tmp_path: Path, count: int, options: dict[str, bool]) -> None:
    spec = make_spec(
        projects=_projects(count, options.get("picture", False)),
        large_print=options.get("large", False),
        rule=VotingRule.budget(1_000_000) if options.get("budget") else None,
    )
    spec = replace(spec, **NEW_YEAR)  # type: ignore[arg-type]
    out = tmp_path / "b.pdf"
    render_ballots(spec, out, key=KEY, batch=1, count=1, test=options.get("test", False))
    boxes = [b for b in text_boxes(out) if b.y1 - b.y0 < 20]  # the ESSAI watermark is meant to
    assert boxes and overlapping(boxes) == []  # lie under the text; nothing else may touch
    assert all(8 <= b.x0 and b.x1 <= 202 and b.y1 <= 289 for b in boxes)
    text = page_text(out)
    assert "Vote du mercredi 30 décembre 2026 au dimanche 10 janvier 2027" in text


def test_common_titles_stay_whole_on_a_thirty_project_ballot(tmp_path: Path) -> None:
    """Before, short rows cut titles to one line ("Jardins partagés a…", 20 of 30 cut)."""
    prepared = prepare_ballot(make_spec(30))
    cut = [w.project_id for w in prepared.warnings if w.code == "title_cut"]
    assert len(cut) <= 1  # 38 characters beside a two-digit number and a 5-digit cost
    out = tmp_path / "b.pdf"
    render_ballots(prepared, out, key=KEY, batch=1, count=1)
    text = page_text(out)
    assert text.count("…") == len(cut)
    for title in TITLES:
        if len(title) <= 31:
            assert text.count(title) == 3, title


def test_a_title_too_long_for_its_row_is_cut_with_a_warning(tmp_path: Path) -> None:
    prepared = prepare_ballot(make_spec(projects=_projects(30)))
    cut = [w for w in prepared.warnings if w.code == "title_cut"]
    assert cut[0].project_id == "proj-01" and "n° 2 :" in cut[0].message
    render_ballots(prepared, tmp_path / "b.pdf", key=KEY, batch=1, count=1)
    assert "Rénovation complète" in page_text(tmp_path / "b.pdf")


def test_vote_period_wraps_between_the_dates_and_clears_the_qr_text() -> None:
    lines, size = dates_lines(replace(make_spec(3), **NEW_YEAR), DATES_WIDTH)  # type: ignore[arg-type]
    lines = tuple(line.replace("\u00a0", " ") for line in lines)  # each date kept whole
    assert lines == ("Vote du mercredi 30 décembre 2026", "au dimanche 10 janvier 2027")
    assert size == 12
    assert 26 + DATES_WIDTH < QR_RECT.x_mm - 10  # the code and style printed under the QR


def test_vote_period_in_a_longer_language_shrinks_then_drops_weekdays_never_cuts() -> None:
    wordy = "Période de vote officielle de la consultation : du {start} jusqu'au {end} inclus"

    def gettext(message: str) -> str:
        return wordy if message == "Vote du {start} au {end}" else message

    with i18n.translated(gettext):
        lines, size = dates_lines(replace(make_spec(3), **NEW_YEAR), DATES_WIDTH)  # type: ignore[arg-type]
    joined = " ".join(lines).replace("\u00a0", " ")
    assert len(lines) == 2 and "…" not in joined and size >= 8
    assert "30 décembre 2026" in joined and "10 janvier 2027" in joined
    assert all(text_width_mm(line, FONT, size) <= DATES_WIDTH for line in lines)


def test_poster_with_thirty_projects_uses_two_columns_without_overlap(tmp_path: Path) -> None:
    sessions = [
        VoteSession("Salle commune, bâtiment A", dt.date(2026, 3, d), dt.time(17), dt.time(19))
        for d in (3, 5, 7)
    ]
    out = tmp_path / "affiche.pdf"
    render_poster(make_spec(projects=_projects(30)), sessions, out)
    boxes = text_boxes(out)
    assert overlapping(boxes) == []
    assert all(b.y1 <= BODY_BOTTOM or b.y0 >= 280 for b in boxes)  # body, or the footer
    nichoirs = sorted(b.x0 for b in boxes if "Nichoirs et hôtel" in b.text)
    assert len(nichoirs) == 3  # projects 10, 20 and 30: one in the left column, two in the right
    assert nichoirs[0] < 60 and nichoirs[1] > 100 and abs(nichoirs[1] - nichoirs[2]) < 0.5
    assert "Composteur collectif" in page_text(out)


def test_long_description_shrinks_the_picture_and_stays_above_the_footer(tmp_path: Path) -> None:
    text = ("Les habitants demandent depuis longtemps un lieu sûr pour les enfants. " * 12).strip()
    project = Project("p", 7, LONG_TITLE, 4_500_000, text, _picture())
    out = tmp_path / "fiche.pdf"
    render_project_sheets(make_spec(projects=(project,)), out)
    boxes = text_boxes(out)
    assert overlapping(boxes) == []
    assert all(b.y1 <= BODY_BOTTOM or b.y0 >= 280 for b in boxes)
    assert text.replace("  ", " ") in page_text(out)  # shrunk, not cut


def test_titles_start_at_one_place_after_one_and_two_digit_numbers(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    render_ballots(make_spec(10), out, key=KEY, batch=1, count=1)
    boxes = text_boxes(out)
    starts = [b.x0 for b in boxes for title in TITLES if b.text.startswith(title[:12])]
    assert len(starts) == 10 and max(starts) - min(starts) < 0.8  # glyph side bearings only
    numbers = [b.x1 for b in boxes if b.text in {str(n) for n in range(1, 11)}]
    assert len(numbers) == 10 and max(numbers) - min(numbers) < 0.5  # right-aligned
