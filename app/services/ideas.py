"""Ideas captured at meetings, and the projects built from them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.domain.dates import utc_now
from app.domain.money import check_cents, format_euros
from app.domain.validation import MAX_TITLE, matches, optional_text, required_text
from app.errors import UserError
from app.i18n import _
from app.services.base import Service, get_live
from app.services.files import sha256_file
from app.services.pictures import forget_picture, store_picture, web_picture
from app.storage import mappers
from app.storage.tables import IdeaRow, MeetingRow, ParticipantRow, ProjectRow, ResidenceRow
from app.storage.uow import UnitOfWork


@dataclass(frozen=True)
class IdeaInput:
    title: str
    residence_id: str
    description: str = ""
    theme: str = ""
    location: str = ""
    estimated_cost_cents: int | None = None
    meeting_id: str | None = None
    proposer_id: str | None = None


@dataclass(frozen=True)
class IdeaFilter:
    text: str = ""
    residence_id: str | None = None
    theme: str | None = None
    meeting_id: str | None = None
    unassigned_only: bool = False
    online: str = ""
    """"" the ideas like the others (from meetings, or proposed online and accepted); "all"
    with the online ideas still to moderate and the refused ones; "pending", "accepted" or
    "refused" only the online ideas in that state."""


@dataclass(frozen=True)
class ProjectInput:
    title: str
    residence_id: str
    short_description: str = ""
    long_description: str = ""
    cost_cents: int | None = None
    theme: str = ""
    status: m.ProjectStatus = m.ProjectStatus.SUBMITTED


class IdeaService(Service):
    def _values(self, session: Session, data: IdeaInput) -> dict[str, object]:
        get_live(session, ResidenceRow, data.residence_id, _("Résidence"))
        if data.meeting_id:
            get_live(session, MeetingRow, data.meeting_id, _("Réunion"))
        if data.proposer_id:
            get_live(session, ParticipantRow, data.proposer_id, _("Participant"))
        cost = data.estimated_cost_cents
        if cost is not None:
            check_cents(cost, field="estimated_cost_cents")
        return {
            "title": required_text(data.title, "title", _("Le titre de l'idée"), MAX_TITLE),
            "residence_id": data.residence_id,
            "description": optional_text(data.description),
            "theme": optional_text(data.theme, 100),
            "location": optional_text(data.location, 200),
            "estimated_cost_cents": cost,
            "meeting_id": data.meeting_id,
            "proposer_id": data.proposer_id,
        }

    def create_idea(self, data: IdeaInput, campaign_id: str | None = None) -> m.Idea:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            row = IdeaRow(campaign_id=campaign_id, **self._values(session, data))
            session.add(row)
            session.flush()
            return mappers.idea(row)

    def update_idea(self, idea_id: str, data: IdeaInput) -> m.Idea:
        with self.uow() as session:
            row = get_live(session, IdeaRow, idea_id, _("Idée"))
            for key, value in self._values(session, data).items():
                setattr(row, key, value)
            session.flush()
            return mappers.idea(row)

    def delete_idea(self, idea_id: str) -> None:
        with self.uow() as session:
            row = get_live(session, IdeaRow, idea_id, _("Idée"))
            if row.project_id:
                raise UserError(
                    _("Cette idée fait partie d'un projet : retirez-la du projet d'abord.")
                )
            row.deleted_at = utc_now()

    def restore_idea(self, idea_id: str) -> None:
        with self.uow() as session:
            row = session.get(IdeaRow, idea_id)
            if row is not None:
                row.deleted_at = None

    def get_idea(self, idea_id: str) -> m.Idea:
        with self.uow() as session:
            return mappers.idea(get_live(session, IdeaRow, idea_id, _("Idée")))

    def list_ideas(
        self, flt: IdeaFilter | None = None, campaign_id: str | None = None
    ) -> list[m.Idea]:
        flt = flt or IdeaFilter()
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            query = select(IdeaRow).where(
                IdeaRow.campaign_id == campaign_id, IdeaRow.deleted_at.is_(None)
            )
            if flt.residence_id:
                query = query.where(IdeaRow.residence_id == flt.residence_id)
            if flt.theme:
                query = query.where(IdeaRow.theme == flt.theme)
            if flt.meeting_id:
                query = query.where(IdeaRow.meeting_id == flt.meeting_id)
            if flt.unassigned_only:
                query = query.where(IdeaRow.project_id.is_(None))
            if flt.online == "":
                query = query.where(IdeaRow.moderation.in_(m.MODERATED))
            elif flt.online != "all":
                query = query.where(IdeaRow.origin == "online", IdeaRow.moderation == flt.online)
            rows = session.scalars(query.order_by(IdeaRow.created_at))
            ideas = [mappers.idea(r) for r in rows]
        if flt.text:
            ideas = [
                i for i in ideas if matches(flt.text, i.title, i.description, i.location, i.theme)
            ]
        return ideas

    # --- online ideas: moderation ---------------------------------------------------------------

    def pending_count(self, campaign_id: str | None = None) -> int:
        """Online ideas waiting for a field team's moderation."""
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(IdeaRow).where(
                        IdeaRow.campaign_id == campaign_id, IdeaRow.deleted_at.is_(None),
                        IdeaRow.moderation == m.MODERATION_PENDING,
                    )
                ) or 0
            )  # fmt: skip

    def accept_idea(self, idea_id: str) -> m.Idea:
        """An online idea becomes an idea like the others: shown on the site, can become a
        project, goes to the commission."""
        with self.uow() as session:
            row = self._online(session, idea_id)
            row.moderation, row.moderation_reason = m.MODERATION_ACCEPTED, ""
            session.flush()
            return mappers.idea(row)

    def refuse_idea(self, idea_id: str, reason: str) -> m.Idea:
        """Refused with a reason (kept for the team; never shown on the site)."""
        reason = required_text(reason, "reason", _("Le motif du refus"), 1000)
        with self.uow() as session:
            row = self._online(session, idea_id)
            if row.project_id:
                raise UserError(
                    _("Cette idée fait partie d'un projet : retirez-la du projet d'abord.")
                )
            row.moderation, row.moderation_reason = m.MODERATION_REFUSED, reason
            session.flush()
            return mappers.idea(row)

    @staticmethod
    def _online(session: Session, idea_id: str) -> IdeaRow:
        row = get_live(session, IdeaRow, idea_id, _("Idée"))
        if row.origin != "online":
            raise UserError(_("Seules les idées proposées en ligne se modèrent."))
        return row

    # --- mode atelier drafts: what is being typed survives a crash -----------------------------

    def save_draft(self, meeting_id: str, fields: dict[str, str]) -> None:
        """Keep the idea being typed (every few keystrokes) so that a crash loses nothing."""
        self.uow.set_meta(f"atelier_draft:{meeting_id}", json.dumps(fields, ensure_ascii=False))

    def load_draft(self, meeting_id: str) -> dict[str, str]:
        raw = self.uow.get_meta(f"atelier_draft:{meeting_id}")
        return dict(json.loads(raw)) if raw else {}

    def clear_draft(self, meeting_id: str) -> None:
        self.uow.set_meta(f"atelier_draft:{meeting_id}", "")


class ProjectService(Service):
    def __init__(self, uow: UnitOfWork, data_dir: Path | None = None) -> None:
        super().__init__(uow)
        self.data_dir = data_dir

    def _values(self, session: Session, data: ProjectInput) -> dict[str, object]:
        residence = get_live(session, ResidenceRow, data.residence_id, _("Résidence"))
        cost = data.cost_cents
        if cost is not None:
            check_cents(cost, field="cost_cents", allow_zero=False)
            if residence.budget_cents and cost > residence.budget_cents:
                raise UserError(
                    _(
                        "Le coût du projet ({cost}) dépasse l'enveloppe de la résidence "
                        "« {residence} » ({budget})."
                    ).format(
                        cost=format_euros(cost),
                        residence=residence.name,
                        budget=format_euros(residence.budget_cents),
                    ),
                    field="cost_cents",
                )
        return {
            "title": required_text(data.title, "title", _("Le titre du projet"), MAX_TITLE),
            "residence_id": data.residence_id,
            "short_description": optional_text(data.short_description, 400),
            "long_description": optional_text(data.long_description),
            "cost_cents": cost,
            "theme": optional_text(data.theme, 100),
            "status": m.ProjectStatus(data.status).value,
        }

    def create_project(
        self, data: ProjectInput, idea_ids: Sequence[str] = (), campaign_id: str | None = None
    ) -> m.Project:
        """Create a project, built from zero, one or several ideas of the same residence."""
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            values = self._values(session, data)
            number = (
                session.scalar(
                    select(func.max(ProjectRow.number)).where(
                        ProjectRow.residence_id == data.residence_id
                    )
                )
                or 0
            ) + 1
            row = ProjectRow(campaign_id=campaign_id, number=number, **values)
            session.add(row)
            session.flush()
            self._attach(session, row, idea_ids)
            return self._to_data(session, row)

    def merge_ideas(self, idea_ids: Sequence[str], data: ProjectInput | None = None) -> m.Project:
        """Turn ideas into one project; title and texts default to the first idea's."""
        if not idea_ids:
            raise UserError(_("Choisissez au moins une idée."))
        with self.uow() as session:
            first = get_live(session, IdeaRow, idea_ids[0], _("Idée"))
            costs = [
                get_live(session, IdeaRow, i, _("Idée")).estimated_cost_cents for i in idea_ids
            ]
        known = [c for c in costs if c is not None]
        data = data or ProjectInput(
            title=first.title,
            residence_id=first.residence_id,
            short_description=first.description[:200],
            long_description="\n\n".join([first.description]),
            cost_cents=sum(known) if known else None,
            theme=first.theme,
        )
        return self.create_project(data, idea_ids, campaign_id=first.campaign_id)

    def add_ideas(self, project_id: str, idea_ids: Sequence[str]) -> m.Project:
        with self.uow() as session:
            row = get_live(session, ProjectRow, project_id, _("Projet"))
            self._attach(session, row, idea_ids)
            return self._to_data(session, row)

    def remove_idea(self, project_id: str, idea_id: str) -> m.Project:
        with self.uow() as session:
            row = get_live(session, ProjectRow, project_id, _("Projet"))
            idea = get_live(session, IdeaRow, idea_id, _("Idée"))
            if idea.project_id == project_id:
                idea.project_id = None
            session.flush()
            return self._to_data(session, row)

    def update_project(self, project_id: str, data: ProjectInput) -> m.Project:
        with self.uow() as session:
            row = get_live(session, ProjectRow, project_id, _("Projet"))
            if data.residence_id != row.residence_id:
                raise UserError(_("Un projet ne change pas de résidence."), field="residence_id")
            for key, value in self._values(session, data).items():
                setattr(row, key, value)
            session.flush()
            return self._to_data(session, row)

    def set_picture(self, project_id: str, source: Path | None) -> m.Project:
        """Give the project a picture (a copy in the data folder, see `app.services.pictures`)
        for its sheet and its ballot line; `None` removes it."""
        if self.data_dir is None:
            raise RuntimeError("ProjectService needs the data folder to keep pictures")
        with self.uow() as session:
            row = get_live(session, ProjectRow, project_id, _("Projet"))
            old = row.picture_path
            row.picture_path = (
                store_picture(self.data_dir, project_id, source) if source is not None else ""
            )
            row.web_picture = web_picture(self.data_dir / row.picture_path) if source else ""
            row.picture_sha256 = sha256_file(self.data_dir / row.picture_path) if source else ""
            session.flush()
            project = self._to_data(session, row)
        if source is None:
            forget_picture(self.data_dir, old)
        return project

    def delete_project(self, project_id: str) -> None:
        """Delete a project not yet examined; its ideas go back to the list."""
        with self.uow() as session:
            row = get_live(session, ProjectRow, project_id, _("Projet"))
            if row.status in (m.ProjectStatus.ADMISSIBLE, m.ProjectStatus.INADMISSIBLE):
                raise UserError(_("Un projet examiné par la commission ne peut pas être supprimé."))
            for idea in session.scalars(select(IdeaRow).where(IdeaRow.project_id == project_id)):
                idea.project_id = None
            row.deleted_at = utc_now()

    def restore_project(self, project_id: str, idea_ids: Sequence[str] = ()) -> m.Project:
        """Undo a deletion (the "Annuler" of the deletion toast), with the ideas it held."""
        with self.uow() as session:
            row = session.get(ProjectRow, project_id)
            if row is None:
                raise UserError(_("Projet introuvable."))
            row.deleted_at = None
            session.flush()
            self._attach(session, row, [i for i in idea_ids if self._is_free(session, i)])
            return self._to_data(session, row)

    @staticmethod
    def _is_free(session: Session, idea_id: str) -> bool:
        idea = session.get(IdeaRow, idea_id)
        return idea is not None and idea.deleted_at is None and idea.project_id is None

    def get_project(self, project_id: str) -> m.Project:
        with self.uow() as session:
            return self._to_data(session, get_live(session, ProjectRow, project_id, _("Projet")))

    def list_projects(
        self,
        text: str = "",
        residence_id: str | None = None,
        status: m.ProjectStatus | None = None,
        campaign_id: str | None = None,
    ) -> list[m.Project]:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            query = select(ProjectRow).where(
                ProjectRow.campaign_id == campaign_id, ProjectRow.deleted_at.is_(None)
            )
            if residence_id:
                query = query.where(ProjectRow.residence_id == residence_id)
            if status:
                query = query.where(ProjectRow.status == m.ProjectStatus(status).value)
            links: dict[str, list[str]] = {}
            for idea_id, project_id in session.execute(
                select(IdeaRow.id, IdeaRow.project_id).where(
                    IdeaRow.project_id.is_not(None), IdeaRow.deleted_at.is_(None)
                )
            ):
                if project_id is not None:
                    links.setdefault(project_id, []).append(idea_id)
            rows = session.scalars(query.order_by(ProjectRow.residence_id, ProjectRow.number))
            projects = [mappers.project(r, tuple(links.get(r.id, ()))) for r in rows]
        if text:
            projects = [
                p
                for p in projects
                if matches(text, p.title, p.short_description, p.theme, str(p.number))
            ]
        return projects

    @staticmethod
    def _attach(session: Session, row: ProjectRow, idea_ids: Sequence[str]) -> None:
        for idea_id in idea_ids:
            idea = get_live(session, IdeaRow, idea_id, _("Idée"))
            if idea.residence_id != row.residence_id:
                raise UserError(_("Les idées d'un projet doivent venir de la même résidence."))
            if idea.moderation not in m.MODERATED:
                raise UserError(
                    _("L'idée « {title} » proposée en ligne n'a pas été acceptée : modérez-la "
                      "d'abord.").format(title=idea.title)
                )  # fmt: skip
            if idea.project_id and idea.project_id != row.id:
                raise UserError(
                    _("L'idée « {title} » fait déjà partie d'un autre projet.").format(
                        title=idea.title
                    )
                )
            idea.project_id = row.id
        session.flush()

    @staticmethod
    def _to_data(session: Session, row: ProjectRow) -> m.Project:
        ids = tuple(
            session.scalars(
                select(IdeaRow.id).where(IdeaRow.project_id == row.id, IdeaRow.deleted_at.is_(None))
            )
        )
        return mappers.project(row, ids)
