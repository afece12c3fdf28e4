"""Online ballots (a Decidim vote kept in `online_vote`) combined with a residence's paper
count under the campaign's declared rule, each source counted apart. Plain data, no file
reading (that is `decidim_vote`), so that the dashboard can read it without the services."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import rules
from app.domain.counting import models as cm
from app.domain.models import ProjectStatus
from app.errors import UserError
from app.i18n import _
from app.services.base import get_live
from app.services.counting.context import campaign_templates
from app.services.counting.read import counts_now, outcomes
from app.services.counting.results import _options
from app.services.counting.seal import campaign_rule
from app.storage.count_tables import CountSessionRow
from app.storage.tables import OnlineVoteRow, ProjectRow, ResidenceRow


@dataclass(frozen=True)
class CombinedLine:
    project_id: str
    number: int | None
    title: str
    cost_cents: int
    paper: int
    online: int
    status: str
    status_label: str

    @property
    def votes(self) -> int:
        return self.paper + self.online


@dataclass(frozen=True)
class CombinedResults:
    residence_id: str
    residence: str
    rule_label: str
    budget_cents: int
    paper_ballots: int  # valid paper ballots
    online_ballots: int
    online_file: str
    spent_cents: int
    selected: tuple[str, ...]
    projects: tuple[CombinedLine, ...]  # in decision order


def admissible_projects(s: Session, residence_id: str) -> list[ProjectRow]:
    return list(
        s.scalars(
            select(ProjectRow)
            .where(
                ProjectRow.residence_id == residence_id,
                ProjectRow.deleted_at.is_(None),
                ProjectRow.status == ProjectStatus.ADMISSIBLE.value,
            )
            .order_by(ProjectRow.number)
        )
    )


def online_ballots(s: Session, residence_id: str) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """The residence's current online vote: (file name, ballots), ("", ()) without one."""
    row = s.scalars(
        select(OnlineVoteRow).where(
            OnlineVoteRow.residence_id == residence_id, OnlineVoteRow.deleted_at.is_(None)
        )
    ).first()
    if row is None:
        return "", ()
    return row.file_name, tuple(tuple(b) for b in row.ballots)


def _paper_ballots(s: Session, residence: ResidenceRow) -> tuple[frozenset[str], ...]:
    templates = campaign_templates(s, residence.campaign_id)
    sessions = s.scalars(
        select(CountSessionRow.id).where(
            CountSessionRow.residence_id == residence.id,
            CountSessionRow.deleted_at.is_(None),
            CountSessionRow.mode == "live",
            counts_now(),
        )
    ).all()
    out: list[frozenset[str]] = []
    for session_id in sessions:
        for o in outcomes(s, session_id, templates)[2]:
            if o.outcome == cm.VALID and o.choices:
                out.append(frozenset(o.choices))
    return tuple(out)


def combined_in_session(s: Session, residence_id: str) -> CombinedResults:
    """`combined_results` within an open database session."""
    row = get_live(s, ResidenceRow, residence_id, _("Résidence"))
    paper = _paper_ballots(s, row)
    file_name, online = online_ballots(s, row.id)
    projects = admissible_projects(s, row.id)
    options = _options(campaign_rule(s, row.campaign_id), {p.id for p in projects})
    election = rules.Election(
        budget=Fraction(row.budget_cents),
        projects=tuple(rules.Project(p.id, Fraction(p.cost_cents or 0), p.title) for p in projects),
        ballots=paper + tuple(frozenset(b) for b in online),
    )
    try:
        outcome = rules.run_rule(election, options)
    except rules.RulesError as error:
        raise UserError(str(error)) from error
    info = {p.id: p for p in projects}
    lines = tuple(
        CombinedLine(
            r.project_id,
            info[r.project_id].number,
            info[r.project_id].title,
            int(r.cost),
            sum(1 for b in paper if r.project_id in b),
            sum(1 for b in online if r.project_id in b),
            r.status.value,
            rules.status_label(r.status),
        )  # fmt: skip
        for r in outcome.projects
    )
    return CombinedResults(
        row.id, row.name, rules.rule_label(options.rule), row.budget_cents, len(paper),
        len(online), file_name, int(outcome.spent), outcome.selected, lines,
    )  # fmt: skip
