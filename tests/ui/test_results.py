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
from PySide6.QtCore import Qt

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


LONG = (
    "Rénovation complète de l'aire de jeux des petits avec des bancs ombragés, une fontaine "
    "et un abri pour les poussettes"
)


def test_chart_labels_fit_at_1366_and_the_tooltip_gives_the_whole_title(qtbot, count_ctx, printed):
    """Issue 10: a long project title is elided to the chart's label column (the bars, votes
    and status stay inside the chart) and shown whole in the tooltip."""
    from dataclasses import replace

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    _count(count_ctx.services, printed)
    screen = _screen(qtbot, count_ctx)
    screen.resize(1366 - 250, 768)  # the window at 1366 x 768 less the navigation column
    lines = list(screen.results.projects)
    lines[0] = replace(lines[0], title=LONG, status="not_enough_money",
                       status_label="pas assez d'argent restant")  # fmt: skip
    screen.chart.set_lines(lines)
    QApplication.processEvents()
    chart = screen.chart
    assert 300 < chart.width() < 700
    metrics = chart.fontMetrics()
    rows = chart.rows()
    assert len(rows) == len(lines)
    for row in rows:
        assert metrics.horizontalAdvance(row.label) <= row.label_rect.width() + 1
        assert row.label_rect.left() >= 0 and row.label_rect.right() <= row.bar.left()
        assert row.after_rect.right() <= chart.width()
        assert metrics.horizontalAdvance(row.after) <= row.after_rect.width() + 1
    long_row = next(r for r in rows if r.line.title == LONG)
    assert long_row.label.endswith("…") and long_row.label != chart._label(long_row.line)
    assert long_row.label_rect.width() <= 0.45 * chart.width()
    text = chart.tooltip_text(long_row.line)
    assert LONG in text and "pas assez d'argent restant" in text
    y = int(long_row.label_rect.center().y())
    event = QHelpEvent(QHelpEvent.Type.ToolTip, QPoint(10, y), chart.mapToGlobal(QPoint(10, y)))
    chart.event(event)
    assert QToolTip.text() == text


def _answer_next_box(qtbot, key):  # type: ignore[no-untyped-def]
    """Answer the next modal question with the keyboard (Entrée or Échap), as a person would."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    seen: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, press)
            return
        seen.append(box.text() if hasattr(box, "text") else "")
        qtbot.keyClick(box, {"enter": Qt.Key.Key_Return, "escape": Qt.Key.Key_Escape}[key])

    QTimer.singleShot(0, press)
    return seen


def test_publish_results_on_the_site_from_the_screen(qtbot, count_ctx, printed, tmp_path):
    """Issue 12: "Publier les résultats sur le site" on the Résultats screen: only once the
    count is sealed; a question that says what becomes public, answered with the keyboard;
    the frozen results, the state "Publiés sur le site le …", and "Retirer la publication"."""
    services = count_ctx.services
    session = _count(services, printed)
    screen = _screen(qtbot, count_ctx)
    assert not screen.publish_button.isEnabled()  # provisional results stay off the site
    assert "une fois le dépouillement scellé" in screen.site_state.text()
    assert not screen.withdraw_button.isVisible()
    services.counting.seal(session.id, PASSPHRASE)
    screen.reload()
    qtbot.waitUntil(lambda: screen.publish_button.isEnabled())
    assert screen.site_state.text() == "Pas encore sur le site public."
    screen.publish_button.setFocus()

    seen = _answer_next_box(qtbot, "escape")  # Échap: nothing published
    qtbot.keyClick(screen.publish_button, Qt.Key.Key_Space)
    assert seen and "ni numéro de bulletin" in seen[0] and "empreintes des scellés" in seen[0]
    assert services.site.published_results(printed.residence_id) is None

    seen = _answer_next_box(qtbot, "enter")  # Entrée: published, frozen
    qtbot.keyClick(screen.publish_button, Qt.Key.Key_Space)
    assert seen
    shown = services.site.published_results(printed.residence_id)
    assert shown is not None and shown.published and shown.sealed
    assert screen.site_state.text().startswith("Publiés sur le site le ")
    assert "provisoires" not in screen.site_state.text()
    assert screen.withdraw_button.isVisible()
    assert screen.publish_button.text() == "Mettre à jour sur le site…"
    assert services.site.state().results == 1
    path = tmp_path / "results-published.png"
    assert screen.grab().save(str(path)) and path.stat().st_size > 10_000

    seen = _answer_next_box(qtbot, "enter")
    qtbot.keyClick(screen.withdraw_button, Qt.Key.Key_Space)
    assert seen and "ne montrera plus" in seen[0]
    shown = services.site.published_results(printed.residence_id)
    assert shown is not None and not shown.published
    assert screen.site_state.text().startswith("Publication retirée")
    assert not screen.withdraw_button.isVisible()
    assert services.site.state().results == 0


def test_publish_results_refuses_a_count_not_sealed(count_ctx, printed):
    """The service's rule behind the screen: an unsealed count is published only when
    `provisional` is asked for (the command's --provisional, the demo), and then says so."""
    import pytest

    from app.errors import UserError

    services = count_ctx.services
    _count(services, printed)
    with pytest.raises(UserError, match="pas encore scellé"):
        services.site_results.publish_results(printed.residence_id)
    assert services.site.published_results(printed.residence_id) is None
    services.site_results.publish_results(printed.residence_id, provisional=True)
    shown = services.site.published_results(printed.residence_id)
    assert shown is not None and shown.published and not shown.sealed
    assert "provisoires" in ResultsScreen.site_words(shown, sealed=False)
