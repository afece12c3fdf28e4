"""The hot line's data objects ("Permanences"): slots, bookings, and their figures.

A slot belongs to a consultant, a channel (residence room, phone, video) and a time. A booking
names the resident only with their consent; otherwise it is anonymous and keeps the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.domain.models import RecordMeta
from app.errors import UserError
from app.i18n import N_, _

DEFAULT_SLOT_MINUTES = 30
MAX_SLOTS_PER_CALL = 48


class Channel(StrEnum):
    ROOM = "room"
    PHONE = "phone"
    VIDEO = "video"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.ROOM: N_("Salle de la résidence"),
    Channel.PHONE: N_("Téléphone"),
    Channel.VIDEO: N_("Visioconférence"),
}


@dataclass(frozen=True)
class Appointment:
    meta: RecordMeta
    campaign_id: str
    residence_id: str | None
    consultant: str
    channel: Channel
    place: str
    starts_at: datetime
    minutes: int
    booked: bool
    resident_name: str
    resident_contact: str
    consent_at: date | None
    question: str
    theme: str
    answer: str
    follow_up: str
    follow_up_done: bool
    held: bool

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def anonymous(self) -> bool:
        return self.booked and self.consent_at is None

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up) and not self.follow_up_done


@dataclass(frozen=True)
class AppointmentFigures:
    """What the dashboard and the evaluation report show about the hot line."""

    slots: int
    booked: int
    held: int
    anonymous: int
    named: int
    follow_ups_open: int
    follow_ups_done: int
    by_channel: tuple[tuple[Channel, int], ...]
    by_residence: tuple[tuple[str, int], ...]  # residence name ("" = none), booked slots
    by_theme: tuple[tuple[str, int], ...]
    by_consultant: tuple[tuple[str, int], ...]

    @property
    def booking_rate(self) -> float:
        return self.booked / self.slots if self.slots else 0.0


@dataclass(frozen=True)
class AskedQuestion:
    """A question asked on the hot line, for the dashboard and the report (no name)."""

    appointment_id: str
    asked_at: datetime
    residence_id: str | None
    channel: Channel
    question: str
    theme: str
    answer: str


def slot_starts(day: date, start: time, end: time, minutes: int) -> list[time]:
    """The starts of consecutive slots of `minutes` from `start` until `end` (last one ends
    at or before `end`); a French `UserError` for an empty or absurd range."""
    if not 5 <= minutes <= 240:
        raise UserError(
            _("Durée d'un créneau : entre 5 et 240 minutes ({n} donné).").format(n=minutes),
            field="minutes",
        )
    first = datetime.combine(day, start)
    last = datetime.combine(day, end)
    if last <= first:
        raise UserError(_("L'heure de fin doit suivre l'heure de début."), field="end")
    out: list[time] = []
    moment = first
    while moment + timedelta(minutes=minutes) <= last:
        out.append(moment.time())
        moment += timedelta(minutes=minutes)
    if not out:
        raise UserError(
            _("Aucun créneau de {n} minutes ne tient entre ces deux heures.").format(n=minutes),
            field="end",
        )
    if len(out) > MAX_SLOTS_PER_CALL:
        raise UserError(
            _("{n} créneaux d'un coup, c'est trop (au plus {max}).").format(
                n=len(out), max=MAX_SLOTS_PER_CALL
            ),
            field="end",
        )
    return out
