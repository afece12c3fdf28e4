"""The commission screen: session, the keyboard-driven grid, inline errors, recording reviews."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import models as m
from ui.screens.commission.screen import CommissionScreen


def make_screen(ctx, qtbot) -> CommissionScreen:  # type: ignore[no-untyped-def]
    screen = CommissionScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def pending_row(screen: CommissionScreen) -> int:
    return next(i for i, r in enumerate(screen.model.rows) if r.review is None)


def test_grid_shows_projects_criteria_and_latest_reviews(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    criteria = ctx.services.campaigns.list_criteria()
    assert screen.model.columnCount() == len(criteria) + 5
    assert screen.model.rowCount() == len(ctx.services.commission.grid())
    reviewed = next(
        i
        for i, r in enumerate(screen.model.rows)
        if r.review and r.review.decision is m.Decision.ADMISSIBLE
    )
    assert screen.model.index(reviewed, 1).data() == "✔ Respecté"
    assert screen.model.index(reviewed, screen.model.decision_column).data() == "✔ Recevable"
    assert screen.model.index(reviewed, screen.model.state_column).data() == "✔ Enregistré"
    assert screen.session_panel.session is not None
    assert "Sophie Laurent" in screen.session_panel.members_edit.toPlainText()


def test_keys_set_verdicts_and_decision_then_enter_records(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    row = pending_row(screen)
    project = screen.model.rows[row].project
    screen.view.setFocus()
    screen.view.setCurrentIndex(screen.model.index(row, 1))
    criteria = screen.model.criteria
    for _criterion in criteria:  # each key moves to the next column
        qtbot.keyClick(screen.view, Qt.Key.Key_1)
    assert screen.view.currentIndex().column() == screen.model.decision_column
    assert screen.model.index(row, screen.model.state_column).data() == "● À enregistrer (Entrée)"
    qtbot.keyClick(screen.view, Qt.Key.Key_R)
    assert screen.model.drafts[row].decision is m.Decision.ADMISSIBLE
    qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    review = ctx.services.commission.latest_reviews()[project.id]
    assert review.decision is m.Decision.ADMISSIBLE
    assert {v.criterion_id for v in review.verdicts} == {c.id for c in criteria}
    assert ctx.services.projects.get_project(project.id).status is m.ProjectStatus.ADMISSIBLE
    assert screen.view.currentIndex().row() == min(row + 1, screen.model.rowCount() - 1)
    assert "Décision enregistrée" in ctx.notices[-1]


def test_not_met_criterion_refuses_admissible_inline(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    row = pending_row(screen)
    screen.view.setFocus()
    screen.view.setCurrentIndex(screen.model.index(row, 1))
    qtbot.keyClick(screen.view, Qt.Key.Key_N)
    assert screen.model.index(row, 1).data() == "✖ Non respecté"
    screen.view.setCurrentIndex(screen.model.index(row, screen.model.decision_column))
    qtbot.keyClick(screen.view, Qt.Key.Key_1)
    qtbot.keyClick(screen.view, Qt.Key.Key_Enter)
    assert (
        "ne peut pas être déclaré recevable"
        in screen.model.index(row, screen.model.state_column).data()
    )
    assert "ne peut pas être déclaré recevable" in screen.message.text()
    assert screen.model.rows[row].project.id not in ctx.services.commission.latest_reviews()


def test_inadmissible_needs_reason_then_records(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    row = pending_row(screen)
    project = screen.model.rows[row].project
    screen.view.setFocus()
    screen.view.setCurrentIndex(screen.model.index(row, screen.model.decision_column))
    qtbot.keyClick(screen.view, Qt.Key.Key_2)
    assert screen.record_row(row) is False
    assert "motif public" in screen.model.drafts[row].error.lower()
    screen.model.setData(
        screen.model.index(row, screen.model.reason_column), "Hors du patrimoine du bailleur."
    )
    assert screen.model.drafts[row].error == ""
    assert screen.record_row(row) is True
    review = ctx.services.commission.latest_reviews()[project.id]
    assert (review.decision, review.public_reason) == (
        m.Decision.INADMISSIBLE,
        "Hors du patrimoine du bailleur.",
    )


def test_validated_cost_typed_in_the_grid(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    row = pending_row(screen)
    project = screen.model.rows[row].project
    cost = screen.model.index(row, screen.model.cost_column)
    screen.model.setData(cost, "abc")
    screen.model.set_decision(row, m.Decision.REWORK)
    screen.model.setData(screen.model.index(row, screen.model.reason_column), "Préciser le devis.")
    assert screen.record_row(row) is False
    assert "n'est pas un montant" in screen.model.drafts[row].error
    screen.model.setData(cost, "1 500")
    assert screen.record_row(row) is True
    assert ctx.services.commission.latest_reviews()[project.id].validated_cost_cents == 1_500_00


def test_new_session_is_created_once_members_are_typed(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    before = len(ctx.services.commission.list_sessions())
    qtbot.mouseClick(screen.session_panel.new_button, Qt.MouseButton.LeftButton)
    assert screen.session_panel.session is None
    assert not screen.record_button.isEnabled()
    screen.session_panel.place_edit.setText("Mairie annexe")
    screen.session_panel.saver.touch()
    assert screen.session_panel.saver.flush() is False
    assert "membres présents" in screen.session_panel.form.errors()["members"]
    screen.session_panel.members_edit.setPlainText(
        "Anne Petit (bailleur)\nOmar Diallo (locataires)"
    )
    assert screen.session_panel.saver.flush() is True
    sessions = ctx.services.commission.list_sessions()
    assert len(sessions) == before + 1
    assert sessions[-1].members == ("Anne Petit (bailleur)", "Omar Diallo (locataires)")
    assert screen.session_panel.session.id == sessions[-1].id
    assert screen.record_button.isEnabled()
