"""The "Participants" tab of "Réunions & idées" on the demo campaign: consent first, export, erasure.

Personal data is kept only with a recorded consent: the service refuses the rest and the tab shows
its message under the consent field. Export writes the right-of-access JSON; erasure asks for the
typed name, then the name is gone from the list, from the ideas and from the database file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui.screens.meetings.screen import MeetingsScreen
from ui.screens.participants.erase import confirms
from ui.screens.participants.panel import ParticipantsPanel

FATIMA = "Fatima Benali (nom inventé)"


def type_text(widget: QWidget, text: str) -> None:
    """Type as key events, one by one (QTest.keyClicks aborts on accented letters)."""
    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def make_screen(ctx, qtbot) -> MeetingsScreen:  # type: ignore[no-untyped-def]
    """The whole "Réunions & idées" screen on its Participants tab (keep a reference to it)."""
    screen = MeetingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    screen.tabs.setCurrentWidget(screen.participants)
    return screen


def saved(panel: ParticipantsPanel, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not panel.form.saver.pending(), timeout=3000)


def fatima(panel: ParticipantsPanel):  # type: ignore[no-untyped-def]
    return next(p for p in panel.people() if p.name == FATIMA)


def test_tab_lists_demo_people_with_residence_and_consent(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    labels = [screen.tabs.tabText(i) for i in range(screen.tabs.count())]
    assert labels == ["Réunions", "Idées", "Participants"]
    assert [p.name for p in panel.people()] == [FATIMA, "Jean-Marc Dupuis (nom inventé)"]
    row = [panel.proxy.index(0, c).data() for c in range(4)]
    assert row[0] == FATIMA and row[1] == "Les Tilleuls" and row[2] == "Bât. A, apt 12"
    assert row[3].endswith(str(fatima(panel).consent_at.year)) and "/" not in row[3]
    assert panel.form.person is not None and panel.form.name_edit.text() == FATIMA
    assert panel.form.consent.check.isChecked()
    panel.search_edit.setText("hauts bel air")
    assert [p.name for p in panel.visible_people()] == ["Jean-Marc Dupuis (nom inventé)"]
    assert "1 affichée sur 2 personnes nommées" in panel.count_label.text()


def test_add_a_person_with_consent_saves_as_you_type(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    panel.new_person()
    assert panel.form.creating and panel.form.name_edit.text() == ""
    panel.form.consent.check.click()  # the date becomes today
    assert panel.form.consent.value() == date.today()
    type_text(panel.form.name_edit, "Zoé Martin")
    type_text(panel.form.phone_edit, "06 11 22 33 44")
    panel.form.residence_box.setCurrentIndex(2)
    saved(panel, qtbot)
    stored = next(
        p for p in ctx.services.participants.list_participants() if p.name == "Zoé Martin"
    )
    assert stored.phone == "06 11 22 33 44" and stored.consent_at == date.today()
    assert stored.residence_id == panel.form.residence_box.itemData(2)
    assert len(ctx.services.participants.list_participants()) == 3
    assert panel.view.current_object().id == stored.id
    assert "Enregistré" in panel.form.hint.text()
    type_text(panel.form.email_edit, "zoe@example.org")  # later edits update the same person
    saved(panel, qtbot)
    assert len(ctx.services.participants.list_participants()) == 3
    assert ctx.services.participants.export_participant(stored.id)["email"] == "zoe@example.org"


def test_a_name_without_consent_is_refused_under_the_consent_field(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    panel.new_person()
    type_text(panel.form.name_edit, "Léon Sans-Accord")
    saved(panel, qtbot)
    errors = panel.form.form.errors()
    assert list(errors) == ["consent_at"]
    assert "Sans consentement enregistré" in errors["consent_at"]
    assert "Non enregistré" in panel.form.hint.text()
    assert len(ctx.services.participants.list_participants()) == 2
    assert panel.form.name_edit.text() == "Léon Sans-Accord"  # nothing typed is lost
    panel.form.consent.check.click()
    saved(panel, qtbot)
    assert panel.form.form.errors() == {}
    assert "Léon Sans-Accord" in [p.name for p in ctx.services.participants.list_participants()]


def test_withdrawing_consent_in_the_form_is_refused_and_points_to_erasure(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    person = fatima(panel)
    panel.view.select_row_where(lambda p: p.id == person.id)
    panel.form.consent.check.click()
    saved(panel, qtbot)
    assert "consent_at" in panel.form.form.errors()
    assert ctx.services.participants.export_participant(person.id)["consent_at"] is not None


def test_export_writes_the_json_with_the_ideas_proposed(ctx, qtbot, tmp_path: Path) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    person = fatima(panel)
    path = panel.export_to(person.id, tmp_path / "export" / "fatima")
    assert path == tmp_path / "export" / "fatima.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["name"] == FATIMA and data["phone"] == "06 00 00 00 00"
    assert data["consent_at"] == person.consent_at.isoformat()
    assert [i["title"] for i in data["ideas_proposed"]] == ["Jardin partagé"]
    assert "Fatima" in path.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes
    assert any("Données exportées" in n for n in ctx.notices)


def test_export_to_an_unwritable_place_says_so_in_french(ctx, qtbot, tmp_path: Path) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert panel.export_to(fatima(panel).id, blocker / "sub" / "f.json") is None
    assert any("Impossible d'écrire" in e for e in ctx.errors)


def test_erase_needs_the_typed_name_then_removes_everything(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    person = fatima(panel)
    idea = next(i for i in ctx.services.ideas.list_ideas() if i.proposer_id == person.id)
    dialog = panel.ask_erase(person.id)
    assert dialog is not None and not dialog.erase_button.isEnabled()
    dialog.typed.setText("fatima")
    assert not dialog.erase_button.isEnabled()
    dialog.accept()  # Entrée with a wrong name does nothing
    assert len(ctx.services.participants.list_participants()) == 2
    dialog.typed.setText("fatima benali (nom invente)")  # case and accents not required
    assert dialog.erase_button.isEnabled()
    dialog.erase_button.click()
    assert [p.name for p in panel.people()] == ["Jean-Marc Dupuis (nom inventé)"]
    assert panel.form.person is None or panel.form.person.id != person.id
    assert ctx.services.ideas.get_idea(idea.id).proposer_id is None
    assert any("effacées" in n for n in ctx.notices)
    assert not any("Fatima" in n for n in ctx.notices)  # the toast does not repeat the name
    db = Path(ctx.services.db.path)
    wal = db.with_name(db.name + "-wal")
    raw = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"Fatima" not in raw and b"06 00 00 00 00" not in raw


def test_cancelling_the_erase_dialog_keeps_the_person(ctx, qtbot) -> None:
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    dialog = panel.ask_erase(fatima(panel).id)
    assert dialog is not None
    dialog.typed.setText(FATIMA)
    dialog.reject()
    assert len(ctx.services.participants.list_participants()) == 2
    assert panel.erase_dialog is None


def test_empty_state_teaches_and_offers_to_add(ctx, qtbot) -> None:
    for person in ctx.services.participants.list_participants():
        ctx.services.participants.erase_participant(person.id)
    screen = make_screen(ctx, qtbot)
    panel = screen.participants
    assert panel.stack.currentWidget() is panel.empty
    assert "si elle est d'accord" in panel.empty.text_label.text()
    assert "participation de la réunion" in panel.empty.text_label.text()
    assert panel.empty.button is not None
    panel.empty.button.click()
    assert panel.stack.currentIndex() == 0 and panel.form.creating and panel.form.isEnabled()


def test_confirmation_ignores_case_accents_and_spaces() -> None:
    assert confirms("  zoe   MARTIN ", "Zoé Martin")
    assert not confirms("Zoé", "Zoé Martin")
    assert not confirms("", "Zoé Martin")
