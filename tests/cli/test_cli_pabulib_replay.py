"""Issue 9, finding 4: a real past vote replayed on paper through the application alone.

Warsaw 2019, Obszar III (154 voters, 7 projects, approval with no maximum: voters chose up to
5, greedy): `pabulib import`, then `ballots print` with the style the import made from the
file, each printed page marked as one voter of the file voted (pen strokes drawn on the rendered
page at the box positions of the printed layout, as the reader evaluation does), and `count
ingest / close`, `results`. The count must give the votes per project recorded in the file and
the funded projects it records. Also: `results` lists every project before any ballot is
printed; Assen 2024's style (at least 2, no maximum) and rule (Equal Shares with add1); a
duplicated voter, a file without votes and a residence with no budget are refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageDraw

from app.domain.pabulib import read_pabulib
from ballots.raster import render_page
from tests.cli.test_cli_count import bp, ok
from tests.helpers.counting import stored
from tests.helpers.pabulib import pb

ASSEN = pb("Netherlands_Assen_2024.pb")
WARSAW = pb("Poland_Warszawa_2019_Obszar_III-PowsinKepa_LatoszkowaZamoscLatoszki.pb")
DPI = 150  # the reader reads 150 to 600 dpi; the lowest keeps this test short


def _pdf_text(path: Path, page: int = 0) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[page].get_textpage().get_text_range()
    finally:
        doc.close()


def _mark(image, box: dict, kind: int) -> None:
    """A voter's mark in the box: filled, a cross or a tick (millimetres -> pixels)."""
    px = DPI / 25.4
    x, y, w, h = (box[k] * px for k in ("x_mm", "y_mm", "w_mm", "h_mm"))
    pen = ImageDraw.Draw(image)
    width = max(3, round(0.7 * px))
    if kind == 0:
        pen.rectangle((x + 0.9 * px, y + 0.9 * px, x + w - 0.9 * px, y + h - 0.9 * px), fill=25)
    elif kind == 1:
        pen.line((x + 1.5 * px, y + 1.2 * px, x + w - 1.5 * px, y + h - 1.2 * px), 25, width)
        pen.line((x + w - 1.5 * px, y + 1.2 * px, x + 1.5 * px, y + h - 1.2 * px), 25, width)
    else:
        points = [(x + 1.6 * px, y + h * 0.55), (x + w * 0.42, y + h - 1.3 * px),
                  (x + w - 1.2 * px, y + 1.2 * px)]  # fmt: skip
        pen.line(points, 25, width, joint="curve")


def test_a_real_vote_printed_marked_scanned_and_counted_gives_the_recorded_results(tmp_path):
    file = read_pabulib(WARSAW)
    assert max(len(v.vote) for v in file.votes) == 5  # more than the app's default of 3
    data = tmp_path / "data"
    d = ("--data-dir", str(data))
    imported = json.loads(ok("pabulib", "import", str(WARSAW), *d, "--json"))
    assert imported["rule"] == "greedy" and imported["voters"] == 154
    residence = ("--residence", imported["residence"])
    # before any ballot is printed, results list every imported project
    before = json.loads(ok("results", *d, *residence, "--json"))
    assert len(before["projects"]) == len(file.projects) == 7

    pdf = tmp_path / "bulletins.pdf"
    ok("ballots", "print", *d, *residence, "--count", str(len(file.votes)), "--out", str(pdf))
    text = _pdf_text(pdf).replace("\n", " ")
    assert "Cochez jusqu'à 7 projets" in text and "jusqu'à 3" not in text
    layout = json.loads(pdf.with_suffix(".layout.json").read_text(encoding="utf-8"))
    by_source = {p["source_id"]: p["project_id"] for p in imported["projects"]}
    boxes = {b["project_id"]: b for b in layout["boxes"]}
    scans, truth = [], {}
    for i, voter in enumerate(file.votes):
        image = render_page(pdf, i, dpi=DPI, grey=True)
        for n, source in enumerate(voter.vote):
            _mark(image, boxes[by_source[source]], (i + n) % 3)
        path = tmp_path / f"scan-{i:03d}.png"
        image.save(path)
        scans.append(path)
        truth[stored(path)] = {by_source[s] for s in voter.vote}

    session = ok("count", "open", *d, *residence, "--officer", "Agnès").strip().splitlines()[-1]
    s = ("--session", session)
    ok("count", "ingest", *d, *s, "--workers", "2", *map(str, scans))
    for item in json.loads(ok("count", "review", *d, *s, "--json"))["items"]:
        for box in item["boxes"]:  # a doubtful box is decided as the voter marked it
            value = "marked" if box["project_id"] in truth[item["file"]] else "unmarked"
            ok("count", "decide", *d, *s, "--sheet", item["sheet_id"], "--box", box["project_id"],
               "--as", value, "--reason", "Vu avec le témoin")  # fmt: skip
    ok("count", "close", *d, *s)

    results = json.loads(ok("results", *d, *residence, "--json"))
    assert (results["valid"], results["invalid"], results["blank"]) == (154, 0, 0)
    source = {p["project_id"]: p["source_id"] for p in results["projects"]}
    votes = {source[p["project_id"]]: p["votes"] for p in results["projects"]}
    recorded = {p.project_id: int(file.project_value(p, "votes") or 0) for p in file.projects}
    assert votes == recorded
    assert sorted(source[p] for p in results["selected"]) == sorted(file.recorded_selected())


def test_assen_keeps_its_minimum_no_maximum_and_equal_shares(tmp_path):
    data = tmp_path / "data"
    d = ("--data-dir", str(data))
    imported = json.loads(ok("pabulib", "import", str(ASSEN), *d, "--json"))
    assert imported["rule"] == "mes"
    pdf = tmp_path / "b.pdf"
    ok("ballots", "print", *d, "--residence", imported["residence"], "--count", "1",
       "--out", str(pdf))  # fmt: skip
    assert "Cochez entre 2 et 14 projets" in _pdf_text(pdf).replace("\n", " ")
    rule = json.loads(ok("rules", "show", *d, "--json"))
    assert rule["rule"] == "mes" and rule["add1_exhaustive_stop"] is True


def test_a_duplicated_voter_or_a_file_without_votes_is_refused(tmp_path):
    text = ASSEN.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("VOTES") + 2
    twice = tmp_path / "twice.pb"
    twice.write_text("\n".join([*lines, lines[start]]) + "\n", encoding="utf-8")
    for command in (("pabulib", "import", "--data-dir", str(tmp_path / "data")), ("rules", "run")):
        done = bp(*command, str(twice))
        assert done.returncode != 0
        assert "a déjà voté ligne" in done.stderr, done.stderr
    novotes = tmp_path / "novotes.pb"
    novotes.write_text("\n".join(lines[: lines.index("VOTES")]) + "\n", encoding="utf-8")
    done = bp("pabulib", "import", str(novotes), "--data-dir", str(tmp_path / "data"))
    assert done.returncode != 0 and "Section VOTES absente" in done.stderr


def test_a_residence_with_no_budget_prints_no_ballot(tmp_path):
    data = tmp_path / "data"
    d = ("--data-dir", str(data))
    text = ASSEN.read_text(encoding="utf-8").replace("budget;100000", "budget;0")
    zero = tmp_path / "zero.pb"
    zero.write_text(text, encoding="utf-8")
    imported = json.loads(ok("pabulib", "import", str(zero), *d, "--json"))
    pdf = tmp_path / "b.pdf"
    done = bp("ballots", "print", *d, "--residence", imported["residence"], "--count", "2",
              "--out", str(pdf))  # fmt: skip
    assert done.returncode != 0 and "budget de 0 €" in done.stderr
    assert not pdf.exists()
