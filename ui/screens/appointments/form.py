"""The selected slot: who booked it (name only with consent), the question, the answer given and
the follow-up; "Réserver" on a free slot, "Enregistrer" on a booked one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.appointments import Appointment
from app.errors import UserError
from app.i18n import _
from app.services.appointments import AppointmentService, BookingInput, OutcomeInput
from ui.theme import set_role
from ui.widgets import Form, line_edit, text_edit


class AppointmentForm(QWidget):
    def __init__(
        self,
        service: AppointmentService,
        on_saved: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.on_saved = service, on_saved
        self.slot: Appointment | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = set_role(QLabel(_("Choisissez un créneau")), "section")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.form = Form()
        self.consent = QCheckBox(_("Accord pour noter son nom et son contact"))
        self.consent.toggled.connect(self._consent_changed)
        self.form.add_row("consent", _("Consentement"), self.consent)
        self.name = line_edit(placeholder=_("Nom (avec son accord)"))
        self.contact = line_edit(placeholder=_("Téléphone ou courriel"))
        self.form.add_row("resident_name", _("Nom"), self.name)
        self.form.add_row("resident_contact", _("Contact"), self.contact)
        self.question = text_edit(placeholder=_("La question posée"), min_lines=2)
        self.form.add_row("question", _("Question"), self.question)
        self.theme = line_edit(placeholder=_("Cadre de vie, espaces verts…"), max_length=100)
        self.form.add_row("theme", _("Thème"), self.theme)
        self.answer = text_edit(placeholder=_("La réponse donnée"), min_lines=2)
        self.form.add_row("answer", _("Réponse"), self.answer)
        self.follow_up = line_edit(placeholder=_("Rappeler, envoyer un document…"), max_length=1000)
        self.follow_done = QCheckBox(_("Suite faite"))
        self.form.add_row("follow_up", _("Suite à donner"), self.follow_up)
        self.form.add_widget(self.follow_done)
        layout.addWidget(self.form)
        buttons = QHBoxLayout()
        self.save = QPushButton(_("Réserver"))
        self.save.setProperty("primary", True)
        self.save.clicked.connect(self.submit)
        self.cancel = QPushButton(_("Annuler la réservation"))
        self.cancel.clicked.connect(self.cancel_booking)
        buttons.addWidget(self.save)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.show_slot(None, "")

    def _consent_changed(self, on: bool) -> None:
        self.name.setEnabled(on)
        self.contact.setEnabled(on)
        if not on:
            self.name.clear()
            self.contact.clear()

    def show_slot(self, slot: Appointment | None, heading: str) -> None:
        self.slot = slot
        self.form.clear_errors()
        self.heading.setText(heading or _("Choisissez un créneau dans la liste"))
        self.setEnabled(slot is not None)
        booked = slot is not None and slot.booked
        self.consent.setChecked(bool(slot and slot.consent_at))
        self._consent_changed(self.consent.isChecked())
        self.name.setText(slot.resident_name if slot else "")
        self.contact.setText(slot.resident_contact if slot else "")
        self.question.setPlainText(slot.question if slot else "")
        self.theme.setText(slot.theme if slot else "")
        self.answer.setPlainText(slot.answer if slot else "")
        self.follow_up.setText(slot.follow_up if slot else "")
        self.follow_done.setChecked(bool(slot and slot.follow_up_done))
        for widget in (self.answer, self.follow_up, self.follow_done):
            widget.setEnabled(booked)
        self.save.setText(_("Enregistrer") if booked else _("Réserver"))
        self.cancel.setVisible(booked)

    def submit(self) -> None:
        if self.slot is None:
            return
        self.form.clear_errors()
        try:
            slot = self.slot
            if not slot.booked:
                slot = self.service.book(slot.id, self._booking())
            else:
                slot = self._rebook(slot)
            outcome = OutcomeInput(
                self.answer.toPlainText(), self.follow_up.text(), self.follow_done.isChecked()
            )
            if slot.booked and (outcome.answer or outcome.follow_up or slot.answer):
                slot = self.service.record_outcome(slot.id, outcome)
        except UserError as exc:
            if not self.form.show_user_error(exc):
                raise
            return
        self.on_saved(slot.id)

    def _booking(self) -> BookingInput:
        return BookingInput(
            self.question.toPlainText(), self.theme.text(), self.consent.isChecked(),
            self.name.text(), self.contact.text(),
        )  # fmt: skip

    def _rebook(self, slot: Appointment) -> Appointment:
        """A booked slot whose booking fields changed: booked again with the new ones."""
        data = self._booking()
        same = (data.question.strip(), data.theme.strip(), data.consent, data.resident_name.strip(),
                data.resident_contact.strip()) == (slot.question, slot.theme,
                slot.consent_at is not None, slot.resident_name, slot.resident_contact)  # fmt: skip
        if same:
            return slot
        self.service.cancel_booking(slot.id)
        return self.service.book(
            slot.id, BookingInput(**{**data.__dict__, "residence_id": slot.residence_id})
        )

    def cancel_booking(self) -> None:
        if self.slot is None:
            return
        self.service.cancel_booking(self.slot.id)
        self.on_saved(self.slot.id)
