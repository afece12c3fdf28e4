"""The printable weekly sheet of the hot line: its days and slots as the ballots library prints
them (`AppointmentService.print_week` writes the PDF)."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.appointments import CHANNEL_LABELS, Appointment, Channel
from app.domain.dates import format_date, format_time, local_moment
from app.i18n import _
from ballots.appointments_sheet import SheetDay, SheetSlot


def week_sheet(
    slots: list[Appointment], any_day: date, residences: dict[str, str], timezone: str
) -> tuple[str, list[SheetDay]]:
    """The title and the seven days (Monday to Sunday) of the week of `any_day`, from its slots."""
    monday = any_day - timedelta(days=any_day.weekday())
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        mine = [a for a in slots if local_moment(a.starts_at, timezone).date() == day]
        days.append(
            SheetDay(format_date(day), tuple(_sheet_slot(a, residences, timezone) for a in mine))
        )
    return _("Permanences – semaine du {day}").format(day=format_date(monday)), days


def _sheet_slot(a: Appointment, residences: dict[str, str], timezone: str) -> SheetSlot:
    start, end = local_moment(a.starts_at, timezone), local_moment(a.ends_at, timezone)
    details = list(
        dict.fromkeys(x for x in (a.place, residences.get(a.residence_id or "", "")) if x)
    )
    if a.channel is Channel.ROOM and details:
        where = " · ".join(details)  # the room and the residence say it is on site
    else:
        where = " · ".join([_(CHANNEL_LABELS[a.channel]), *details])
    if not a.booked:
        who = ""
    elif a.anonymous:
        who = _("Anonyme")
    else:
        who = a.resident_name or _("Nommé (sans nom)")
    return SheetSlot(
        time=_("{start} – {end}").format(start=format_time(start), end=format_time(end)),
        consultant=a.consultant,
        where=where,
        who=who,
        question=a.question,
        follow_up=a.follow_up if not a.follow_up_done else "",
    )
