"""Meetings with their attendance counts and the questions asked; consented participants."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.domain import models as m
from app.domain.dates import ensure_aware, utc_now
from app.domain.validation import (
    check_in_campaign,
    non_negative_int,
    optional_text,
    required_text,
)
from app.errors import UserError
from app.i18n import _
from app.paths import backups_dir
from app.services.base import Service, get_live
from app.storage import mappers
from app.storage.tables import (
    CampaignRow,
    IdeaRow,
    MeetingRow,
    ParticipantRow,
    QuestionRow,
    ResidenceRow,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingInput:
    kind: m.MeetingKind
    starts_at: datetime
    residence_id: str | None = None
    place: str = ""
    facilitators: str = ""
    attendance: dict[str, int] = field(default_factory=dict)
    notes: str = ""


def _campaign_bounds(row: CampaignRow) -> tuple[date | None, date | None]:
    days = [
        d
        for d in (
            row.ideas_start, row.ideas_end, row.workshops_start, row.workshops_end,
            row.commission_date, row.vote_start, row.vote_end, row.results_date,
        )
        if d
    ]  # fmt: skip
    return (min(days), max(days)) if days else (None, None)


class MeetingService(Service):
    def _check(self, session, campaign_id: str, data: MeetingInput) -> dict[str, object]:  # type: ignore[no-untyped-def]
        campaign = get_live(session, CampaignRow, campaign_id, _("Campagne"))
        starts_at = ensure_aware(data.starts_at, campaign.timezone)
        first, last = _campaign_bounds(campaign)
        check_in_campaign(starts_at.date(), first, last)
        if data.residence_id:
            get_live(session, ResidenceRow, data.residence_id, _("Résidence"))
        attendance = {}
        for key, count in data.attendance.items():
            if key not in m.ATTENDANCE_CATEGORIES:
                raise UserError(_("Catégorie de participants inconnue : {key}.").format(key=key))
            attendance[key] = non_negative_int(
                int(count), f"attendance.{key}", _("Le nombre de participants"), 10_000
            )
        return {
            "kind": m.MeetingKind(data.kind).value,
            "starts_at": starts_at,
            "residence_id": data.residence_id,
            "place": optional_text(data.place, 200),
            "facilitators": optional_text(data.facilitators, 1000),
            "attendance": attendance,
            "notes": optional_text(data.notes),
        }

    def create_meeting(self, data: MeetingInput, campaign_id: str | None = None) -> m.Meeting:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            row = MeetingRow(campaign_id=campaign_id, **self._check(session, campaign_id, data))
            session.add(row)
            session.flush()
            return mappers.meeting(row)

    def update_meeting(self, meeting_id: str, data: MeetingInput) -> m.Meeting:
        with self.uow() as session:
            row = get_live(session, MeetingRow, meeting_id, _("Réunion"))
            for key, value in self._check(session, row.campaign_id, data).items():
                setattr(row, key, value)
            session.flush()
            return mappers.meeting(row, self._idea_count(session, meeting_id))

    def delete_meeting(self, meeting_id: str) -> None:
        with self.uow() as session:
            row = get_live(session, MeetingRow, meeting_id, _("Réunion"))
            if self._idea_count(session, meeting_id):
                raise UserError(
                    _("Cette réunion a des idées : supprimez-les ou déplacez-les d'abord.")
                )
            row.deleted_at = utc_now()

    def restore_meeting(self, meeting_id: str) -> None:
        with self.uow() as session:
            row = session.get(MeetingRow, meeting_id)
            if row is not None:
                row.deleted_at = None

    def get_meeting(self, meeting_id: str) -> m.Meeting:
        with self.uow() as session:
            row = get_live(session, MeetingRow, meeting_id, _("Réunion"))
            return mappers.meeting(row, self._idea_count(session, meeting_id))

    def list_meetings(
        self, campaign_id: str | None = None, residence_id: str | None = None
    ) -> list[m.Meeting]:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            query = select(MeetingRow).where(
                MeetingRow.campaign_id == campaign_id, MeetingRow.deleted_at.is_(None)
            )
            if residence_id:
                query = query.where(MeetingRow.residence_id == residence_id)
            counts = dict(
                session.execute(
                    select(IdeaRow.meeting_id, func.count())
                    .where(IdeaRow.deleted_at.is_(None))
                    .group_by(IdeaRow.meeting_id)
                ).all()
            )
            rows = session.scalars(query.order_by(MeetingRow.starts_at.desc()))
            return [mappers.meeting(r, counts.get(r.id, 0)) for r in rows]

    @staticmethod
    def _idea_count(session, meeting_id: str) -> int:  # type: ignore[no-untyped-def]
        return int(
            session.scalar(
                select(func.count())
                .select_from(IdeaRow)
                .where(IdeaRow.meeting_id == meeting_id, IdeaRow.deleted_at.is_(None))
            )
            or 0
        )

    # --- questions ----------------------------------------------------------------------------

    def add_question(self, meeting_id: str, question: str, answer: str = "") -> m.Question:
        question = required_text(question, "question", _("La question"), max_len=2000)
        with self.uow() as session:
            get_live(session, MeetingRow, meeting_id, _("Réunion"))
            row = QuestionRow(
                meeting_id=meeting_id, question=question, answer=optional_text(answer)
            )
            session.add(row)
            session.flush()
            return mappers.question(row)

    def update_question(self, question_id: str, question: str, answer: str = "") -> m.Question:
        question = required_text(question, "question", _("La question"), max_len=2000)
        with self.uow() as session:
            row = get_live(session, QuestionRow, question_id, _("Question"))
            row.question, row.answer = question, optional_text(answer)
            session.flush()
            return mappers.question(row)

    def delete_question(self, question_id: str) -> None:
        with self.uow() as session:
            get_live(session, QuestionRow, question_id, _("Question")).deleted_at = utc_now()


@dataclass(frozen=True)
class ParticipantInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    building: str = ""
    residence_id: str | None = None
    consent_at: date | None = None
    consent_text: str = ""


class ParticipantService(Service):
    """Named participants only with recorded consent (RGPD); export and erasure on request."""

    def add_participant(
        self, data: ParticipantInput, campaign_id: str | None = None
    ) -> m.Participant:
        campaign_id = campaign_id or self.active_campaign_id()
        values = self._check(data)
        with self.uow() as session:
            row = ParticipantRow(campaign_id=campaign_id, **values)
            session.add(row)
            session.flush()
            return mappers.participant(row)

    def update_participant(self, participant_id: str, data: ParticipantInput) -> m.Participant:
        values = self._check(data)
        with self.uow() as session:
            row = get_live(session, ParticipantRow, participant_id, _("Participant"))
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            return mappers.participant(row)

    @staticmethod
    def _check(data: ParticipantInput) -> dict[str, object]:
        personal = any(x.strip() for x in (data.name, data.phone, data.email))
        if personal and data.consent_at is None:
            raise UserError(
                _(
                    "Sans consentement enregistré (date), on ne garde ni nom ni coordonnées : "
                    "comptez la personne dans la participation de la réunion."
                ),
                field="consent_at",
            )
        if data.email.strip() and "@" not in data.email:
            raise UserError(_("Adresse e-mail invalide."), field="email")
        return {
            "name": optional_text(data.name, 200),
            "phone": optional_text(data.phone, 64),
            "email": optional_text(data.email, 200),
            "building": optional_text(data.building, 100),
            "residence_id": data.residence_id,
            "consent_at": data.consent_at,
            "consent_text": optional_text(data.consent_text),
        }

    def list_participants(self, campaign_id: str | None = None) -> list[m.Participant]:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(ParticipantRow)
                .where(
                    ParticipantRow.campaign_id == campaign_id, ParticipantRow.deleted_at.is_(None)
                )
                .order_by(ParticipantRow.name)
            )
            return [mappers.participant(r) for r in rows]

    def export_participant(self, participant_id: str) -> dict[str, object]:
        """Everything held about one person (right of access), as plain JSON-ready data."""
        with self.uow() as session:
            row = get_live(session, ParticipantRow, participant_id, _("Participant"))
            ideas = session.scalars(
                select(IdeaRow).where(
                    IdeaRow.proposer_id == participant_id, IdeaRow.deleted_at.is_(None)
                )
            )
            return {
                "id": row.id,
                "name": row.name,
                "phone": row.phone,
                "email": row.email,
                "building": row.building,
                "consent_at": row.consent_at.isoformat() if row.consent_at else None,
                "consent_text": row.consent_text,
                "created_at": row.created_at.isoformat(),
                "ideas_proposed": [{"id": i.id, "title": i.title} for i in ideas],
            }

    def erase_participant(self, participant_id: str) -> bool:
        """Right to erasure: wipe the personal fields, unlink the ideas, leave a tombstone.

        Blanking the columns is not enough: SQLite leaves the old bytes in free space and in the
        write-ahead log, where anyone with the file could read the name back. So the update runs
        with `secure_delete` on, then the file is rebuilt (VACUUM) and the log emptied. Returns
        False when another program kept the file busy and the purge must wait (logged).
        """
        with self.uow() as session:
            session.connection().exec_driver_sql("PRAGMA secure_delete=ON")
            row = get_live(session, ParticipantRow, participant_id, _("Participant"))
            row.name = row.phone = row.email = row.building = row.consent_text = ""
            row.consent_at = None
            row.deleted_at = utc_now()
            for idea in session.scalars(
                select(IdeaRow).where(IdeaRow.proposer_id == participant_id)
            ):
                idea.proposer_id = None
        self._erase_from_backups(participant_id)
        return self._purge_free_space()

    def _erase_from_backups(self, participant_id: str) -> None:
        """Apply the erasure to the automatic backups too: they are copies of the same data."""
        folder = backups_dir(self.uow.db.path.parent)
        for backup in sorted(folder.glob("*.sqlite3")) if folder.exists() else ():
            try:
                conn = sqlite3.connect(backup)
                try:
                    conn.execute("PRAGMA secure_delete=ON")
                    conn.execute(
                        "UPDATE participant SET name='', phone='', email='', building='', "
                        "consent_text='', consent_at=NULL WHERE id=?",
                        (participant_id,),
                    )
                    conn.commit()
                    conn.execute("VACUUM")
                finally:
                    conn.close()
            except sqlite3.Error as exc:  # a backup older than the participant table, or damaged
                log.warning(
                    "Backup %s not cleaned of participant %s: %s", backup, participant_id, exc
                )

    def _purge_free_space(self) -> bool:
        """Rewrite the file from its live rows only and truncate the write-ahead log."""
        engine = self.uow.db.engine.execution_options(isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
                conn.exec_driver_sql("VACUUM")
                busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
        except OperationalError as exc:
            log.warning("Erasure committed, purge of old pages postponed: %s", exc)
            return False
        if busy:
            log.warning("Erasure committed, write-ahead log busy: truncated at next checkpoint")
        return not busy
