"""The hot line ("Permanences"): the appointment book (`service`) and its weekly sheet (`sheet`)."""

from __future__ import annotations

from app.services.appointments.service import (
    AppointmentService,
    BookingInput,
    OutcomeInput,
    SlotsInput,
)
from app.services.appointments.sheet import print_week

__all__ = ["AppointmentService", "BookingInput", "OutcomeInput", "SlotsInput", "print_week"]
