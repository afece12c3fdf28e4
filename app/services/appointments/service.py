"""The hot line and its appointment book ("Permanences"): open slots, book, answer, follow up.

A resident's name and contact are written only with their consent, recorded with its date;
without it the booking is anonymous. Figures and questions are plain data for the dashboard
and the evaluation report (`figures()`, `questions()`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.appointments import (
    DEFAULT_SLOT_MINUTES,
    Appointment,
    AppointmentFigures,
    AskedQuestion,
    Channel,
    slot_starts,
)
from app.domain.dates import format_time, utc_now
from app.domain.validation import optional_text, required_text
from app.errors import UserError
from app.i18n import _
from app.services.appointments.sheet import week_sheet
from app.services.base import Service, get_live, library_errors
from app.storage import mappers
from app.storage.consultant_tables import AppointmentRow
from app.storage.tables import CampaignRow, ResidenceRow
from ballots.appointments_sheet import render_week_sheet


@dataclass(frozen=True)
class SlotsInput:
    """Consecutive slots of one consultant on one channel, on one day (campaign's local time)."""

    consultant: str
    channel: Channel
    day: date
    start: time
    end: time
    minutes: int = DEFAULT_SLOT_MINUTES
    place: str = ""
    residence_id: str | None = None


@dataclass(frozen=True)
class BookingInput:
    """Who booked (only with consent) and what they ask."""

    question: str = ""
    theme: str = ""
    consent: bool = False
    resident_name: str = ""
    resident_contact: str = ""
    residence_id: str | None = None


@dataclass(frozen=True)
class OutcomeInput:
    """What happened: the answer given and the follow-up to do."""

    answer: str = ""
    follow_up: str = ""
    follow_up_done: bool = False
    held: bool = True


def _appointment(row: AppointmentRow) -> Appointment:
    return Appointment(
        meta=mappers.meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        consultant=row.consultant,
        channel=Channel(row.channel),
        place=row.place,
        starts_at=row.starts_at,
        minutes=row.minutes,
        booked=row.booked,
        resident_name=row.resident_name,
        resident_contact=row.resident_contact,
        consent_at=row.consent_at,
        question=row.question,
        theme=row.theme,
        answer=row.answer,
        follow_up=row.follow_up,
        follow_up_done=row.follow_up_done,
        held=row.held,
    )


class AppointmentService(Service):
    def _zone(self, session: Session, campaign_id: str) -> ZoneInfo:
        campaign = get_live(session, CampaignRow, campaign_id, _("Campagne"))
        return ZoneInfo(campaign.timezone)

    def open_slots(self, data: SlotsInput, campaign_id: str | None = None) -> list[Appointment]:
        """Create free slots; refuses a slot that overlaps one of the same consultant."""
        campaign_id = campaign_id or self.active_campaign_id()
        consultant = required_text(data.consultant, "consultant", _("Le nom du consultant"))
        starts = slot_starts(data.day, data.start, data.end, data.minutes)
        with self.uow() as session:
            zone = self._zone(session, campaign_id)
            if data.residence_id:
                get_live(session, ResidenceRow, data.residence_id, _("Résidence"))
            moments = [datetime.combine(data.day, s, tzinfo=zone) for s in starts]
            self._refuse_overlap(session, campaign_id, consultant, moments, data.minutes)
            rows = [
                AppointmentRow(
                    campaign_id=campaign_id,
                    residence_id=data.residence_id,
                    consultant=consultant,
                    channel=Channel(data.channel).value,
                    place=optional_text(data.place, 200),
                    starts_at=moment,
                    minutes=data.minutes,
                )
                for moment in moments
            ]
            session.add_all(rows)
            session.flush()
            return [_appointment(r) for r in rows]

    def _refuse_overlap(
        self,
        session: Session,
        campaign_id: str,
        consultant: str,
        moments: list[datetime],
        minutes: int,
    ) -> None:
        first, last = moments[0], moments[-1] + timedelta(minutes=minutes)
        rows = session.scalars(
            select(AppointmentRow).where(
                AppointmentRow.campaign_id == campaign_id,
                AppointmentRow.consultant == consultant,
                AppointmentRow.deleted_at.is_(None),
                AppointmentRow.starts_at < last,
                AppointmentRow.starts_at >= first - timedelta(hours=4),
            )
        )
        for row in rows:
            end = row.starts_at + timedelta(minutes=row.minutes)
            if row.starts_at < last and end > first:
                local = row.starts_at.astimezone(moments[0].tzinfo)
                raise UserError(
                    _("{who} a déjà un créneau à {time} ce jour-là.").format(
                        who=consultant, time=format_time(local)
                    ),
                    field="start",
                )

    def book(self, slot_id: str, data: BookingInput) -> Appointment:
        """Book a free slot. A name or a contact without consent is refused, not dropped."""
        name = optional_text(data.resident_name, 200)
        contact = optional_text(data.resident_contact, 200)
        if (name or contact) and not data.consent:
            raise UserError(
                _(
                    "Nom et coordonnées seulement avec l'accord de la personne : cochez son "
                    "consentement, ou laissez le rendez-vous anonyme."
                ),
                field="consent",
            )
        with self.uow() as session:
            row = get_live(session, AppointmentRow, slot_id, _("Créneau"))
            if row.booked:
                raise UserError(_("Ce créneau est déjà réservé."), field="slot")
            if data.residence_id:
                get_live(session, ResidenceRow, data.residence_id, _("Résidence"))
                row.residence_id = data.residence_id
            row.booked = True
            row.resident_name, row.resident_contact = name, contact
            row.consent_at = utc_now().date() if data.consent else None
            row.question = optional_text(data.question)
            row.theme = optional_text(data.theme, 100)
            session.flush()
            return _appointment(row)

    def record_outcome(self, slot_id: str, data: OutcomeInput) -> Appointment:
        with self.uow() as session:
            row = get_live(session, AppointmentRow, slot_id, _("Créneau"))
            if not row.booked:
                raise UserError(_("Ce créneau n'est pas réservé : réservez-le d'abord."))
            row.answer = optional_text(data.answer)
            row.follow_up = optional_text(data.follow_up)
            row.follow_up_done = bool(data.follow_up_done and row.follow_up)
            row.held = data.held
            session.flush()
            return _appointment(row)

    def cancel_booking(self, slot_id: str) -> Appointment:
        """Free the slot again and forget who booked it and what they asked."""
        with self.uow() as session:
            row = get_live(session, AppointmentRow, slot_id, _("Créneau"))
            row.booked = row.held = row.follow_up_done = False
            row.resident_name = row.resident_contact = ""
            row.consent_at = None
            row.question = row.theme = row.answer = row.follow_up = ""
            session.flush()
            return _appointment(row)

    def delete_slot(self, slot_id: str) -> None:
        with self.uow() as session:
            row = get_live(session, AppointmentRow, slot_id, _("Créneau"))
            if row.booked:
                raise UserError(_("Ce créneau est réservé : annulez d'abord la réservation."))
            row.deleted_at = utc_now()

    def get(self, slot_id: str) -> Appointment:
        with self.uow() as session:
            return _appointment(get_live(session, AppointmentRow, slot_id, _("Créneau")))

    def list_appointments(
        self,
        start: date | None = None,
        end: date | None = None,
        campaign_id: str | None = None,
        booked_only: bool = False,
    ) -> list[Appointment]:
        """Slots from `start` to `end` included (local days of the campaign), in time order."""
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            zone = self._zone(session, campaign_id)
            query = select(AppointmentRow).where(
                AppointmentRow.campaign_id == campaign_id, AppointmentRow.deleted_at.is_(None)
            )
            if start is not None:
                query = query.where(
                    AppointmentRow.starts_at >= datetime.combine(start, time(), tzinfo=zone)
                )
            if end is not None:
                limit = datetime.combine(end + timedelta(days=1), time(), tzinfo=zone)
                query = query.where(AppointmentRow.starts_at < limit)
            if booked_only:
                query = query.where(AppointmentRow.booked.is_(True))
            rows = session.scalars(
                query.order_by(AppointmentRow.starts_at, AppointmentRow.consultant)
            )
            return [_appointment(r) for r in rows]

    def day(self, day: date, campaign_id: str | None = None) -> list[Appointment]:
        return self.list_appointments(day, day, campaign_id)

    def print_week(
        self,
        any_day: date,
        out: Path,
        *,
        campaign: str,
        residences: dict[str, str],
        timezone: str = "Europe/Paris",
    ) -> tuple[Path, int]:
        """Write the week of `any_day` (Monday to Sunday) to `out`; returns the path and pages."""
        title, days = week_sheet(self.week(any_day), any_day, residences, timezone)
        with library_errors():
            pages = render_week_sheet(campaign, title, days, Path(out))
        return Path(out), pages

    def week(self, any_day: date, campaign_id: str | None = None) -> list[Appointment]:
        monday = any_day - timedelta(days=any_day.weekday())
        return self.list_appointments(monday, monday + timedelta(days=6), campaign_id)

    def questions(self, campaign_id: str | None = None) -> list[AskedQuestion]:
        """Every question asked on the hot line (no name), oldest first."""
        return [
            AskedQuestion(
                a.meta.id, a.starts_at, a.residence_id, a.channel, a.question, a.theme, a.answer
            )
            for a in self.list_appointments(campaign_id=campaign_id, booked_only=True)
            if a.question
        ]

    def figures(self, campaign_id: str | None = None) -> AppointmentFigures:
        """The hot line in figures, for the dashboard and the evaluation report."""
        campaign_id = campaign_id or self.active_campaign_id()
        slots = self.list_appointments(campaign_id=campaign_id)
        booked = [a for a in slots if a.booked]
        with self.uow() as session:
            found = session.execute(
                select(ResidenceRow.id, ResidenceRow.name).where(
                    ResidenceRow.campaign_id == campaign_id
                )
            )
            names = {rid: name for rid, name in found}
        channels = Counter(a.channel for a in booked)
        return AppointmentFigures(
            slots=len(slots),
            booked=len(booked),
            held=sum(a.held for a in booked),
            anonymous=sum(a.anonymous for a in booked),
            named=sum(not a.anonymous for a in booked),
            follow_ups_open=sum(a.follow_up_open for a in booked),
            follow_ups_done=sum(bool(a.follow_up) and a.follow_up_done for a in booked),
            by_channel=tuple((c, channels.get(c, 0)) for c in Channel),
            by_residence=_ranked(names.get(a.residence_id or "", "") for a in booked),
            by_theme=_ranked(a.theme for a in booked if a.theme),
            by_consultant=_ranked(a.consultant for a in booked),
        )


def _ranked(values: object) -> tuple[tuple[str, int], ...]:
    counts = Counter(values)  # type: ignore[call-overload]
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
