"""The dashboard's figures, checked against records written through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.domain import models as m
from app.services import Services
from app.services.appointments import OutcomeInput
from app.services.ideas import IdeaInput, ProjectInput
from app.services.meetings import MeetingInput

PARIS_EVENING = timezone(timedelta(hours=1))


def _meeting(services: Services, residence_id: str | None, day: date, **attendance: int) -> str:
    meeting = services.meetings.create_meeting(
        MeetingInput(
            kind=m.MeetingKind.WORKSHOP,
            starts_at=datetime(day.year, day.month, day.day, 18, tzinfo=PARIS_EVENING),
            residence_id=residence_id,
            attendance=attendance,
        )
    )
    return meeting.id


def test_figures_per_residence_and_totals(services: Services, campaign, residence) -> None:
    other = services.campaigns.add_residence("Le Parc", dwellings=0, budget_cents=10_000_00)
    held = _meeting(services, residence.id, date(2026, 9, 20), residents=12, youth=3)
    _meeting(services, residence.id, date(2026, 11, 20), residents=40)  # after "today"
    _meeting(services, None, date(2026, 9, 21), staff=2)  # campaign-wide
    services.meetings.add_question(held, "Quand les travaux ?", "Au printemps.")
    services.meetings.add_question(held, "Qui entretient ?")
    for title, theme in (("Bancs", "Cadre de vie"), ("Jeux", "Enfance"), ("Fleurs", "")):
        services.ideas.create_idea(IdeaInput(title, residence.id, theme=theme, meeting_id=held))
    services.ideas.create_idea(IdeaInput("Local vélo", other.id, theme="Cadre de vie"))
    services.projects.create_project(
        ProjectInput("Bancs", residence.id, theme="Cadre de vie", cost_cents=1_000_00,
                     status=m.ProjectStatus.ADMISSIBLE)
    )  # fmt: skip
    services.projects.create_project(ProjectInput("Jeux", residence.id, theme="Enfance"))

    board = services.dashboard.overview(today=date(2026, 10, 1))

    tilleuls, parc = sorted(board.residences, key=lambda r: r.name != "Les Tilleuls")
    assert (tilleuls.meetings_held, tilleuls.meetings_planned, tilleuls.attendance) == (1, 1, 15)
    assert (tilleuls.questions, tilleuls.ideas, tilleuls.projects) == (2, 3, 2)
    assert tilleuls.projects_admitted == 1
    assert (tilleuls.ballots_printed, tilleuls.ballots_returned, tilleuls.count_state) == (
        0,
        0,
        "none",
    )
    assert tilleuls.turnout == 0.0 and parc.turnout is None  # no dwellings: no turnout
    assert (parc.ideas, parc.meetings_held) == (1, 0)
    totals = board.totals
    assert (totals.meetings_held, totals.attendance, totals.ideas) == (2, 17, 4)
    assert totals.dwellings == 120 and totals.budget_cents == 40_000_00
    assert board.attendance_by_category == {"residents": 12, "youth": 3, "staff": 2}
    themes = {t.theme: (t.ideas, t.projects, t.projects_admitted) for t in board.themes}
    assert themes == {"Cadre de vie": (2, 1, 1), "Enfance": (1, 1, 0), "Sans thème": (1, 0, 0)}
    assert board.themes[0].theme == "Cadre de vie"  # most ideas first
    assert sorted((q.question, q.answer, q.residence, q.day) for q in board.questions) == [
        ("Quand les travaux ?", "Au printemps.", "Les Tilleuls", date(2026, 9, 20)),
        ("Qui entretient ?", "", "Les Tilleuls", date(2026, 9, 20)),
    ]
    points = {p.day: (p.meetings, p.attendance, p.ideas) for p in board.participation}
    assert points[date(2026, 9, 20)] == (1, 15, 3)
    assert points[date(2026, 9, 21)] == (1, 2, 0)


def test_timeline_says_where_the_campaign_stands(services: Services, campaign) -> None:
    board = services.dashboard.overview(today=date(2026, 10, 1))
    states = {ms.key: ms.state for ms in board.milestones}
    assert states == {
        "ideas": "now",
        "workshops": "now",
        "commission": "later",
        "vote": "later",
        "results": "later",
    }
    assert board.phase == "Ateliers"  # the latest started of the running phases
    assert board.next_milestone is not None and board.next_milestone.key == "commission"
    after = services.dashboard.overview(today=date(2027, 2, 1))
    assert {ms.state for ms in after.milestones} == {"done"}
    assert after.next_milestone is None and after.phase is None


def test_deleted_records_do_not_count(services: Services, campaign, residence) -> None:
    idea = services.ideas.create_idea(IdeaInput("Bancs", residence.id))
    services.ideas.delete_idea(idea.id)
    board = services.dashboard.overview(today=date(2026, 10, 1))
    assert board.totals.ideas == 0 and board.themes == ()


def _counted(services: Services, residence, mode: str = "live", ballots=()) -> str:
    session = services.counting.open_session(
        residence.id, "Agent", ("Témoin",), passphrase="phrase secrète du test", mode=mode
    )
    for choices in ballots:
        services.counting.hand_key(session.id, choices, "bulletin abîmé")
    return session.id


def test_ballots_turnout_and_results(services: Services, campaign, residence) -> None:
    from app.services.printing.types import StyleInput

    bancs, jeux = (
        services.projects.create_project(
            ProjectInput(title, residence.id, cost_cents=cost, status=m.ProjectStatus.ADMISSIBLE)
        )
        for title, cost in (("Bancs", 20_000_00), ("Jeux", 15_000_00))
    )
    services.ballots.create_style(residence.id, StyleInput(name="Standard"))
    _counted(services, residence, ballots=[[bancs.id], [bancs.id, jeux.id], [bancs.id]] * 10)
    _counted(services, residence, mode="test", ballots=[[bancs.id]] * 5)  # a test: not counted

    board = services.dashboard.overview(today=date(2027, 1, 21))

    (row,) = board.residences
    assert (row.ballots_returned, row.counts, row.counts_sealed, row.count_state) == (
        30,
        1,
        0,
        "open",
    )
    assert row.turnout == 30 / 120
    (result,) = services.dashboard.results()
    assert result.valid == 30 and not result.sealed
    assert result.funded == ("Bancs",)  # 30 votes; Jeux (10) no longer fits in 30 000 €
    assert result.spent_cents == 20_000_00 and result.budget_cents == 30_000_00


def test_hot_line_questions_feed_the_themes(services: Services, campaign, residence) -> None:
    from datetime import time

    from app.domain.appointments import Channel
    from app.services.appointments import BookingInput, SlotsInput

    services.ideas.create_idea(IdeaInput("Bancs", residence.id, theme="Cadre de vie"))
    slots = services.appointments.open_slots(
        SlotsInput(
            "Awa Diallo", Channel.PHONE, date(2026, 10, 6), time(9), time(11, 30), 30, "Tél."
        )
    )
    asked = (("Qui arrose ?", "Espaces verts"), ("Et l'hiver ?", "Espaces verts"),
             ("Des fleurs ?", "Espaces verts"),
             ("Qui entretient les bancs ?", "Cadre de vie"), ("", "Cadre de vie"))  # fmt: skip
    for slot, (question, theme) in zip(slots, asked, strict=True):
        services.appointments.book(slot.id, BookingInput(question, theme, False, "", "", None))
    themes = {t.theme: t for t in services.dashboard.overview(date(2026, 10, 10)).themes}
    assert (themes["Espaces verts"].ideas, themes["Espaces verts"].questions) == (0, 3)
    assert (themes["Cadre de vie"].ideas, themes["Cadre de vie"].questions) == (1, 1)  # no text
    first = services.dashboard.overview(date(2026, 10, 10)).themes[0]
    assert first.theme == "Espaces verts"  # ranked by ideas and questions together


def test_hot_line_questions_join_the_meetings_questions(
    services: Services, campaign, residence
) -> None:
    from datetime import time

    from app.domain.appointments import Channel
    from app.services.appointments import BookingInput, SlotsInput

    meeting = _meeting(services, residence.id, date(2026, 10, 5), residents=4)
    services.meetings.add_question(meeting, "Quand les travaux ?", "Au printemps.")
    slots = services.appointments.open_slots(
        SlotsInput("Awa Diallo", Channel.PHONE, date(2026, 10, 6), time(9), time(10), 30, "Tél.")
    )
    services.appointments.book(
        slots[0].id, BookingInput("Qui arrose ?", "Espaces verts", residence_id=residence.id)
    )
    services.appointments.record_outcome(slots[0].id, OutcomeInput(answer="Le gardien."))
    services.appointments.book(slots[1].id, BookingInput("Et l'hiver ?"))  # no residence given
    board = services.dashboard.overview(date(2026, 10, 10))
    lines = [(q.day, q.residence, q.source_label, q.question, q.answer) for q in board.questions]
    assert lines == [
        (date(2026, 10, 5), residence.name, "réunion", "Quand les travaux ?", "Au printemps."),
        (date(2026, 10, 6), residence.name, "permanence", "Qui arrose ?", "Le gardien."),
        (date(2026, 10, 6), "Non précisée", "permanence", "Et l'hiver ?", ""),
    ]
    row = board.residences[0]
    assert (row.questions, row.hotline_questions) == (1, 1)
    assert (board.totals.questions, board.totals.hotline_questions) == (1, 2)
