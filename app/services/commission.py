"""The admissibility commission: sessions, per-criterion verdicts, decisions, minutes data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.domain import models as m
from app.domain.money import check_cents, format_euros
from app.domain.validation import optional_text, required_text
from app.errors import UserError
from app.i18n import _
from app.services.base import Service, get_live
from app.services.ideas import ProjectService
from app.services.printing import minutes as printed_minutes
from app.storage import mappers
from app.storage.tables import (
    CommissionSessionRow,
    CriterionRow,
    ProjectRow,
    ResidenceRow,
    ReviewRow,
)


@dataclass(frozen=True)
class ReviewInput:
    project_id: str
    decision: m.Decision
    verdicts: tuple[m.CriterionVerdict, ...] = ()
    public_reason: str = ""
    validated_cost_cents: int | None = None


@dataclass(frozen=True)
class GridRow:
    """One line of the commission grid: a project and its latest review, if any."""

    project: m.Project
    residence_name: str
    review: m.Review | None


class CommissionService(Service):
    def open_session(
        self, held_on: date, members: Sequence[str], place: str = "", campaign_id: str | None = None
    ) -> m.CommissionSession:
        campaign_id = campaign_id or self.active_campaign_id()
        names = [" ".join(n.split()) for n in members if n.strip()]
        if not names:
            raise UserError(_("Indiquez les membres présents de la commission."), field="members")
        with self.uow() as session:
            row = CommissionSessionRow(
                campaign_id=campaign_id,
                held_on=held_on,
                members=names,
                place=optional_text(place, 200),
            )
            session.add(row)
            session.flush()
            return mappers.commission_session(row)

    def update_session(
        self, session_id: str, held_on: date, members: Sequence[str], place: str = ""
    ) -> m.CommissionSession:
        names = [" ".join(n.split()) for n in members if n.strip()]
        if not names:
            raise UserError(_("Indiquez les membres présents de la commission."), field="members")
        with self.uow() as session:
            row = get_live(session, CommissionSessionRow, session_id, _("Séance de commission"))
            row.held_on, row.members, row.place = held_on, names, optional_text(place, 200)
            session.flush()
            return mappers.commission_session(row)

    def list_sessions(self, campaign_id: str | None = None) -> list[m.CommissionSession]:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(CommissionSessionRow)
                .where(
                    CommissionSessionRow.campaign_id == campaign_id,
                    CommissionSessionRow.deleted_at.is_(None),
                )
                .order_by(CommissionSessionRow.held_on, CommissionSessionRow.created_at)
            )
            return [mappers.commission_session(r) for r in rows]

    def record_review(self, session_id: str, data: ReviewInput) -> m.Review:
        """Record a decision; it supersedes earlier ones and sets the project's status and cost."""
        with self.uow() as session:
            get_live(session, CommissionSessionRow, session_id, _("Séance de commission"))
            project = get_live(session, ProjectRow, data.project_id, _("Projet"))
            residence = get_live(session, ResidenceRow, project.residence_id, _("Résidence"))
            criteria = {c.id for c in session.scalars(
                select(CriterionRow).where(
                    CriterionRow.campaign_id == project.campaign_id, CriterionRow.deleted_at.is_(None)
                )
            )}  # fmt: skip
            decision = m.Decision(data.decision)
            reason = optional_text(data.public_reason, 2000)
            cost = self._check(decision, reason, data, project, residence, criteria)
            row = ReviewRow(
                project_id=project.id,
                session_id=session_id,
                decision=decision.value,
                public_reason=reason,
                validated_cost_cents=cost,
                verdicts=[
                    {
                        "criterion_id": v.criterion_id,
                        "verdict": m.Verdict(v.verdict).value,
                        "comment": v.comment,
                    }
                    for v in data.verdicts
                ],
            )
            session.add(row)
            project.status = m.DECISION_TO_STATUS[decision].value
            if decision is m.Decision.ADMISSIBLE and cost is not None:
                project.cost_cents = cost
            session.flush()
            return mappers.review(row)

    @staticmethod
    def _check(
        decision: m.Decision,
        reason: str,
        data: ReviewInput,
        project: ProjectRow,
        residence: ResidenceRow,
        criteria: set[str],
    ) -> int | None:
        for v in data.verdicts:
            if v.criterion_id not in criteria:
                raise UserError(_("Critère inconnu dans la grille."))
        if decision is not m.Decision.ADMISSIBLE:
            required_text(reason, "public_reason", _("Le motif public"), 2000)
            return data.validated_cost_cents
        if any(v.verdict is m.Verdict.NOT_MET for v in data.verdicts):
            raise UserError(
                _("Un critère n'est pas respecté : le projet ne peut pas être déclaré recevable."),
                field="decision",
            )
        cost = (
            data.validated_cost_cents
            if data.validated_cost_cents is not None
            else project.cost_cents
        )
        if cost is None:
            raise UserError(_("Indiquez le coût validé du projet."), field="validated_cost_cents")
        check_cents(cost, field="validated_cost_cents", allow_zero=False)
        if residence.budget_cents and cost > residence.budget_cents:
            raise UserError(
                _("Le coût validé ({cost}) dépasse l'enveloppe de la résidence ({budget}).").format(
                    cost=format_euros(cost), budget=format_euros(residence.budget_cents)
                ),
                field="validated_cost_cents",
            )
        return cost

    def latest_reviews(self, campaign_id: str | None = None) -> dict[str, m.Review]:
        """The current decision per project id (the most recent review)."""
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(ReviewRow)
                .join(ProjectRow, ProjectRow.id == ReviewRow.project_id)
                .where(ProjectRow.campaign_id == campaign_id, ReviewRow.deleted_at.is_(None))
                .order_by(ReviewRow.created_at)
            )
            return {r.project_id: mappers.review(r) for r in rows}

    def reviews_of_session(self, session_id: str) -> list[m.Review]:
        with self.uow() as session:
            rows = session.scalars(
                select(ReviewRow)
                .where(ReviewRow.session_id == session_id, ReviewRow.deleted_at.is_(None))
                .order_by(ReviewRow.created_at)
            )
            return [mappers.review(r) for r in rows]

    def grid(self, campaign_id: str | None = None) -> list[GridRow]:
        """Projects (not drafts) with their latest review, by residence and number."""
        campaign_id = campaign_id or self.active_campaign_id()
        projects = ProjectService(self.uow).list_projects(campaign_id=campaign_id)
        latest = self.latest_reviews(campaign_id)
        with self.uow() as session:
            names = {
                r.id: r.name
                for r in session.scalars(
                    select(ResidenceRow).where(ResidenceRow.campaign_id == campaign_id)
                )
            }
        rows = [
            GridRow(
                project=p, residence_name=names.get(p.residence_id, ""), review=latest.get(p.id)
            )
            for p in projects
            if p.status is not m.ProjectStatus.DRAFT
        ]
        return sorted(rows, key=lambda r: (r.residence_name, r.project.number))

    def export_minutes(self, session_id: str, path: Path) -> Path:
        """The session's minutes as a PDF ("Compte rendu de la commission d'examen")."""
        return printed_minutes.export_minutes(self.uow, session_id, Path(path))
