"""The evaluation report's layout: a section that fills its page to the foot leaves no blank page
before the next section that starts on a new page."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from ballots.evaluation import EvaluationReport, Section, TableBlock, TextBlock, render_evaluation


def _pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def test_a_full_page_is_not_followed_by_a_blank_one(tmp_path: Path) -> None:
    checked = 0
    for lines in range(0, 4):
        for rows in range(30, 38):
            filler = Section("Remplissage", (
                TextBlock("\n".join(f"Ligne de texte {i}." for i in range(lines))),
                TableBlock(("Thème", "Nombre"), tuple((f"rang {r}", str(r)) for r in range(rows)),
                           (0.7, 0.3)),
            ))  # fmt: skip
            report = EvaluationReport(
                "Rapport", "Campagne", "Organisateur", "2026", "le 7 décembre 2026",
                Section("Synthèse", (TextBlock("Court."),)),
                (filler, Section("Suite", (TextBlock("Fin."),), new_page=True)),
            )  # fmt: skip
            out = tmp_path / f"r-{lines}-{rows}.pdf"
            render_evaluation(report, out)
            text = _pages(out)
            last_row = max(i for i, t in enumerate(text) if f"rang {rows - 1}" in t)
            follows = next(i for i, t in enumerate(text) if "Suite" in t and "Fin." in t)
            assert follows == last_row + 1, (lines, rows, len(text))
            checked += 1
    assert checked == 32
