"""Tableau de bord: the demo campaign's figures, and every figure opens the list behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.screens.dashboard.screen import DashboardScreen

PASSPHRASE = "une phrase secrète pour les tests"


def _screen(ctx, qtbot) -> DashboardScreen:  # type: ignore[no-untyped-def]
    screen = DashboardScreen(ctx)
    qtbot.addWidget(screen)
    screen.refresh()
    return screen


def test_figures_match_the_service(ctx, qtbot):
    screen = _screen(ctx, qtbot)
    board = ctx.services.dashboard.overview()
    assert screen.model.rowCount() == len(board.residences) > 0
    assert screen.tiles["ideas"].figure.text() == str(board.totals.ideas)
    assert screen.tiles["meetings"].figure.text() == str(board.totals.meetings_held)
    names = [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]
    assert names == [r.name for r in board.residences]
    # ideas and the hot line's questions together (the demo's "Autre" has questions only)
    assert [(b.label, b.value) for b in screen.themes_chart.bars] == [
        (t.theme, t.ideas + t.questions) for t in board.themes[:8] if t.ideas or t.questions
    ]
    assert any(b.label == "Autre" and b.value == 2 for b in screen.themes_chart.bars)
    # no count yet: the turnout says "—" and the result says it in words, not a second dash
    assert [screen.model.index(0, c).data() for c in (6, 7)] == ["—", "à venir"]
    # the hot line's questions are in the meetings column's tooltip beside the meetings' ones
    tooltips = "\n".join(
        screen.model.index(r, 1).data(Qt.ItemDataRole.ToolTipRole)
        for r in range(screen.model.rowCount())
    )
    assert "à la permanence" in tooltips


def test_every_figure_opens_its_list(main_window, qtbot):
    screen = main_window.screens["dashboard"]
    main_window.go_to("dashboard")
    screen.refresh()
    qtbot.keyClick(screen.tiles["ideas"], Qt.Key.Key_Return)
    assert main_window.current_key() == "meetings"
    meetings = main_window.screens["meetings"]
    assert meetings.tabs.currentWidget() is meetings.ideas
    main_window.go_to("dashboard")
    row = screen.model.rows().index(next(r for r in screen.model.rows() if r.projects))
    screen.open_cell(screen.model.index(row, 4))  # Recevables
    assert main_window.current_key() == "projects"
    projects = main_window.screens["projects"]
    assert projects.residence_filter.currentData() == screen.model.row_at(row).residence_id
    screen.open_tile("ballots")
    assert main_window.current_key() == "count"


def test_results_fill_in_after_a_count(ctx, qtbot):
    services = ctx.services
    residence_id = services.demo.demo_residence_id()
    session = services.counting.open_session(residence_id, "Agnès", passphrase=PASSPHRASE)
    project = services.ballots.admissible_projects(residence_id)[0]
    for _i in range(3):
        services.counting.hand_key(session.id, [project.id], "Bulletin déchiré")
    screen = _screen(ctx, qtbot)  # the inline task runner computes the results at once
    row = next(i for i, r in enumerate(screen.model.rows()) if r.residence_id == residence_id)
    assert screen.model.row_at(row).ballots_returned == 3
    assert screen.model.index(row, 7).data() == "1 financé, provisoire"
    assert [b.key for b in screen.turnout_chart.bars] == [residence_id]
    screen.open_results(residence_id)
    assert screen.opened[-1] == ("results", "", residence_id)


def test_empty_data_folder_teaches(empty_ctx, qtbot):
    screen = _screen(empty_ctx, qtbot)
    assert not screen.empty.isHidden() and screen.body.isHidden()
    assert not screen.report_button.isEnabled()


def test_timeline_on_a_given_day(ctx, qtbot):
    screen = DashboardScreen(ctx)
    qtbot.addWidget(screen)
    campaign = ctx.services.campaigns.get_campaign()
    assert campaign.vote_start is not None
    screen.today = lambda: campaign.vote_start
    screen.refresh()
    states = {s.key: s.state for s in screen.timeline.steps}
    assert states["vote"] == "now" and states["commission"] in ("done", "now")
    assert "Vote" in screen.header.subtitle_label.text()


def test_recommendations_are_saved_as_you_type_and_the_report_is_written(ctx, qtbot, tmp_path):
    screen = _screen(ctx, qtbot)
    screen.recommendations.text.setPlainText("Tenir les ateliers le samedi.")
    assert screen.recommendations.saver.flush()
    assert ctx.services.evaluation.recommendations() == "Tenir les ateliers le samedi."
    screen.write_report(tmp_path / "rapport.pdf")  # the inline runner writes it at once
    assert (tmp_path / "rapport.pdf").stat().st_size > 10_000
    assert ctx.notices[-1].startswith("Rapport d'évaluation enregistré")
    again = _screen(ctx, qtbot)
    assert again.recommendations.text.toPlainText() == "Tenir les ateliers le samedi."


def test_results_screen_shows_the_online_vote_apart(ctx, qtbot, tmp_path):
    from tests.app.interop.test_decidim_vote import pb_file
    from ui.screens.results.screen import ResultsScreen

    services = ctx.services
    residence_id = services.demo.demo_residence_id()
    residence = services.campaigns.get_residence(residence_id)
    session = services.counting.open_session(residence_id, "Agnès", passphrase=PASSPHRASE)
    project = services.ballots.admissible_projects(residence_id)[0]
    services.counting.hand_key(session.id, [project.id], "Bulletin déchiré")
    f = pb_file(tmp_path / "vote.pb", [("a", "1"), ("b", "1")],
                projects=[("1", "100", project.title)])  # fmt: skip
    services.online_vote.import_online_vote(f, residence.name)
    screen = ResultsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show_residence(residence_id)
    text = screen.online.text()
    assert "Vote en ligne (Decidim, vote.pb) : 2 votes, combinés aux 1 bulletins papier" in text
    assert f"{project.title} : 1 papier + 2 en ligne = 3" in text
