"""Plain, frozen data objects that services return and user interfaces display.

They carry no database session and no behaviour beyond small derived properties; every record
has the sync metadata (`id`, `created_at`, `updated_at`, `device_id`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.i18n import N_


class MeetingKind(StrEnum):
    INFORMATION = "information"
    WORKSHOP = "workshop"
    VISIT = "visit"
    CO_CONSTRUCTION = "co_construction"
    PERMANENCE = "permanence"


MEETING_KIND_LABELS: dict[MeetingKind, str] = {
    MeetingKind.INFORMATION: N_("Réunion d'information"),
    MeetingKind.WORKSHOP: N_("Atelier"),
    MeetingKind.VISIT: N_("Visite de la résidence"),
    MeetingKind.CO_CONSTRUCTION: N_("Atelier de co-construction"),
    MeetingKind.PERMANENCE: N_("Permanence"),
}

# Attendance categories counted at every meeting (anonymous counts, no names needed).
ATTENDANCE_CATEGORIES: dict[str, str] = {
    "residents": N_("Habitants"),
    "youth": N_("Enfants et jeunes"),
    "staff": N_("Personnel du bailleur"),
    "partners": N_("Partenaires et associations"),
}


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    REWORK = "rework"


PROJECT_STATUS_LABELS: dict[ProjectStatus, str] = {
    ProjectStatus.DRAFT: N_("Brouillon"),
    ProjectStatus.SUBMITTED: N_("À examiner"),
    ProjectStatus.ADMISSIBLE: N_("Recevable"),
    ProjectStatus.INADMISSIBLE: N_("Non recevable"),
    ProjectStatus.REWORK: N_("À retravailler"),
}


class Decision(StrEnum):
    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    REWORK = "rework"


DECISION_LABELS: dict[Decision, str] = {
    Decision.ADMISSIBLE: N_("Recevable"),
    Decision.INADMISSIBLE: N_("Non recevable"),
    Decision.REWORK: N_("À retravailler"),
}

DECISION_TO_STATUS: dict[Decision, ProjectStatus] = {
    Decision.ADMISSIBLE: ProjectStatus.ADMISSIBLE,
    Decision.INADMISSIBLE: ProjectStatus.INADMISSIBLE,
    Decision.REWORK: ProjectStatus.REWORK,
}


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNSURE = "unsure"


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.MET: N_("Respecté"),
    Verdict.NOT_MET: N_("Non respecté"),
    Verdict.UNSURE: N_("À vérifier"),
}

DEFAULT_THEMES: tuple[str, ...] = (
    N_("Cadre de vie"),
    N_("Espaces verts"),
    N_("Jeux et loisirs"),
    N_("Convivialité"),
    N_("Sécurité"),
    N_("Propreté"),
    N_("Mobilité"),
    N_("Autre"),
)

DEFAULT_CRITERIA: tuple[tuple[str, str], ...] = (
    (N_("Relève du bailleur"), N_("Le projet concerne le patrimoine et les missions du bailleur.")),
    (N_("Intérêt collectif"), N_("Le projet profite à l'ensemble des habitants, pas à un seul.")),
    (N_("Coût dans l'enveloppe"), N_("Le coût estimé tient dans le budget de la résidence.")),
    (N_("Réalisable dans l'année"), N_("Les travaux peuvent être faits dans les douze mois.")),
    (
        N_("Pas de frais de fonctionnement durables"),
        N_("Le projet n'entraîne pas de dépenses récurrentes importantes (entretien, personnel)."),
    ),
    (
        N_("Conforme à la réglementation"),
        N_("Le projet respecte les règles de sécurité et d'urbanisme."),
    ),
)


@dataclass(frozen=True)
class RecordMeta:
    id: str
    created_at: datetime
    updated_at: datetime
    device_id: str


@dataclass(frozen=True)
class Campaign:
    meta: RecordMeta
    name: str
    organiser: str
    description: str
    rules_text: str
    short_code: str
    timezone: str
    ideas_start: date | None
    ideas_end: date | None
    workshops_start: date | None
    workshops_end: date | None
    commission_date: date | None
    vote_start: date | None
    vote_end: date | None
    results_date: date | None
    themes: tuple[str, ...]
    online_ideas: bool = False  # residents may propose ideas on the site (docs/platform.md)

    @property
    def id(self) -> str:
        return self.meta.id

    def key_dates(self) -> list[tuple[str, date | None, date | None]]:
        """The phases in order, as (label, start, end)."""
        return [
            (N_("Collecte des idées"), self.ideas_start, self.ideas_end),
            (N_("Ateliers"), self.workshops_start, self.workshops_end),
            (N_("Commission d'examen"), self.commission_date, self.commission_date),
            (N_("Vote"), self.vote_start, self.vote_end),
            (N_("Résultats"), self.results_date, self.results_date),
        ]


@dataclass(frozen=True)
class Residence:
    meta: RecordMeta
    campaign_id: str
    name: str
    address: str
    dwellings: int
    budget_cents: int

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Question:
    meta: RecordMeta
    meeting_id: str
    question: str
    answer: str

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Meeting:
    meta: RecordMeta
    campaign_id: str
    residence_id: str | None
    kind: MeetingKind
    starts_at: datetime
    place: str
    facilitators: str
    attendance: dict[str, int]
    notes: str
    questions: tuple[Question, ...] = ()
    idea_count: int = 0

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def attendees(self) -> int:
        return sum(self.attendance.values())


@dataclass(frozen=True)
class Participant:
    meta: RecordMeta
    campaign_id: str
    residence_id: str | None
    name: str
    phone: str
    email: str
    building: str
    consent_at: date | None
    consent_text: str

    @property
    def id(self) -> str:
        return self.meta.id


MODERATION_PENDING = "pending"
MODERATION_ACCEPTED = "accepted"
MODERATION_REFUSED = "refused"
MODERATED = ("", MODERATION_ACCEPTED)
"""The moderation values of an idea like the others (from a meeting, or accepted)."""
MODERATION_LABELS = {
    MODERATION_PENDING: N_("Proposée en ligne, à modérer"),
    MODERATION_ACCEPTED: N_("Proposée en ligne, acceptée"),
    MODERATION_REFUSED: N_("Proposée en ligne, refusée"),
}


@dataclass(frozen=True)
class Idea:
    meta: RecordMeta
    campaign_id: str
    residence_id: str
    meeting_id: str | None
    title: str
    description: str
    theme: str
    location: str
    estimated_cost_cents: int | None
    proposer_id: str | None
    project_id: str | None
    origin: str = "meeting"  # or "online": proposed on the site
    moderation: str = ""  # an online idea: "pending", "accepted" or "refused"
    moderation_reason: str = ""
    online_name: str = ""  # an online idea's proposer, if they gave it
    online_contact: str = ""
    name_public: bool = False  # they consented to their name on the site

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def moderated(self) -> bool:
        """An idea like the others: from a meeting, or proposed online and accepted."""
        return self.moderation in MODERATED


@dataclass(frozen=True)
class Project:
    meta: RecordMeta
    campaign_id: str
    residence_id: str
    number: int
    title: str
    short_description: str
    long_description: str
    cost_cents: int | None
    theme: str
    status: ProjectStatus
    idea_ids: tuple[str, ...] = ()
    picture_path: str = ""

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class Criterion:
    meta: RecordMeta
    campaign_id: str
    position: int
    label: str
    description: str

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class CommissionSession:
    meta: RecordMeta
    campaign_id: str
    held_on: date
    members: tuple[str, ...]
    place: str

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class CriterionVerdict:
    criterion_id: str
    verdict: Verdict
    comment: str = ""


@dataclass(frozen=True)
class Review:
    meta: RecordMeta
    project_id: str
    session_id: str
    decision: Decision
    public_reason: str
    validated_cost_cents: int | None
    verdicts: tuple[CriterionVerdict, ...] = field(default=())

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class CampaignStatus:
    """The summary printed by `bp-terrain status` and shown on the home screen."""

    campaign_id: str | None
    campaign_name: str
    residences: int
    meetings: int
    participants: int
    attendees: int
    questions: int
    ideas: int
    ideas_unassigned: int
    projects: int
    projects_to_review: int
    reviews: int
    admissible_projects: int
    pending_sync_changes: int
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    """Sync conflicts not resolved yet (same field changed on two laptops)."""
    last_sync: str | None = None
    """When this laptop last synced with the server (UTC, ISO-8601), None if never."""

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "campaign_id": self.campaign_id,
            "campaign_name": self.campaign_name,
            "residences": self.residences,
            "meetings": self.meetings,
            "participants": self.participants,
            "attendees": self.attendees,
            "questions": self.questions,
            "ideas": self.ideas,
            "ideas_unassigned": self.ideas_unassigned,
            "projects": self.projects,
            "projects_to_review": self.projects_to_review,
            "reviews": self.reviews,
            "admissible_projects": self.admissible_projects,
            "pending_sync_changes": self.pending_sync_changes,
            "conflicts": self.conflicts,
            "last_sync": self.last_sync,
        }
        data.update(self.counts)
        return data
