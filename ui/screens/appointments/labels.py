"""How a slot is named in the Permanences lists: who booked it, where it takes place."""

from __future__ import annotations

from app.domain.appointments import CHANNEL_LABELS, Appointment, Channel
from app.i18n import _


def who(a: Appointment) -> str:
    if not a.booked:
        return _("Libre")
    return _("Anonyme") if a.anonymous else a.resident_name or _("Nommé")


def where(a: Appointment) -> str:
    """The room's name says it is on site; a phone or a video call says so."""
    if a.channel is Channel.ROOM and a.place:
        return a.place
    return " · ".join(x for x in (_(CHANNEL_LABELS[a.channel]), a.place) if x)
