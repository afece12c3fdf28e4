"""The "Réunions & idées" screen on the demo campaign: list, save-as-you-type, questions, ideas."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain import models as m
from ui.screens.meetings.screen import MeetingsScreen, default_meeting_day


def type_text(widget: QWidget, text: str) -> None:
    """Type text as key events (QTest.keyClicks cannot type accented letters)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def make_screen(ctx, qtbot) -> MeetingsScreen:  # type: ignore[no-untyped-def]
    screen = MeetingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def test_lists_demo_meetings_newest_first_with_form(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    meetings = ctx.services.meetings.list_meetings()
    assert screen.proxy.rowCount() == len(meetings) == 5
    first = screen.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole)
    assert first.starts_at == max(mt.starts_at for mt in meetings)
    assert screen.form.meeting is not None and screen.form.meeting.id == first.id
    assert screen.form.place_edit.text() == first.place
    assert "5 réunions" in screen.summary.text()


def test_new_meeting_then_edit_saves_as_you_type(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    meeting = screen.new_meeting()
    assert meeting is not None
    assert screen.form.meeting is not None and screen.form.meeting.id == meeting.id
    screen.form.place_edit.setFocus()
    type_text(screen.form.place_edit, "Salle des fêtes")
    screen.form.attendance.spins["residents"].setValue(17)
    screen.form.attendance.spins["youth"].setValue(4)
    assert screen.form.saver.pending()
    qtbot.waitUntil(lambda: not screen.form.saver.pending(), timeout=3000)
    stored = ctx.services.meetings.get_meeting(meeting.id)
    assert stored.place == "Salle des fêtes"
    assert stored.attendance == {"residents": 17, "youth": 4}
    assert "Enregistré" in screen.form.hint.text()
    assert "21 personnes" in screen.form.attendance.total.text()


def test_date_outside_campaign_shows_inline_error(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    before = screen.form.meeting
    assert before is not None
    screen.form.when_edit.setDateTime(screen.form.when_edit.dateTime().addYears(-5))
    assert screen.form.saver.save_now() is False
    assert "en dehors de la campagne" in screen.form.form.errors()["starts_at"]
    assert ctx.services.meetings.get_meeting(before.id).starts_at == before.starts_at


def test_questions_add_edit_remove_with_undo(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    editor = screen.form.questions
    count = len(editor.questions())
    editor.question_edit.setText("Qui paiera l'entretien ?")
    editor.answer_edit.setText("Le bailleur.")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert [q.question for q in editor.questions()][-1] == "Qui paiera l'entretien ?"
    editor.view.selectRow(len(editor.questions()) - 1)
    assert editor.save_button.text() == "Enregistrer la question"
    editor.answer_edit.setText("Le bailleur, avec la Ville.")
    editor.save_question()
    meeting_id = screen.form.meeting.id
    stored = ctx.services.meetings.get_meeting(meeting_id).questions
    assert stored[-1].answer == "Le bailleur, avec la Ville."
    editor.view.selectRow(len(editor.questions()) - 1)
    editor.remove_question()
    assert len(ctx.services.meetings.get_meeting(meeting_id).questions) == count
    assert ctx.notices[-1] == "Question retirée"


def test_empty_question_refused_inline(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    editor = screen.form.questions
    editor.question_edit.setText("   ")
    editor.save_question()
    assert "obligatoire" in editor.form.errors()["question"]


def test_ideas_filters_and_unassigned(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.ideas
    total = len(ctx.services.ideas.list_ideas())
    assert panel.proxy.rowCount() == total
    panel.unassigned_check.setChecked(True)
    unassigned = [i for i in ctx.services.ideas.list_ideas() if i.project_id is None]
    assert {i.id for i in panel.visible_ideas()} == {i.id for i in unassigned}
    panel.unassigned_check.setChecked(False)
    type_text(panel.search_edit, "vélo")
    assert [i.title for i in panel.visible_ideas()] == ["Local vélos sécurisé"]
    panel.search_edit.clear()
    panel.theme_filter.setCurrentIndex(panel.theme_filter.findData("Espaces verts"))
    assert {i.theme for i in panel.visible_ideas()} == {"Espaces verts"}
    assert "affichées sur" in panel.count_label.text()


def test_idea_form_saves_and_refuses_bad_cost(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.ideas
    screen.tabs.setCurrentWidget(panel)
    panel.view.selectRow(0)
    idea = panel.form.idea
    assert idea is not None
    panel.form.cost_edit.setText("-50")
    panel.form.saver.touch()
    assert panel.form.saver.flush() is False
    assert "négatif" in panel.form.form.errors()["estimated_cost_cents"]
    panel.form.cost_edit.setText("1 250,50")
    panel.form.location_edit.setText("Près du hall")
    panel.form.saver.touch()
    assert panel.form.saver.flush() is True
    stored = ctx.services.ideas.get_idea(idea.id)
    assert stored.estimated_cost_cents == 125050 and stored.location == "Près du hall"


def test_delete_unassigned_idea_then_undo(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    idea = next(i for i in ctx.services.ideas.list_ideas() if i.project_id is None)
    screen.ideas.delete_idea(idea.id)
    assert idea.id not in {i.id for i in ctx.services.ideas.list_ideas()}
    assert "supprimée" in ctx.notices[-1]
    screen.ideas._restore(idea.id)
    assert idea.id in {i.id for i in screen.ideas.model.rows()}


def test_default_meeting_day_stays_in_campaign(ctx) -> None:
    campaign = ctx.services.campaigns.get_campaign()
    far = campaign.results_date.replace(year=campaign.results_date.year + 3)
    assert default_meeting_day(campaign, far) == campaign.results_date
    assert default_meeting_day(campaign, campaign.vote_start) == campaign.vote_start
    assert m.MeetingKind.WORKSHOP in m.MEETING_KIND_LABELS


def test_attendance_total_is_singular_for_zero_and_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.screens.meetings.form import AttendanceEditor

    editor = AttendanceEditor()
    qtbot.addWidget(editor)
    editor.set_counts({})
    assert editor.total.text() == "Total : 0 personne"
    editor.spins["residents"].setValue(1)
    assert editor.total.text() == "Total : 1 personne"
    editor.spins["youth"].setValue(2)
    assert editor.total.text() == "Total : 3 personnes"
