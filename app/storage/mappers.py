"""ORM rows to frozen data objects: services never hand out ORM objects."""

from __future__ import annotations

from app.domain import models as m
from app.storage import tables as t


def meta(row: t.Synced) -> m.RecordMeta:
    return m.RecordMeta(
        id=row.id, created_at=row.created_at, updated_at=row.updated_at, device_id=row.device_id
    )


def campaign(row: t.CampaignRow) -> m.Campaign:
    return m.Campaign(
        meta=meta(row),
        name=row.name,
        organiser=row.organiser,
        description=row.description,
        rules_text=row.rules_text,
        short_code=row.short_code,
        timezone=row.timezone,
        ideas_start=row.ideas_start,
        ideas_end=row.ideas_end,
        workshops_start=row.workshops_start,
        workshops_end=row.workshops_end,
        commission_date=row.commission_date,
        vote_start=row.vote_start,
        vote_end=row.vote_end,
        results_date=row.results_date,
        themes=tuple(row.themes or ()),
        online_ideas=bool(row.online_ideas),
    )


def residence(row: t.ResidenceRow) -> m.Residence:
    return m.Residence(
        meta=meta(row),
        campaign_id=row.campaign_id,
        name=row.name,
        address=row.address,
        dwellings=row.dwellings,
        budget_cents=row.budget_cents,
    )


def question(row: t.QuestionRow) -> m.Question:
    return m.Question(
        meta=meta(row), meeting_id=row.meeting_id, question=row.question, answer=row.answer
    )


def meeting(row: t.MeetingRow, idea_count: int = 0) -> m.Meeting:
    return m.Meeting(
        meta=meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        kind=m.MeetingKind(row.kind),
        starts_at=row.starts_at,
        place=row.place,
        facilitators=row.facilitators,
        attendance={k: int(v) for k, v in (row.attendance or {}).items()},
        notes=row.notes,
        questions=tuple(question(q) for q in row.questions if q.deleted_at is None),
        idea_count=idea_count,
    )


def participant(row: t.ParticipantRow) -> m.Participant:
    return m.Participant(
        meta=meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        building=row.building,
        consent_at=row.consent_at,
        consent_text=row.consent_text,
    )


def idea(row: t.IdeaRow) -> m.Idea:
    return m.Idea(
        meta=meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        meeting_id=row.meeting_id,
        title=row.title,
        description=row.description,
        theme=row.theme,
        location=row.location,
        estimated_cost_cents=row.estimated_cost_cents,
        proposer_id=row.proposer_id,
        project_id=row.project_id,
        origin=row.origin or "meeting",
        moderation=row.moderation or "",
        moderation_reason=row.moderation_reason or "",
        online_name=row.online_name or "",
        online_contact=row.online_contact or "",
        name_public=bool(row.name_public),
    )


def project(row: t.ProjectRow, idea_ids: tuple[str, ...] = ()) -> m.Project:
    return m.Project(
        meta=meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        number=row.number,
        title=row.title,
        short_description=row.short_description,
        long_description=row.long_description,
        cost_cents=row.cost_cents,
        theme=row.theme,
        status=m.ProjectStatus(row.status),
        idea_ids=idea_ids,
        picture_path=row.picture_path,
    )


def criterion(row: t.CriterionRow) -> m.Criterion:
    return m.Criterion(
        meta=meta(row),
        campaign_id=row.campaign_id,
        position=row.position,
        label=row.label,
        description=row.description,
    )


def commission_session(row: t.CommissionSessionRow) -> m.CommissionSession:
    return m.CommissionSession(
        meta=meta(row),
        campaign_id=row.campaign_id,
        held_on=row.held_on,
        members=tuple(row.members or ()),
        place=row.place,
    )


def review(row: t.ReviewRow) -> m.Review:
    return m.Review(
        meta=meta(row),
        project_id=row.project_id,
        session_id=row.session_id,
        decision=m.Decision(row.decision),
        public_reason=row.public_reason,
        validated_cost_cents=row.validated_cost_cents,
        verdicts=tuple(
            m.CriterionVerdict(
                criterion_id=v["criterion_id"],
                verdict=m.Verdict(v["verdict"]),
                comment=v.get("comment", ""),
            )
            for v in (row.verdicts or ())
        ),
    )
