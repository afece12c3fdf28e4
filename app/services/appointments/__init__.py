"""The hot line ("Permanences"): the appointment book (`service`) and its weekly sheet (`sheet`)."""

from __future__ import annotations

from app.services.appointments.service import (
    AppointmentService,
    BookingInput,
    OutcomeInput,
    SlotsInput,
)

__all__ = ["AppointmentService", "BookingInput", "OutcomeInput", "SlotsInput"]
