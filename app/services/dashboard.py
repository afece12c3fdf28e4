"""The campaign dashboard as plain data: key dates, where the campaign stands, figures per
residence, themes and questions, participation over time.

A handful of grouped SQL queries over the whole campaign (one per kind of record), never one
query per residence, so that the dashboard of 40 residences, 2,000 ideas and 20,000 counted
ballots opens well under a second (`benchmarks/bench_dashboard.py`). The results (funded
projects) need the count's rules run on every ballot: they come apart, from
`DashboardService.results`, which the screen runs off the GUI thread.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.domain.dates import local_moment, utc_now
from app.i18n import N_, _
from app.services.base import Service
from app.services.counting.read import counts_now
from app.services.interop.online_vote import CombinedResults, combined_in_session, online_ballots
from app.storage.consultant_tables import AppointmentRow
from app.storage.count_tables import CountSessionRow, CountSheetRow
from app.storage.tables import (
    CampaignRow,
    IdeaRow,
    MeetingRow,
    OnlineVoteRow,
    PrintBatchRow,
    ProjectRow,
    QuestionRow,
    ResidenceRow,
)
from app.storage.uow import UnitOfWork

NO_THEME = N_("Sans thème")
# Sheets that are no ballot of ours (another campaign, a blank page) do not count as returned.
NOT_RETURNED = ("rejected",)


@dataclass(frozen=True)
class Milestone:
    """One phase of the campaign on the timeline; `state` is done, now, later or undated."""

    key: str
    label: str
    start: date | None
    end: date | None
    state: str


@dataclass(frozen=True)
class ResidenceFigures:
    residence_id: str  # "" for the campaign's totals
    name: str
    dwellings: int
    budget_cents: int
    meetings_held: int = 0
    meetings_planned: int = 0
    attendance: int = 0
    questions: int = 0  # asked at the meetings
    hotline_questions: int = 0  # asked at the hot line (permanences: appointments and calls)
    ideas: int = 0
    projects: int = 0
    projects_admitted: int = 0
    ballots_printed: int = 0
    ballots_returned: int = 0
    counts: int = 0  # current live counts of the residence
    counts_sealed: int = 0
    counted_dwellings: int = 0  # totals only: the dwellings of the residences with a count

    @property
    def turnout(self) -> float | None:
        """Ballots returned per dwelling (for display only), None without dwellings. For the
        totals, over the residences that have a count: the others have not voted yet."""
        dwellings = self.counted_dwellings if not self.residence_id else self.dwellings
        return self.ballots_returned / dwellings if dwellings else None

    @property
    def count_state(self) -> str:
        """none, open or sealed."""
        if not self.counts:
            return "none"
        return "sealed" if self.counts_sealed == self.counts else "open"


@dataclass(frozen=True)
class ThemeFigures:
    theme: str
    ideas: int
    projects: int
    projects_admitted: int
    questions: int = 0  # asked on the hot line (permanences), by the theme the consultant chose


SOURCE_MEETING = "meeting"
SOURCE_HOTLINE = "hotline"
QUESTION_SOURCES = {SOURCE_MEETING: N_("réunion"), SOURCE_HOTLINE: N_("permanence")}


@dataclass(frozen=True)
class QuestionLine:
    residence: str
    day: date
    question: str
    answer: str
    source: str = SOURCE_MEETING  # where it was asked: a meeting or the hot line

    @property
    def source_label(self) -> str:
        return _(QUESTION_SOURCES[self.source])


@dataclass(frozen=True)
class ParticipationPoint:
    """Attendance of the meetings held on one day (all residences), for the timeline chart."""

    day: date
    meetings: int
    attendance: int
    ideas: int


@dataclass(frozen=True)
class Dashboard:
    campaign_id: str
    campaign_name: str
    today: date
    phase: str | None
    next_milestone: Milestone | None
    milestones: tuple[Milestone, ...]
    residences: tuple[ResidenceFigures, ...]
    totals: ResidenceFigures
    themes: tuple[ThemeFigures, ...]
    questions: tuple[QuestionLine, ...]
    participation: tuple[ParticipationPoint, ...]
    attendance_by_category: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResidenceResult:
    """What the vote gave in one residence (from its current counts)."""

    residence_id: str
    name: str
    valid: int
    funded: tuple[str, ...]  # titles of the funded projects, in decision order
    spent_cents: int
    budget_cents: int
    sealed: bool
    online: int = 0  # online ballots (Decidim) combined with the paper ones under the rule
    online_file: str = ""


MILESTONES = (
    ("ideas", N_("Collecte des idées"), "ideas_start", "ideas_end"),
    ("workshops", N_("Ateliers"), "workshops_start", "workshops_end"),
    ("commission", N_("Commission d'examen"), "commission_date", "commission_date"),
    ("vote", N_("Vote"), "vote_start", "vote_end"),
    ("results", N_("Résultats"), "results_date", "results_date"),
)


def milestone_state(start: date | None, end: date | None, today: date) -> str:
    if start is None and end is None:
        return "undated"
    if (end or start) < today:  # type: ignore[operator]
        return "done"
    if (start or end) <= today:  # type: ignore[operator]
        return "now"
    return "later"


def milestones(campaign: CampaignRow, today: date) -> tuple[Milestone, ...]:
    out = []
    for key, label, start_attr, end_attr in MILESTONES:
        start, end = getattr(campaign, start_attr), getattr(campaign, end_attr)
        out.append(Milestone(key, _(label), start, end, milestone_state(start, end, today)))
    return tuple(out)


def _grouped(session: Session, query: Any) -> dict[str | None, int]:
    return {key: int(n or 0) for key, n in session.execute(query)}


class DashboardService(Service):
    """The dashboard's figures (`overview`, fast) and the vote's results (`results`, slower)."""

    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)

    def overview(self, today: date | None = None) -> Dashboard:
        campaign_id = self.active_campaign_id()
        with self.uow() as s:
            campaign = s.get(CampaignRow, campaign_id)
            assert campaign is not None
            day = today or local_moment(utc_now(), campaign.timezone).date()
            return _build(s, campaign, day)

    def combined(self, residence_id: str) -> CombinedResults | None:
        """The paper and online ballots of a residence together, None without an online vote."""
        with self.uow() as s:
            if not online_ballots(s, residence_id)[1]:
                return None
            return combined_in_session(s, residence_id)

    def results(self) -> tuple[ResidenceResult, ...]:
        """The funded projects of every residence that has a count or an online vote (slower:
        reads every ballot and runs the rules). With an online vote, paper and online ballots
        are combined. The sheets are checked against the count's log rows as they are read;
        the full chain and its signatures are verified by the count's own results (Résultats
        screen, procès-verbal), not at every refresh of this summary."""
        campaign_id = self.active_campaign_id()
        out = []
        with self.uow() as s:
            counted = dict(
                s.execute(
                    select(
                        CountSessionRow.residence_id,
                        func.count() == func.count(CountSessionRow.sealed_at),
                    )
                    .where(_live_counts(campaign_id))
                    .group_by(CountSessionRow.residence_id)
                ).all()
            )
            online = set(
                s.scalars(
                    select(OnlineVoteRow.residence_id).where(
                        OnlineVoteRow.campaign_id == campaign_id, OnlineVoteRow.deleted_at.is_(None)
                    )
                )
            )
            for residence_id in set(counted) | online:
                both = combined_in_session(s, residence_id)
                titles = {p.project_id: p.title for p in both.projects}
                out.append(ResidenceResult(
                    residence_id, both.residence, both.paper_ballots,
                    tuple(titles[p] for p in both.selected), both.spent_cents,
                    both.budget_cents, bool(counted.get(residence_id)), both.online_ballots,
                    both.online_file,
                ))  # fmt: skip
        return tuple(sorted(out, key=lambda r: r.name.casefold()))


def _live_counts(campaign_id: str) -> Any:
    return (
        (CountSessionRow.campaign_id == campaign_id)
        & CountSessionRow.deleted_at.is_(None)
        & (CountSessionRow.mode == "live")
        & counts_now()
    )


def _build(s: Session, campaign: CampaignRow, today: date) -> Dashboard:
    cid = campaign.id
    residences = s.execute(
        select(
            ResidenceRow.id, ResidenceRow.name, ResidenceRow.dwellings, ResidenceRow.budget_cents
        )
        .where(ResidenceRow.campaign_id == cid, ResidenceRow.deleted_at.is_(None))
        .order_by(ResidenceRow.name)
    ).all()
    names = {r.id: r.name for r in residences}
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    meetings = _meetings(s, cid, campaign.timezone, today, figures, names)
    hotline = _hotline_questions(s, cid, campaign.timezone, figures, names)
    _ideas_projects(s, cid, figures)
    _ballots(s, cid, figures)
    rows = tuple(
        ResidenceFigures(r.id, r.name, r.dwellings, r.budget_cents, **figures.get(r.id, {}))
        for r in residences
    )
    steps = milestones(campaign, today)
    coming = [ms for ms in steps if ms.state in ("now", "later")]
    running = [ms.label for ms in steps if ms.state == "now"]
    return Dashboard(
        campaign_id=cid,
        campaign_name=campaign.name,
        today=today,
        phase=running[-1] if running else None,
        next_milestone=next((ms for ms in coming if ms.state == "later"), None),
        milestones=steps,
        residences=rows,
        totals=_totals(rows, figures.get("", {})),
        themes=_themes(s, cid),
        questions=tuple(
            sorted(meetings.questions + hotline, key=lambda q: (q.day, q.residence, q.source))
        ),
        participation=meetings.points(_idea_days(s, cid, campaign.timezone)),
        attendance_by_category=dict(meetings.categories),
    )


def _totals(rows: tuple[ResidenceFigures, ...], campaign_wide: dict[str, int]) -> ResidenceFigures:
    """The campaign's figures: every residence plus the campaign-wide meetings and questions."""
    counted = (
        "meetings_held", "meetings_planned", "attendance", "questions", "hotline_questions",
        "ideas", "projects",
        "projects_admitted", "ballots_printed", "ballots_returned", "counts", "counts_sealed",
    )  # fmt: skip
    sums = {
        name: sum(getattr(r, name) for r in rows) + campaign_wide.get(name, 0) for name in counted
    }
    return ResidenceFigures(
        "",
        _("Ensemble"),
        sum(r.dwellings for r in rows),
        sum(r.budget_cents for r in rows),
        **sums,
        counted_dwellings=sum(r.dwellings for r in rows if r.counts),
    )


@dataclass
class _Meetings:
    questions: tuple[QuestionLine, ...] = ()
    by_day: dict[date, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    categories: Counter[str] = field(default_factory=Counter)

    def points(self, ideas: dict[date, int]) -> tuple[ParticipationPoint, ...]:
        days = sorted(set(self.by_day) | set(ideas))
        return tuple(
            ParticipationPoint(d, self.by_day[d][0], self.by_day[d][1], ideas.get(d, 0))
            for d in days
        )


def _meetings(
    s: Session,
    cid: str,
    tz: str,
    today: date,
    figures: dict[str, dict[str, int]],
    names: dict[str, str],
) -> _Meetings:
    out = _Meetings()
    days: dict[str, date] = {}
    rows = s.execute(
        select(
            MeetingRow.id, MeetingRow.residence_id, MeetingRow.starts_at, MeetingRow.attendance
        ).where(MeetingRow.campaign_id == cid, MeetingRow.deleted_at.is_(None))
    ).all()
    for mid, rid, starts_at, attendance in rows:
        key = rid or ""
        day = local_moment(starts_at, tz).date()
        days[mid] = day
        if day > today:
            figures[key]["meetings_planned"] += 1
            continue
        present = {k: int(v or 0) for k, v in (attendance or {}).items()}
        figures[key]["meetings_held"] += 1
        figures[key]["attendance"] += sum(present.values())
        out.categories.update(present)
        out.by_day[day][0] += 1
        out.by_day[day][1] += sum(present.values())
    questions = s.execute(
        select(QuestionRow.question, QuestionRow.answer, MeetingRow.id, MeetingRow.residence_id)
        .join(MeetingRow, QuestionRow.meeting_id == MeetingRow.id)
        .where(
            MeetingRow.campaign_id == cid,
            MeetingRow.deleted_at.is_(None),
            QuestionRow.deleted_at.is_(None),
        )
    ).all()
    lines = []
    for text, answer, mid, rid in questions:
        figures[rid or ""]["questions"] += 1
        residence = names.get(rid or "", _("Toutes les résidences"))
        lines.append(QuestionLine(residence, days[mid], text, answer or ""))
    out.questions = tuple(sorted(lines, key=lambda q: (q.day, q.residence)))
    return out


def _hotline_questions(
    s: Session, cid: str, tz: str, figures: dict[str, dict[str, int]], names: dict[str, str]
) -> tuple[QuestionLine, ...]:
    """The questions asked at the hot line (booked appointments with a question), no name."""
    rows = s.execute(
        select(
            AppointmentRow.residence_id,
            AppointmentRow.starts_at,
            AppointmentRow.question,
            AppointmentRow.answer,
        ).where(
            AppointmentRow.campaign_id == cid,
            AppointmentRow.deleted_at.is_(None),
            AppointmentRow.booked.is_(True),
            AppointmentRow.question != "",
        )
    ).all()
    lines = []
    for rid, starts_at, text, answer in rows:
        figures[rid or ""]["hotline_questions"] += 1
        residence = names.get(rid or "", _("Non précisée"))
        day = local_moment(starts_at, tz).date()
        lines.append(QuestionLine(residence, day, text, answer or "", SOURCE_HOTLINE))
    return tuple(lines)


def _idea_days(s: Session, cid: str, tz: str) -> dict[date, int]:
    """Ideas noted per day (the day of their meeting, else the day they were typed)."""
    rows = s.execute(
        select(MeetingRow.starts_at, IdeaRow.created_at)
        .select_from(IdeaRow)
        .outerjoin(MeetingRow, IdeaRow.meeting_id == MeetingRow.id)
        .where(
            IdeaRow.campaign_id == cid,
            IdeaRow.deleted_at.is_(None),
            IdeaRow.moderation.in_(m.MODERATED),
        )
    ).all()
    days: Counter[date] = Counter()
    for met, created in rows:
        moment: datetime = met or created
        days[local_moment(moment, tz).date()] += 1
    return dict(days)


def _ideas_projects(s: Session, cid: str, figures: dict[str, dict[str, int]]) -> None:
    ideas = _grouped(
        s,
        select(IdeaRow.residence_id, func.count())
        .where(
            IdeaRow.campaign_id == cid,
            IdeaRow.deleted_at.is_(None),
            IdeaRow.moderation.in_(m.MODERATED),
        )
        .group_by(IdeaRow.residence_id),
    )
    admitted = func.sum(_is_admitted())
    projects = s.execute(
        select(ProjectRow.residence_id, func.count(), admitted)
        .where(ProjectRow.campaign_id == cid, ProjectRow.deleted_at.is_(None))
        .group_by(ProjectRow.residence_id)
    ).all()
    for rid, n in ideas.items():
        figures[rid or ""]["ideas"] = n
    for rid, n, ok in projects:
        figures[rid]["projects"] = int(n)
        figures[rid]["projects_admitted"] = int(ok or 0)


def _is_admitted() -> Any:
    return (ProjectRow.status == m.ProjectStatus.ADMISSIBLE.value).cast(Integer())


def _ballots(s: Session, cid: str, figures: dict[str, dict[str, int]]) -> None:
    printed = _grouped(
        s,
        select(PrintBatchRow.residence_id, func.sum(PrintBatchRow.count))
        .where(
            PrintBatchRow.campaign_id == cid,
            PrintBatchRow.deleted_at.is_(None),
            PrintBatchRow.mode == "live",
            PrintBatchRow.kind == "ballots",
        )
        .group_by(PrintBatchRow.residence_id),
    )
    returned = _grouped(
        s,
        select(CountSessionRow.residence_id, func.count(CountSheetRow.id))
        .join(CountSheetRow, CountSheetRow.session_id == CountSessionRow.id)
        .where(_live_counts(cid), CountSheetRow.status.not_in(NOT_RETURNED))
        .group_by(CountSessionRow.residence_id),
    )
    sessions = s.execute(
        select(
            CountSessionRow.residence_id,
            func.count(),
            func.count(CountSessionRow.sealed_at),
        )
        .where(_live_counts(cid))
        .group_by(CountSessionRow.residence_id)
    ).all()
    for rid, n in printed.items():
        figures[rid or ""]["ballots_printed"] = n
    for rid, n in returned.items():
        figures[rid or ""]["ballots_returned"] = n
    for rid, n, sealed in sessions:
        figures[rid]["counts"] = int(n)
        figures[rid]["counts_sealed"] = int(sealed)


def _themes(s: Session, cid: str) -> tuple[ThemeFigures, ...]:
    ideas = _grouped(
        s,
        select(IdeaRow.theme, func.count())
        .where(
            IdeaRow.campaign_id == cid,
            IdeaRow.deleted_at.is_(None),
            IdeaRow.moderation.in_(m.MODERATED),
        )
        .group_by(IdeaRow.theme),
    )
    rows = s.execute(
        select(
            ProjectRow.theme,
            func.count(),
            func.sum(_is_admitted()),
        )
        .where(ProjectRow.campaign_id == cid, ProjectRow.deleted_at.is_(None))
        .group_by(ProjectRow.theme)
    ).all()
    projects = {theme: (int(n), int(ok or 0)) for theme, n, ok in rows}
    asked = _grouped(  # the hot line's questions feed the themes too (issue 13)
        s,
        select(AppointmentRow.theme, func.count())
        .where(
            AppointmentRow.campaign_id == cid,
            AppointmentRow.deleted_at.is_(None),
            AppointmentRow.booked.is_(True),
            AppointmentRow.question != "",
        )
        .group_by(AppointmentRow.theme),
    )
    out = []
    for theme in set(ideas) | set(projects) | set(asked):
        n_projects, admitted = projects.get(theme, (0, 0))
        label = theme or _(NO_THEME)
        out.append(
            ThemeFigures(label, ideas.get(theme, 0), n_projects, admitted, asked.get(theme, 0))
        )
    return tuple(
        sorted(out, key=lambda t: (-(t.ideas + t.questions), -t.projects, t.theme.casefold()))
    )
