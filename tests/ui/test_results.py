"""The Résultats screen on a real count (printed, marked, read, decided)."""
# ruff: noqa: F811 - pytest fixtures imported from count_support

from __future__ import annotations

import csv
import json

from count_support import (  # noqa: F401 - fixtures
    PASSPHRASE,
    count_ctx,
    count_services,
    printed,
    printed_template,
)

from ui.screens.results.screen import ResultsScreen


def _count(services, printed):  # type: ignore[no-untyped-def]
    counting = services.counting
    session = counting.open_session(printed.residence_id, "Agnes", passphrase=PASSPHRASE)
    counting.ingest(session.id, printed.scans, workers=1)
    [item] = counting.review_queue(session.id)
    counting.decide(session.id, item.sheet_id, "unmarked", "Trait involontaire",
                    project_id=item.boxes[0].project_id)  # fmt: skip
    return session


def _screen(qtbot, ctx):  # type: ignore[no-untyped-def]
    screen = ResultsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1140, 760)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def test_empty_state_before_any_count(qtbot, count_ctx):
    screen = _screen(qtbot, count_ctx)
    assert screen.empty.isVisible() and not screen.area.isVisible()
    assert not screen.buttons["json"].isEnabled()


def test_results_table_chart_funded_and_explanation(qtbot, count_ctx, printed, tmp_path):
    session = _count(count_ctx.services, printed)
    screen = _screen(qtbot, count_ctx)
    assert screen.residence.currentData() == printed.residence_id
    res = count_ctx.services.counting.results(printed.residence_id)
    assert (res.tally.valid, res.tally.blank, res.tally.pending) == (9, 1, 0)
    rows = screen.model.rows()
    assert [r.project_id for r in rows] == [p.project_id for p in res.projects]  # decision order
    votes = {r.number: r.votes for r in rows}
    assert votes == {1: 4, 2: 3, 3: 2, 4: 3}  # DEMO_PLAN, the faint mark decided unmarked
    status_cell = screen.model.index(0, 4).data()
    assert status_cell.startswith("✔") and "financé" in status_cell
    assert len(screen.chart.lines) == 4 and screen.chart.lines[0].votes == 4
    assert "Boîte à livres" in screen.funded.text()
    text = screen.explain.text()
    assert "Règle déclarée : le plus de voix dans la limite du budget" in text
    assert "1. N° " in text and "financé" in text
    assert "provisoires" in screen.sealed.text()
    count_ctx.services.counting.seal(session.id, PASSPHRASE)
    screen.reload()
    assert "définitifs" in screen.sealed.text()
    out = tmp_path / "r.json"
    screen.export_to("json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["valid"] == 9 and sorted(data["selected"]) == sorted(res.selected)
    out = tmp_path / "r.csv"
    screen.export_to("csv", out)
    lines = list(csv.reader(out.open(encoding="utf-8"), delimiter=";"))
    assert lines[0][:5] == ["numero", "projet", "source_id", "cout_euros", "voix"]
    assert len(lines) == 5
    path = tmp_path / "results.png"
    assert screen.grab().save(str(path)) and path.stat().st_size > 10_000
