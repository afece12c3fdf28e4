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
