"""The "Ouvrir des créneaux" dialog: one consultant, one channel, one day, consecutive slots."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.appointments import CHANNEL_LABELS, Channel
from app.domain.dates import format_date
from app.domain.models import Residence
from app.errors import UserError
from app.i18n import _
from app.services.appointments import AppointmentService, SlotsInput
from ui.widgets import Form, line_edit


def _time(edit: QTimeEdit) -> time:
    t = edit.time()
    return time(t.hour(), t.minute())


class OpenSlotsDialog(QDialog):
    def __init__(
        self,
        service: AppointmentService,
        day: date,
        residences: list[Residence],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.day = service, day
        self.created = 0
        self.setWindowTitle(_("Ouvrir des créneaux le {day}").format(day=format_date(day)))
        layout = QVBoxLayout(self)
        self.form = Form()
        self.consultant = line_edit(placeholder=_("Prénom Nom"))
        self.form.add_row("consultant", _("Consultant"), self.consultant)
        self.channel = QComboBox()
        for channel in Channel:
            self.channel.addItem(_(CHANNEL_LABELS[channel]), channel.value)
        self.form.add_row("channel", _("Où"), self.channel)
        self.place = line_edit(placeholder=_("Salle commune, numéro, lien de visio…"))
        self.form.add_row("place", _("Précision"), self.place)
        self.residence = QComboBox()
        self.residence.addItem(_("Toutes les résidences"), "")
        for r in residences:
            self.residence.addItem(r.name, r.id)
        self.form.add_row("residence", _("Résidence"), self.residence)
        self.start = QTimeEdit(QTime(14, 0))
        self.end = QTimeEdit(QTime(17, 0))
        self.form.add_row("start", _("Début"), self.start)
        self.form.add_row("end", _("Fin"), self.end)
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 240)
        self.minutes.setValue(30)
        self.minutes.setSuffix(_(" min"))
        self.form.add_row("minutes", _("Durée d'un créneau"), self.minutes)
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        self.form.clear_errors()
        try:
            slots = self.service.open_slots(
                SlotsInput(
                    self.consultant.text(), Channel(self.channel.currentData()), self.day,
                    _time(self.start), _time(self.end), self.minutes.value(), self.place.text(),
                    self.residence.currentData() or None,
                )
            )  # fmt: skip
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.form.set_error("end", exc.message)
            return
        self.created = len(slots)
        self.accept()
