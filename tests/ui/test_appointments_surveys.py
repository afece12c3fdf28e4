"""The Permanences and Questionnaires screens on the demo campaign."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate

from app.domain.surveys import QuestionKind
from ui.screens.appointments.screen import AppointmentsScreen
from ui.screens.surveys.screen import SurveysScreen


def _show(screen, qtbot):  # type: ignore[no-untyped-def]
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _demo_tuesday(screen: AppointmentsScreen) -> None:
    today = date.today()
    tuesday = today - timedelta(days=today.weekday()) + timedelta(days=1)
    screen.day.setDate(QDate(tuesday.year, tuesday.month, tuesday.day))


def test_day_view_books_anonymously_and_refuses_a_name_without_consent(ctx, qtbot) -> None:
    screen = _show(AppointmentsScreen(ctx), qtbot)
    _demo_tuesday(screen)
    rows = [r for r in screen.model.rows() if r.place == "Salle commune"]
    assert [r.booked for r in rows] == [True, True, False, True]
    first = screen.model.row_of(lambda a: a.id == rows[0].id)
    assert screen.model.index(first, 3).data() == "Anonyme"
    assert screen.model.index(first, 2).data() == "Salle commune"
    assert screen.table.select_row_where(lambda a: a.id == rows[2].id)
    form = screen.form
    assert form.save.text() == "Réserver" and not form.answer.isEnabled()
    form.question.setPlainText("Où déposer une idée ?")
    form.consent.setChecked(True)
    form.name.setText("M. Test")
    form.consent.setChecked(False)  # unticking consent clears the name: never kept
    assert form.name.text() == "" and not form.name.isEnabled()
    form.submit()
    booked = ctx.services.appointments.get(rows[2].id)
    assert booked.booked and booked.anonymous and booked.question == "Où déposer une idée ?"
    assert screen.model.index(screen.model.row_of(lambda a: a.id == booked.id), 3).data() == (
        "Anonyme"
    )
    screen.table.select_row_where(lambda a: a.id == booked.id)
    form.answer.setPlainText("Au local commun.")
    form.follow_up.setText("Rappeler jeudi")
    form.submit()
    assert ctx.services.appointments.get(booked.id).follow_up_open
    assert "2 suites à donner" in screen.badge()
    assert "2 suites à donner" in screen.figures.text()


def test_weekly_sheet_from_the_screen(ctx, qtbot, tmp_path) -> None:
    screen = _show(AppointmentsScreen(ctx), qtbot)
    _demo_tuesday(screen)
    path = screen.save_sheet(tmp_path / "semaine.pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    assert "Feuille enregistrée : semaine.pdf" in ctx.notices


def test_compose_print_and_read_a_survey(ctx, qtbot, tmp_path) -> None:
    screen = _show(SurveysScreen(ctx), qtbot)
    assert screen.model.rowCount() == 1  # the demo survey, printed
    assert not screen.editor.rows()[0].isEnabled()  # printed: kept as printed
    screen.new_survey()
    assert screen.editor.rows()[0].isEnabled()
    screen.save_survey()
    assert "Ajoutez au moins une question." in screen.form.errors()["questions"]
    screen.title_edit.setText("Après le vote")
    row = screen.editor.rows()[0]
    row.kind.setCurrentIndex(0)
    row.text.setText("Avez-vous voté ?")
    row.options.setText("Oui ; Non")
    scale = screen.editor.add_row(None)
    scale.kind.setCurrentIndex(2)
    scale.text.setText("Le vote était-il simple ?")
    scale.options.setText("non ; oui")
    screen.save_survey()
    assert screen.form.errors() == {}
    survey = screen.survey
    assert survey is not None and survey.number == 2
    assert [q.kind for q in survey.questions] == [QuestionKind.SINGLE, QuestionKind.SCALE]
    assert survey.questions[1].low_label == "non"
    screen.print_to(tmp_path / "q.pdf", 2)
    assert ctx.services.surveys.get(survey.id).printed
    screen.read_files([tmp_path / "q.pdf"])
    assert "2 formulaire(s) enregistré(s) dont 0 à revoir" in ctx.notices[-1]
    assert "2 formulaires comptés" in screen.results.text()


def _site_message(ctx, residence_id, name, text, how, contact, days=1) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from app.storage.site_tables import SiteMessageRow

    campaign_id = ctx.services.campaigns.get_campaign().id
    with ctx.services.uow() as session:  # as a sync writes it
        session.add(SiteMessageRow(
            campaign_id=campaign_id, residence_id=residence_id, name=name, message=text,
            reply_how=how, contact=contact, received_at=datetime.now(UTC) - timedelta(days=days),
        ))  # fmt: skip


def test_site_messages_land_in_the_permanences_inbox(ctx, qtbot) -> None:
    from datetime import time

    from PySide6.QtCore import Qt

    from app.domain.appointments import Channel
    from app.services.appointments import SlotsInput

    residence = ctx.services.campaigns.list_residences()[0]
    _site_message(
        ctx, residence.id, "Mme Benali", "Des <b>bacs</b> à fleurs ?", "phone", "06 12", 2
    )
    _site_message(ctx, "", "", "Qui vote ?", "none", "")
    tomorrow = date.today() + timedelta(days=1)
    [free] = ctx.services.appointments.open_slots(
        SlotsInput("Awa Diallo", Channel.PHONE, tomorrow, time(7), time(7, 30), 30, "Tél.")
    )
    screen = _show(AppointmentsScreen(ctx), qtbot)
    screen.reload()
    assert screen.tabs.tabText(1) == "Messages du site (2)"
    assert screen.badge() == "2 messages · 1 suite"  # and the demo's open follow-up
    screen.tabs.setCurrentWidget(screen.inbox)
    panel = screen.inbox
    model = panel.model
    assert model.rowCount() == 2
    named = model.row_of(lambda m: m.name == "Mme Benali")
    assert model.index(named, 1).data() == residence.name
    assert model.index(named, 4).data(Qt.ItemDataRole.ToolTipRole) == "Par téléphone : 06 12"
    assert model.index(model.row_of(lambda m: not m.name), 1).data() == "—"
    assert [m.message for m in model.rows()] == ["Qui vote ?", "Des <b>bacs</b> à fleurs ?"]
    # keyboard: the arrows choose a message, Ctrl+Entrée marks it answered
    panel.table.setFocus()
    panel.table.selectRow(1)
    qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    first = panel.current()
    assert first is not None and first.message == "Qui vote ?"
    qtbot.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ctx.services.inbox.get(first.id).handled
    assert screen.tabs.tabText(1) == "Messages du site (1)"
    # the named one: shown as plain text, a follow-up, then an appointment
    assert panel.table.select_row_where(lambda m: m.name == "Mme Benali")
    message = panel.current()
    assert message is not None
    assert panel.text.text() == "Des <b>bacs</b> à fleurs ?"
    assert panel.text.textFormat() == Qt.TextFormat.PlainText
    panel.follow_up.setText("Envoyer le modèle de fiche projet")
    panel.save_follow_up()
    assert ctx.services.inbox.get(message.id).follow_up_open
    assert ctx.services.inbox.open_follow_ups() == 1
    assert screen.badge() == "1 message · 2 suites"
    assert panel.model.index(panel.model.row_of(lambda m: m.id == message.id), 4).data() == (
        "À traiter · ⚑ Envoyer le modèle de fiche projet"
    )
    index = panel.slot_box.findData(free.id)
    assert index >= 0
    panel.slot_box.setCurrentIndex(index)
    panel.consent.setChecked(True)
    panel.book()
    booked = ctx.services.appointments.get(free.id)
    assert booked.booked and booked.question == "Des <b>bacs</b> à fleurs ?"
    assert (booked.resident_name, booked.resident_contact) == ("Mme Benali", "06 12")
    assert booked.residence_id == residence.id
    assert ctx.services.inbox.get(message.id).handled
    assert ctx.services.inbox.messages() == []
    assert screen.tabs.currentIndex() == 0 and screen.current_day() == tomorrow
    assert screen.table.current_object().id == free.id


def test_a_site_message_booked_without_consent_stays_anonymous(ctx, qtbot) -> None:
    from datetime import time

    from app.domain.appointments import Channel
    from app.services.appointments import SlotsInput

    _site_message(ctx, "", "Karim", "Où voir les projets ?", "email", "k@example.org")
    day = date.today() + timedelta(days=2)
    [free] = ctx.services.appointments.open_slots(
        SlotsInput("Awa Diallo", Channel.VIDEO, day, time(7), time(7, 30), 30, "")
    )
    screen = _show(AppointmentsScreen(ctx), qtbot)
    screen.reload()
    panel = screen.inbox
    panel.table.selectRow(0)
    panel.slot_box.setCurrentIndex(panel.slot_box.findData(free.id))
    assert panel.consent.isEnabled() and not panel.consent.isChecked()
    panel.book()
    booked = ctx.services.appointments.get(free.id)
    assert booked.anonymous and booked.resident_name == "" and booked.resident_contact == ""
    assert "Karim" not in booked.question
