"""The public site from the app's side (docs/platform.md): publishing, news, follow-up of funded
projects, and the inbox of messages written on the site.

Nothing reaches the site until a consultant publishes it: the campaign itself, each project, each
residence's results (frozen at publication), each news post and each follow-up. The flags are
ordinary synced fields, so publishing is an edit that travels at the next sync.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import site as d
from app.domain.dates import utc_now
from app.domain.validation import optional_text, required_text
from app.errors import UserError
from app.i18n import _
from app.services.base import Service, get_live
from app.services.pictures import web_picture
from app.services.retention import Erased, erase_expired
from app.storage.site_tables import (
    NewsPostRow,
    ProjectFollowupRow,
    PublicResultRow,
    SiteMessageRow,
)
from app.storage.tables import CampaignRow, ProjectRow, ResidenceRow


@dataclass(frozen=True)
class NewsInput:
    title: str
    body: str = ""
    picture_alt: str = ""


@dataclass(frozen=True)
class FollowupInput:
    status: str = "planned"
    milestones: tuple[d.Milestone, ...] = ()
    note: str = ""
    picture_alt: str = ""


def _news(row: NewsPostRow) -> d.NewsPost:
    return d.NewsPost(
        row.id, row.campaign_id, row.title, row.body, bool(row.web_picture), row.picture_alt,
        row.published, row.published_at, row.created_at,
    )  # fmt: skip


def _milestones(raw: list[Any]) -> tuple[d.Milestone, ...]:
    return tuple(
        d.Milestone(date.fromisoformat(m["day"]) if m.get("day") else None, m["label"], m["done"])
        for m in raw
    )


def _followup(row: ProjectFollowupRow) -> d.Followup:
    return d.Followup(
        row.id, row.project_id, row.status, _milestones(row.milestones), row.note,
        bool(row.web_picture), row.picture_alt, row.published,
    )  # fmt: skip


def _message(row: SiteMessageRow, end: date | None = None) -> d.SiteMessage:
    """`end`: the campaign's end, which sets the day the message is erased."""
    erase = d.erase_on(end, row.received_at or row.created_at, utc_now().date())
    return d.SiteMessage(
        row.id, row.campaign_id, row.residence_id, row.name, row.message, row.reply_how,
        row.contact, row.received_at, row.handled_at, row.follow_up or "",
        bool(row.follow_up_done), erase,
    )  # fmt: skip


def _campaign_end(session: Session, campaign_id: str) -> date | None:
    from app.services.retention import campaign_ends

    row = session.get(CampaignRow, campaign_id)
    return campaign_ends([row]).get(campaign_id) if row is not None else None


def _picture(source: Path | None) -> str:
    return web_picture(source) if source is not None else ""


class SiteService(Service):
    """Publishing and the site's content, on the active campaign."""

    # --- publishing --------------------------------------------------------------------------

    def publish_campaign(self, published: bool = True, campaign_id: str | None = None) -> None:
        with self.uow() as session:
            row = get_live(
                session, CampaignRow, campaign_id or self.active_campaign_id(), _("Campagne")
            )
            row.published = published

    def publish_project(self, project_id: str, published: bool = True) -> None:
        with self.uow() as session:
            get_live(session, ProjectRow, project_id, _("Projet")).published = published

    def publish_projects(self, published: bool = True) -> int:
        """Publish (or withdraw) every project of the campaign that is not a draft."""
        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(ProjectRow).where(
                    ProjectRow.campaign_id == campaign_id, ProjectRow.deleted_at.is_(None)
                )
            ).all()
            for row in rows:
                row.published = published
            return len(rows)

    def state(self) -> d.PublishState:
        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            campaign = get_live(session, CampaignRow, campaign_id, _("Campagne"))

            def live(model: Any) -> list[Any]:
                return list(
                    session.scalars(
                        select(model).where(
                            model.campaign_id == campaign_id, model.deleted_at.is_(None)
                        )
                    )
                )

            projects = live(ProjectRow)
            return d.PublishState(
                campaign=campaign.published,
                projects=sum(p.published for p in projects),
                projects_total=len(projects),
                results=sum(r.published for r in live(PublicResultRow)),
                news=sum(n.published for n in live(NewsPostRow)),
                followups=sum(f.published for f in live(ProjectFollowupRow)),
            )

    # --- results -------------------------------------------------------------------------------

    def save_results(self, residence_id: str, payload: dict[str, object]) -> None:
        """Keep the residence's results as the site will show them, and publish them
        (`Services.site_results.publish_results` computes the payload)."""
        with self.uow() as session:
            residence = get_live(session, ResidenceRow, residence_id, _("Résidence"))
            row = self._result_row(session, residence_id)
            if row is None:
                row = PublicResultRow(campaign_id=residence.campaign_id, residence_id=residence_id)
                session.add(row)
            row.payload = payload
            row.published = True
            row.published_at = utc_now()

    def published_results(self, residence_id: str) -> d.PublishedResults | None:
        """The residence's frozen public results (published or withdrawn), None if never."""
        with self.uow() as session:
            row = self._result_row(session, residence_id)
            if row is None:
                return None
            payload = row.payload if isinstance(row.payload, dict) else {}
            return d.PublishedResults(
                residence_id, bool(row.published), row.published_at, bool(payload.get("sealed"))
            )

    def unpublish_results(self, residence_id: str) -> None:
        with self.uow() as session:
            row = self._result_row(session, residence_id)
            if row is not None:
                row.published = False

    @staticmethod
    def _result_row(session: Session, residence_id: str) -> PublicResultRow | None:
        return session.scalars(
            select(PublicResultRow).where(
                PublicResultRow.residence_id == residence_id, PublicResultRow.deleted_at.is_(None)
            )
        ).first()

    # --- news --------------------------------------------------------------------------------

    def list_news(self) -> list[d.NewsPost]:
        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(NewsPostRow)
                .where(NewsPostRow.campaign_id == campaign_id, NewsPostRow.deleted_at.is_(None))
                .order_by(NewsPostRow.created_at.desc())
            )
            return [_news(row) for row in rows]

    def _check_news(self, data: NewsInput) -> tuple[str, str, str]:
        title = required_text(data.title, "title", _("Le titre"), max_len=300)
        body = optional_text(data.body, max_len=20_000)
        return title, body, optional_text(data.picture_alt, max_len=300)

    def create_news(self, data: NewsInput, picture: Path | None = None) -> d.NewsPost:
        title, body, alt = self._check_news(data)
        encoded = _picture(picture)
        if encoded and not alt:
            raise UserError(
                _("Décrivez l'image en quelques mots (texte de remplacement)."), field="picture_alt"
            )
        with self.uow() as session:
            row = NewsPostRow(
                campaign_id=self.active_campaign_id(), title=title, body=body,
                web_picture=encoded, picture_alt=alt, published=False,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _news(row)

    def update_news(self, news_id: str, data: NewsInput) -> d.NewsPost:
        title, body, alt = self._check_news(data)
        with self.uow() as session:
            row = get_live(session, NewsPostRow, news_id, _("Actualité"))
            row.title, row.body, row.picture_alt = title, body, alt
            session.flush()
            return _news(row)

    def set_news_picture(self, news_id: str, picture: Path | None) -> d.NewsPost:
        encoded = _picture(picture)
        with self.uow() as session:
            row = get_live(session, NewsPostRow, news_id, _("Actualité"))
            row.web_picture = encoded
            session.flush()
            return _news(row)

    def publish_news(self, news_id: str, published: bool = True) -> d.NewsPost:
        with self.uow() as session:
            row = get_live(session, NewsPostRow, news_id, _("Actualité"))
            row.published = published
            if published and row.published_at is None:
                row.published_at = utc_now()
            session.flush()
            return _news(row)

    def delete_news(self, news_id: str) -> None:
        with self.uow() as session:
            get_live(session, NewsPostRow, news_id, _("Actualité")).deleted_at = utc_now()

    # --- follow-up of funded projects ----------------------------------------------------------

    def followup(self, project_id: str) -> d.Followup | None:
        with self.uow() as session:
            row = self._followup_row(session, project_id)
            return _followup(row) if row else None

    def list_followups(self) -> list[d.Followup]:
        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(ProjectFollowupRow).where(
                    ProjectFollowupRow.campaign_id == campaign_id,
                    ProjectFollowupRow.deleted_at.is_(None),
                )
            )
            return [_followup(row) for row in rows]

    @staticmethod
    def _followup_row(session: Session, project_id: str) -> ProjectFollowupRow | None:
        return session.scalars(
            select(ProjectFollowupRow).where(
                ProjectFollowupRow.project_id == project_id,
                ProjectFollowupRow.deleted_at.is_(None),
            )
        ).first()

    def set_followup(
        self, project_id: str, data: FollowupInput, picture: Path | None = None
    ) -> d.Followup:
        if data.status not in d.FOLLOWUP_STATUSES:
            raise UserError(
                _("Statut de suivi inconnu : {s}.").format(s=data.status), field="status"
            )
        milestones = [
            {"day": m.day.isoformat() if m.day else None,
             "label": required_text(m.label, "milestones", _("L'étape"), max_len=300),
             "done": bool(m.done)}
            for m in data.milestones
        ]  # fmt: skip
        with self.uow() as session:
            project = get_live(session, ProjectRow, project_id, _("Projet"))
            row = self._followup_row(session, project_id)
            if row is None:
                row = ProjectFollowupRow(campaign_id=project.campaign_id, project_id=project_id)
                row.published = False
                row.web_picture = ""
                session.add(row)
            row.status = data.status
            row.milestones = milestones
            row.note = optional_text(data.note, max_len=10_000)
            row.picture_alt = optional_text(data.picture_alt, max_len=300)
            if picture is not None:
                row.web_picture = _picture(picture)
            session.flush()
            return _followup(row)

    def publish_followup(self, project_id: str, published: bool = True) -> None:
        with self.uow() as session:
            row = self._followup_row(session, project_id)
            if row is None:
                raise UserError(_("Ce projet n'a pas encore de suivi à publier."))
            row.published = published


class InboxService(Service):
    """Messages written on the site's contact form, arrived by sync (newest first); the
    Permanences screen lists them beside the hot line's appointments. A message is answered
    (`mark_handled`), carries a follow-up to do (`set_follow_up`), or becomes an appointment
    (the screen books a slot with the message as its question, then marks it handled)."""

    def messages(self, *, include_handled: bool = False) -> list[d.SiteMessage]:
        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            query = select(SiteMessageRow).where(
                SiteMessageRow.campaign_id == campaign_id, SiteMessageRow.deleted_at.is_(None)
            )
            if not include_handled:
                query = query.where(SiteMessageRow.handled_at.is_(None))
            rows = session.scalars(query.order_by(SiteMessageRow.received_at.desc()))
            end = _campaign_end(session, campaign_id)
            return [_message(row, end) for row in rows]

    def erase_expired(self, now: datetime | None = None) -> Erased:
        """Erase the messages (and online ideas' contact details) kept a year past the
        campaign's end (`app.services.retention`): at start and before each sync."""
        return erase_expired(self.uow, now)

    def unhandled_count(self) -> int:
        return len(self.messages())

    def get(self, message_id: str) -> d.SiteMessage:
        with self.uow() as session:
            row = get_live(session, SiteMessageRow, message_id, _("Message"))
            return _message(row, _campaign_end(session, row.campaign_id))

    def set_follow_up(self, message_id: str, text: str, done: bool = False) -> d.SiteMessage:
        """What is still to do for this message ("" for nothing); `done` once it is done."""
        follow_up = optional_text(text, max_len=2_000)
        with self.uow() as session:
            row = get_live(session, SiteMessageRow, message_id, _("Message"))
            row.follow_up = follow_up
            row.follow_up_done = bool(done and follow_up)
            session.flush()
            return _message(row, _campaign_end(session, row.campaign_id))

    def open_follow_ups(self) -> int:
        """Messages whose follow-up is not done yet (answered or not)."""
        return sum(m.follow_up_open for m in self.messages(include_handled=True))

    def mark_handled(self, message_id: str, handled: bool = True) -> d.SiteMessage:
        with self.uow() as session:
            row = get_live(session, SiteMessageRow, message_id, _("Message"))
            row.handled_at = utc_now() if handled else None
            session.flush()
            return _message(row, _campaign_end(session, row.campaign_id))


def picture_bytes(encoded: str) -> bytes:
    return base64.b64decode(encoded) if encoded else b""


__all__ = ["FollowupInput", "InboxService", "NewsInput", "SiteService", "datetime"]
