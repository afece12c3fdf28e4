"""Mode atelier: one keyboard flow, the counter, Échap, undo, and the draft that survives a crash."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.services.ideas import IdeaFilter
from ui.screens.atelier.window import AtelierWindow


def type_text(widget: QWidget, text: str) -> None:
    """Type text as key events (QTest.keyClicks cannot type accented letters)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def workshop(ctx):  # type: ignore[no-untyped-def]
    return next(
        mt for mt in ctx.services.meetings.list_meetings() if mt.residence_id and mt.idea_count
    )


def open_window(ctx, qtbot, meeting_id: str) -> AtelierWindow:  # type: ignore[no-untyped-def]
    window = AtelierWindow(ctx, meeting_id)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.title_edit.hasFocus, timeout=2000)
    return window


def note_idea(
    qtbot, window: AtelierWindow, title: str, description: str, theme_key: Qt.Key
) -> None:  # type: ignore[no-untyped-def]
    type_text(window.title_edit, title)
    qtbot.keyClick(window.title_edit, Qt.Key.Key_Return)
    assert window.description_edit.hasFocus()
    type_text(window.description_edit, description)
    qtbot.keyClick(window.description_edit, Qt.Key.Key_Return)
    assert window.picker.hasFocus()
    qtbot.keyClick(window.picker, theme_key)
    qtbot.keyClick(window.picker, Qt.Key.Key_Return)


def test_keyboard_flow_saves_ideas_and_counts(ctx, qtbot) -> None:
    meeting = workshop(ctx)
    window = open_window(ctx, qtbot, meeting.id)
    assert window.title_edit.hasFocus()
    assert window.counter.text() == f"{meeting.idea_count} idées notées"
    note_idea(qtbot, window, "Des bancs à l'ombre", "Près du square, pour les aînés.", Qt.Key.Key_1)
    assert window.title_edit.hasFocus() and window.title_edit.text() == ""
    assert window.counter.text() == f"{meeting.idea_count + 1} idées notées"
    ideas = ctx.services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))
    saved = ideas[-1]
    assert (saved.title, saved.description) == (
        "Des bancs à l'ombre",
        "Près du square, pour les aînés.",
    )
    assert saved.theme == window.picker.themes()[0] and saved.residence_id == meeting.residence_id
    assert "Des bancs à l'ombre" in window.recent.text()
    assert ctx.services.ideas.load_draft(meeting.id) == {}


def test_shift_enter_keeps_new_line_and_tab_moves_on(ctx, qtbot) -> None:
    window = open_window(ctx, qtbot, workshop(ctx).id)
    type_text(window.title_edit, "Fresque")
    qtbot.keyClick(window.title_edit, Qt.Key.Key_Tab)
    assert window.description_edit.hasFocus()
    type_text(window.description_edit, "ligne 1")
    qtbot.keyClick(window.description_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(window.description_edit, "ligne 2")
    assert window.description_edit.toPlainText() == "ligne 1\nligne 2"
    qtbot.keyClick(window.description_edit, Qt.Key.Key_Tab)
    assert window.picker.hasFocus()
    qtbot.keyClick(window.picker, Qt.Key.Key_3)
    assert window.picker.theme == window.picker.themes()[2]
    qtbot.keyClick(window.picker, Qt.Key.Key_0)
    assert window.picker.theme == ""


def test_empty_title_is_refused_inline(ctx, qtbot) -> None:
    meeting = workshop(ctx)
    window = open_window(ctx, qtbot, meeting.id)
    qtbot.keyClick(window.title_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.title_error.isVisible()
    assert "obligatoire" in window.title_error.text()
    assert (
        len(ctx.services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))) == meeting.idea_count
    )


def test_draft_survives_a_crash_and_is_restored(ctx, qtbot) -> None:
    meeting = workshop(ctx)
    window = open_window(ctx, qtbot, meeting.id)
    type_text(window.title_edit, "Abri à vélos")
    type_text(window.description_edit, "Couvert, près de l'entrée")
    qtbot.waitUntil(
        lambda: ctx.services.ideas.load_draft(meeting.id).get("description", "").endswith("entrée"),
        timeout=3000,
    )
    window.deleteLater()  # the laptop dies: no close event, no save
    qtbot.wait(10)
    again = open_window(ctx, qtbot, meeting.id)
    assert again.title_edit.text() == "Abri à vélos"
    assert again.description_edit.toPlainText() == "Couvert, près de l'entrée"
    assert "retrouvée" in again.draft_hint.text()


def test_escape_leaves_and_saves_the_idea(ctx, qtbot) -> None:
    meeting = workshop(ctx)
    window = open_window(ctx, qtbot, meeting.id)
    closed = []
    window.closed.connect(closed.append)
    type_text(window.title_edit, "Boîte aux lettres")
    qtbot.keyClick(window.title_edit, Qt.Key.Key_Escape)
    assert closed == [1] and not window.isVisible()
    titles = [i.title for i in ctx.services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))]
    assert "Boîte aux lettres" in titles
    assert ctx.services.ideas.load_draft(meeting.id) == {}


def test_escape_without_title_keeps_the_description_as_draft(ctx, qtbot) -> None:
    meeting = workshop(ctx)
    window = open_window(ctx, qtbot, meeting.id)
    type_text(window.description_edit, "Une idée sans titre encore")
    qtbot.keyClick(window.description_edit, Qt.Key.Key_Escape)
    assert ctx.services.ideas.load_draft(meeting.id)["description"] == "Une idée sans titre encore"


def test_undo_last_idea(ctx, qtbot) -> None:
    meeting = workshop(ctx)
    window = open_window(ctx, qtbot, meeting.id)
    note_idea(qtbot, window, "Erreur de frappe", "", Qt.Key.Key_2)
    assert window.undo_button.isEnabled()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    titles = [i.title for i in ctx.services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))]
    assert "Erreur de frappe" not in titles
    assert window.counter.text() == f"{meeting.idea_count} idées notées"
    assert not window.undo_button.isEnabled()


def test_meeting_without_residence_asks_for_one(ctx, qtbot) -> None:
    meeting = next(mt for mt in ctx.services.meetings.list_meetings() if mt.residence_id is None)
    window = open_window(ctx, qtbot, meeting.id)
    assert window.residence_box.isVisible()
    residences = ctx.services.campaigns.list_residences()
    window.residence_box.setCurrentIndex(window.residence_box.findData(residences[1].id))
    type_text(window.title_edit, "Un composteur")
    assert window.save_idea()
    idea = ctx.services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))[-1]
    assert idea.residence_id == residences[1].id
