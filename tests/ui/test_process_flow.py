"""THE end-to-end test of the issue, through the main window and the keyboard: create a meeting,
capture three ideas in mode atelier, merge two into a project, review it in the commission grid,
export the minutes PDF and read its text back."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QWidget

from app.domain import models as m
from app.services.ideas import IdeaFilter
from ui.screens.atelier.window import AtelierWindow
from ui.screens.commission.screen import CommissionScreen
from ui.screens.meetings.screen import MeetingsScreen
from ui.screens.projects.screen import ProjectsScreen


def type_text(widget: QWidget, text: str) -> None:
    """Type text as key events (QTest.keyClicks cannot type accented letters)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def type_in_cell(qtbot, view: QTableView, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the grid: the first key opens the cell's editor, the rest goes into it, Entrée."""
    type_text(view, text[0])
    editor = next(e for e in view.findChildren(QLineEdit) if e.isVisible())
    type_text(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: view.state() != QTableView.State.EditingState, timeout=2000
    )  # queued commit


def capture(qtbot, atelier: AtelierWindow, title: str, description: str, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    type_text(atelier.title_edit, title)
    qtbot.keyClick(atelier.title_edit, Qt.Key.Key_Return)
    type_text(atelier.description_edit, description)
    qtbot.keyClick(atelier.description_edit, Qt.Key.Key_Return)
    qtbot.keyClick(atelier.picker, key)
    qtbot.keyClick(atelier.picker, Qt.Key.Key_Return)


def create_meeting_and_capture_ideas(main_window, qtbot) -> m.Meeting:  # type: ignore[no-untyped-def]
    main_window.go_to("meetings")
    meetings: MeetingsScreen = main_window.screen("meetings")
    qtbot.mouseClick(meetings.new_button, Qt.MouseButton.LeftButton)
    meeting = meetings.form.meeting
    assert meeting is not None and meeting.kind is m.MeetingKind.WORKSHOP
    type_text(meetings.form.place_edit, "Salle commune des Tilleuls")
    meetings.form.attendance.spins["residents"].setValue(12)
    qtbot.waitUntil(lambda: not meetings.form.saver.pending(), timeout=3000)
    qtbot.mouseClick(meetings.atelier_button, Qt.MouseButton.LeftButton)
    atelier = meetings.atelier
    assert atelier is not None and atelier.isFullScreen()
    qtbot.addWidget(atelier)
    qtbot.waitUntil(atelier.title_edit.hasFocus, timeout=2000)
    capture(qtbot, atelier, "Bancs près du square", "Pour les aînés, à l'ombre.", Qt.Key.Key_1)
    capture(qtbot, atelier, "Des bancs à l'entrée", "Devant le hall A.", Qt.Key.Key_1)
    capture(qtbot, atelier, "Nichoirs à oiseaux", "Avec l'école.", Qt.Key.Key_2)
    assert atelier.counter.text() == "3 idées notées"
    qtbot.keyClick(atelier.title_edit, Qt.Key.Key_Escape)
    assert meetings.atelier is None
    stored = meetings.ctx.services.meetings.get_meeting(meeting.id)
    assert stored.place == "Salle commune des Tilleuls" and stored.attendees == 12
    return stored


def merge_two_ideas(main_window, qtbot, meeting: m.Meeting) -> m.Project:  # type: ignore[no-untyped-def]
    services = main_window.ctx.services
    ideas = services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))
    assert [i.title for i in ideas] == [
        "Bancs près du square",
        "Des bancs à l'entrée",
        "Nichoirs à oiseaux",
    ]
    main_window.go_to("projects")
    projects: ProjectsScreen = main_window.screen("projects")
    projects.residence_filter.setCurrentIndex(
        projects.residence_filter.findData(meeting.residence_id)
    )
    qtbot.mouseClick(projects.merge_button, Qt.MouseButton.LeftButton)
    panel = projects.merge_panel
    assert {i.id for i in panel.model.rows()} >= {i.id for i in ideas}
    panel.view.setFocus()
    for idea in ideas[:2]:
        panel.view.setCurrentIndex(
            panel.model.index(panel.model.row_of(lambda i, x=idea: i.id == x.id), 0)
        )
        qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    project = projects.form.project
    assert project is not None and set(project.idea_ids) == {ideas[0].id, ideas[1].id}
    projects.form.title_edit.selectAll()
    type_text(projects.form.title_edit, "Des bancs pour se reposer")
    projects.form.cost_edit.setText("2 400")
    projects.form.saver.touch()
    assert projects.form.saver.flush()
    return services.projects.get_project(project.id)


def review_in_grid(main_window, qtbot, project: m.Project) -> CommissionScreen:  # type: ignore[no-untyped-def]
    main_window.go_to("commission")
    commission: CommissionScreen = main_window.screen("commission")
    row = commission.model.row_of_project(project.id)
    assert row >= 0
    view = commission.view
    view.setFocus()
    view.setCurrentIndex(commission.model.index(row, 1))
    for _criterion in commission.model.criteria:
        qtbot.keyClick(view, Qt.Key.Key_1)
    qtbot.keyClick(view, Qt.Key.Key_1)  # decision: recevable
    qtbot.keyClick(view, Qt.Key.Key_Right)
    type_in_cell(qtbot, view, "2300")  # validated cost, typed straight into the cell
    qtbot.keyClick(view, Qt.Key.Key_Right)
    type_in_cell(qtbot, view, "Utile à tous, dans l'enveloppe.")
    assert commission.model.drafts[row].cost == "2300", commission.model.drafts[row]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert commission.model.drafts[row].error == "" and not commission.model.drafts[row].dirty, (
        commission.model.drafts[row]
    )
    review = commission.ctx.services.commission.latest_reviews()[project.id]
    assert review.decision is m.Decision.ADMISSIBLE
    assert review.validated_cost_cents == 2_300_00
    assert review.public_reason == "Utile à tous, dans l'enveloppe."
    return commission


def test_meeting_atelier_merge_review_minutes(main_window, qtbot, tmp_path: Path) -> None:
    meeting = create_meeting_and_capture_ideas(main_window, qtbot)
    project = merge_two_ideas(main_window, qtbot, meeting)
    commission = review_in_grid(main_window, qtbot, project)
    target = tmp_path / "compte-rendu.pdf"
    commission.export_minutes_to(target)
    assert target.exists() and not main_window.ctx.errors
    pdf = pypdfium2.PdfDocument(target)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = " ".join(text.split())
    assert "commission" in flat.lower()
    assert "Sophie Laurent" in flat  # members present
    assert "Des bancs pour se reposer" in flat
    assert "Recevable" in flat and "Utile à tous, dans l'enveloppe." in flat
    assert "2 300" in flat.replace("\u202f", " ").replace("\u00a0", " ")
