"""Services: the first half of the process, from meeting to commission decision."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain import models as m
from app.errors import UserError
from app.services.commission import ReviewInput
from app.services.ideas import IdeaFilter, IdeaInput, ProjectInput
from app.services.meetings import MeetingInput, ParticipantInput

PARIS = ZoneInfo("Europe/Paris")


def _meeting(services, residence, **kw):
    return services.meetings.create_meeting(
        MeetingInput(
            kind=m.MeetingKind.WORKSHOP,
            starts_at=datetime(2026, 10, 2, 18, 30),
            residence_id=residence.id,
            place="Salle commune",
            attendance={"residents": 12, "youth": 3},
            **kw,
        )
    )


def test_default_criteria_are_french_and_ordered(services, campaign):
    labels = [c.label for c in services.campaigns.list_criteria()]
    assert labels[:3] == ["Relève du bailleur", "Intérêt collectif", "Coût dans l'enveloppe"]
    assert "Réalisable dans l'année" in labels


def test_criteria_are_configurable(services, campaign):
    added = services.campaigns.add_criterion("Accessible aux personnes à mobilité réduite")
    assert services.campaigns.list_criteria()[-1].id == added.id
    services.campaigns.remove_criterion(added.id)
    assert added.id not in [c.id for c in services.campaigns.list_criteria()]
    with pytest.raises(UserError, match="existe déjà"):
        services.campaigns.add_criterion("intérêt collectif")


def test_meeting_with_attendance_and_questions(services, residence):
    meeting = _meeting(services, residence)
    assert meeting.starts_at.tzinfo is not None
    assert meeting.attendees == 15
    q = services.meetings.add_question(meeting.id, "Qui entretiendra le jardin ?", "L'amicale.")
    services.meetings.update_question(q.id, "Qui entretiendra le jardin ?", "Le gardien.")
    loaded = services.meetings.get_meeting(meeting.id)
    assert [(x.question, x.answer) for x in loaded.questions] == [
        ("Qui entretiendra le jardin ?", "Le gardien.")
    ]
    with pytest.raises(UserError, match="Catégorie"):
        services.meetings.create_meeting(
            MeetingInput(
                kind=m.MeetingKind.VISIT,
                starts_at=datetime(2026, 10, 2, 18, tzinfo=PARIS),
                attendance={"martiens": 3},
            )
        )


def test_ideas_search_and_filters(services, residence):
    other = services.campaigns.add_residence("Résidence du Parc", budget_cents=10_000_00)
    meeting = _meeting(services, residence)
    services.ideas.create_idea(
        IdeaInput(
            title="Jardin partagé",
            residence_id=residence.id,
            theme="Espaces verts",
            meeting_id=meeting.id,
        )
    )
    services.ideas.create_idea(
        IdeaInput(title="Éclairage du parking", residence_id=residence.id, theme="Sécurité")
    )
    services.ideas.create_idea(
        IdeaInput(title="Bancs", residence_id=other.id, description="près du jardin")
    )
    assert {i.title for i in services.ideas.list_ideas(IdeaFilter(text="jardin"))} == {
        "Jardin partagé",
        "Bancs",
    }
    assert [i.title for i in services.ideas.list_ideas(IdeaFilter(text="eclairage"))] == [
        "Éclairage du parking"
    ]
    assert len(services.ideas.list_ideas(IdeaFilter(residence_id=other.id))) == 1
    assert len(services.ideas.list_ideas(IdeaFilter(meeting_id=meeting.id))) == 1
    assert len(services.ideas.list_ideas(IdeaFilter(theme="Sécurité"))) == 1


def test_merge_ideas_into_a_project(services, residence):
    a = services.ideas.create_idea(
        IdeaInput(title="Jardin", residence_id=residence.id, estimated_cost_cents=9_000_00)
    )
    b = services.ideas.create_idea(
        IdeaInput(title="Potager enfants", residence_id=residence.id, estimated_cost_cents=2_000_00)
    )
    project = services.projects.merge_ideas([a.id, b.id])
    assert project.number == 1
    assert set(project.idea_ids) == {a.id, b.id}
    assert project.cost_cents == 11_000_00
    assert project.status is m.ProjectStatus.SUBMITTED
    assert services.ideas.list_ideas(IdeaFilter(unassigned_only=True)) == []
    with pytest.raises(UserError, match="déjà partie"):
        services.projects.merge_ideas([a.id])
    second = services.projects.create_project(
        ProjectInput(title="Bancs", residence_id=residence.id, cost_cents=100_00)
    )
    assert second.number == 2
    assert [p.title for p in services.projects.list_projects(text="potager")] == []
    assert [p.title for p in services.projects.list_projects(text="jardin")] == ["Jardin"]


def test_ideas_of_two_residences_cannot_be_merged(services, residence):
    other = services.campaigns.add_residence("Autre", budget_cents=10_000_00)
    a = services.ideas.create_idea(IdeaInput(title="A", residence_id=residence.id))
    b = services.ideas.create_idea(IdeaInput(title="B", residence_id=other.id))
    with pytest.raises(UserError, match="même résidence"):
        services.projects.merge_ideas([a.id, b.id])


def test_commission_review_sets_status_and_validated_cost(services, residence):
    project = services.projects.create_project(
        ProjectInput(title="Jardin", residence_id=residence.id, cost_cents=12_000_00)
    )
    session = services.commission.open_session(date(2026, 12, 10), ["Mme A", "M. B"])
    criteria = services.campaigns.list_criteria()
    met = tuple(m.CriterionVerdict(c.id, m.Verdict.MET) for c in criteria)
    review = services.commission.record_review(
        session.id, ReviewInput(project.id, m.Decision.ADMISSIBLE, met, "Conforme.", 11_500_00)
    )
    assert review.validated_cost_cents == 11_500_00
    updated = services.projects.get_project(project.id)
    assert updated.status is m.ProjectStatus.ADMISSIBLE and updated.cost_cents == 11_500_00
    grid = services.commission.grid()
    assert grid[0].review is not None and grid[0].review.id == review.id


def test_commission_refuses_inconsistent_decisions(services, residence):
    project = services.projects.create_project(
        ProjectInput(title="Caméras", residence_id=residence.id, cost_cents=12_000_00)
    )
    session = services.commission.open_session(date(2026, 12, 10), ["Mme A"])
    criteria = services.campaigns.list_criteria()
    not_met = (m.CriterionVerdict(criteria[0].id, m.Verdict.NOT_MET),)
    with pytest.raises(UserError, match="n'est pas respecté"):
        services.commission.record_review(
            session.id, ReviewInput(project.id, m.Decision.ADMISSIBLE, not_met)
        )
    with pytest.raises(UserError, match="motif public"):
        services.commission.record_review(
            session.id, ReviewInput(project.id, m.Decision.INADMISSIBLE, not_met)
        )
    with pytest.raises(UserError, match="dépasse l'enveloppe"):
        services.commission.record_review(
            session.id, ReviewInput(project.id, m.Decision.ADMISSIBLE, (), "", 31_000_00)
        )
    with pytest.raises(UserError, match="membres"):
        services.commission.open_session(date(2026, 12, 10), ["  "])


def test_a_later_review_supersedes_without_editing(services, residence):
    project = services.projects.create_project(
        ProjectInput(title="City stade", residence_id=residence.id, cost_cents=29_000_00)
    )
    session = services.commission.open_session(date(2026, 12, 10), ["Mme A"])
    first = services.commission.record_review(
        session.id, ReviewInput(project.id, m.Decision.REWORK, (), "Trop cher.")
    )
    second = services.commission.record_review(
        session.id, ReviewInput(project.id, m.Decision.ADMISSIBLE, (), "", 20_000_00)
    )
    assert services.commission.latest_reviews()[project.id].id == second.id
    assert [r.id for r in services.commission.reviews_of_session(session.id)] == [
        first.id,
        second.id,
    ]


def test_participant_export_and_erasure(services, residence):
    person = services.participants.add_participant(
        ParticipantInput(name="Mme Martin", phone="0600000000", consent_at=date(2026, 10, 1))
    )
    idea = services.ideas.create_idea(
        IdeaInput(title="Jardin", residence_id=residence.id, proposer_id=person.id)
    )
    exported = services.participants.export_participant(person.id)
    assert exported["name"] == "Mme Martin"
    assert exported["ideas_proposed"] == [{"id": idea.id, "title": "Jardin"}]
    services.participants.erase_participant(person.id)
    assert services.participants.list_participants() == []
    assert services.ideas.get_idea(idea.id).proposer_id is None
    import sqlite3

    conn = sqlite3.connect(services.db.path)
    leftover = conn.execute(
        "SELECT name, phone FROM participant WHERE id=?", (person.id,)
    ).fetchone()
    conn.close()
    assert leftover == ("", "")


def test_residence_deletion_with_undo(services, residence):
    empty = services.campaigns.add_residence("Vide")
    services.campaigns.delete_residence(empty.id)
    assert "Vide" not in [r.name for r in services.campaigns.list_residences()]
    services.campaigns.restore_residence(empty.id)
    assert "Vide" in [r.name for r in services.campaigns.list_residences()]
    services.ideas.create_idea(IdeaInput(title="x", residence_id=residence.id))
    with pytest.raises(UserError, match="ne peut pas être supprimée"):
        services.campaigns.delete_residence(residence.id)


def test_atelier_draft_survives_reopening(tmp_path, services, residence):
    meeting = _meeting(services, residence)
    services.ideas.save_draft(meeting.id, {"title": "Des bancs pr", "description": ""})
    services.close()
    from app.services import open_services

    again = open_services(tmp_path / "data")
    assert again.ideas.load_draft(meeting.id) == {"title": "Des bancs pr", "description": ""}
    again.ideas.clear_draft(meeting.id)
    assert again.ideas.load_draft(meeting.id) == {}
    again.close()


def test_demo_campaign_is_realistic(tmp_path):
    from app.services import open_services

    services = open_services(tmp_path)
    services.demo.create_demo(today=date(2026, 11, 26))
    status = services.status.campaign_status()
    assert (status.residences, status.meetings) == (3, 5)
    assert status.ideas == 17 and status.projects == 13
    assert status.admissible_projects == 7 and status.projects_to_review == 5
    names = [p.name for p in services.participants.list_participants()]
    assert all("inventé" in n for n in names)
    services.close()


def test_project_deletion_with_undo(services, residence):
    a = services.ideas.create_idea(IdeaInput(title="Jardin", residence_id=residence.id))
    project = services.projects.merge_ideas([a.id])
    services.projects.delete_project(project.id)
    assert services.projects.list_projects() == []
    assert services.ideas.get_idea(a.id).project_id is None
    restored = services.projects.restore_project(project.id, project.idea_ids)
    assert restored.idea_ids == (a.id,)
    assert [p.id for p in services.projects.list_projects()] == [project.id]


def test_erasure_reaches_the_automatic_backups(services, residence):
    from app.paths import backups_dir
    from app.storage.db import backup_database

    person = services.participants.add_participant(
        ParticipantInput(
            name="Mme Zélie Quintard", phone="0611223344", consent_at=date(2026, 10, 1)
        )
    )
    backup = backup_database(services.db.path, backups_dir(services.data_dir), "test")
    assert b"Quintard" in backup.read_bytes()
    services.participants.erase_participant(person.id)
    assert b"Quintard" not in backup.read_bytes() and b"0611223344" not in backup.read_bytes()
    assert b"Quintard" not in services.db.path.read_bytes()
