"""The selected participant's form, saved as you type.

The consent comes first, because it decides whether anything else may be written: without a
consent date the service refuses a name or contact details, and its message appears under the
consent field. A new person is only created in the database at the first save that the service
accepts, so an abandoned blank form leaves nothing behind.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.i18n import _
from app.services.meetings import ParticipantInput
from ui.screens.participants.erase import danger_button
from ui.screens.participants.models import display_name
from ui.theme import set_role
from ui.widgets import Form, SavedHint, line_edit, record_saver, tall, text_edit

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class ConsentField(QWidget):
    """ "La personne a donné son accord" and the date of that accord (today when ticked)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(_("La personne a donné son accord"))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setAccessibleName(_("Date de l'accord"))
        self.date_edit.setMaximumDate(QDate.currentDate())
        date_row = QHBoxLayout()
        date_label = QLabel(_("Date de l'accord :"))
        date_label.setBuddy(self.date_edit)
        date_row.addWidget(date_label)
        date_row.addWidget(self.date_edit)
        date_row.addStretch(1)
        layout.addWidget(self.check)
        layout.addLayout(date_row)
        self.check.toggled.connect(self._toggled)
        self.date_edit.dateChanged.connect(self.changed)
        self.setFocusProxy(self.check)
        self.set_value(None)

    def _toggled(self, checked: bool) -> None:
        self.date_edit.setEnabled(checked)
        if checked:
            self.date_edit.blockSignals(True)
            self.date_edit.setDate(QDate.currentDate())
            self.date_edit.blockSignals(False)
        self.changed.emit()

    def value(self) -> date | None:
        if not self.check.isChecked():
            return None
        day = self.date_edit.date()
        return date(day.year(), day.month(), day.day())

    def set_value(self, value: date | None) -> None:
        for widget in (self.check, self.date_edit):
            widget.blockSignals(True)
        self.check.setChecked(value is not None)
        self.date_edit.setEnabled(value is not None)
        day = value or date.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        for widget in (self.check, self.date_edit):
            widget.blockSignals(False)


class ParticipantForm(QWidget):
    """Edit one person (or a new one); every change is saved after a short pause (`saver`)."""

    created = Signal(str)
    export_requested = Signal(str)
    erase_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person: m.Participant | None = None
        self.creating = False
        self.hint = SavedHint()
        self.form = Form()
        self._build_fields()
        title_row = QHBoxLayout()
        self.heading = QLabel(_("Personne"))
        set_role(self.heading, "section")
        title_row.addWidget(self.heading, 1)
        title_row.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 8, 8)
        layout.addLayout(title_row)
        layout.addWidget(self.form)
        layout.addSpacing(8)
        layout.addLayout(self._rights_box())
        layout.addStretch(1)
        self.saver = record_saver(
            self._save, self.form, self.hint, lambda exc: ctx.show_error(exc, self.form)
        )
        self._connect()
        self.setEnabled(False)

    def _build_fields(self) -> None:
        self.consent = ConsentField()
        self.consent_text_edit = tall(
            text_edit(placeholder=_("Par exemple : être recontactée au sujet du jardin partagé")),
            2,
        )
        self.name_edit = line_edit(placeholder=_("Prénom et nom"))
        self.phone_edit = line_edit(placeholder=_("06 12 34 56 78"), max_length=64)
        self.email_edit = line_edit(placeholder=_("prenom.nom@exemple.fr"))
        self.building_edit = line_edit(
            placeholder=_("Par exemple : bât. A, apt 12"), max_length=100
        )
        self.residence_box = QComboBox()
        f = self.form
        f.add_row(
            "consent_at",
            _("Accord"),
            self.consent,
            hint=_("Un nom ou des coordonnées ne s'enregistrent qu'avec l'accord de la personne."),
        )
        f.add_row("consent_text", _("Ce qu'elle a accepté"), self.consent_text_edit)
        f.add_row("name", _("Nom"), self.name_edit)
        f.add_row("phone", _("Téléphone"), self.phone_edit)
        f.add_row("email", _("E-mail"), self.email_edit)
        f.add_row("building", _("Bâtiment, logement"), self.building_edit)
        f.add_row("residence_id", _("Résidence"), self.residence_box)

    def _rights_box(self) -> QVBoxLayout:
        """The person's rights: a copy of her data, and erasure (stacked: the pane is narrow)."""
        self.export_button = QPushButton(_("Exporter ses données…"))
        self.export_button.setToolTip(
            _("Droit d'accès : tout ce qui est enregistré sur cette personne, dans un fichier JSON")
        )
        self.erase_button = danger_button(_("Effacer ses données…"))
        self.erase_button.setToolTip(_("Droit à l'effacement : définitif, sans retour possible"))
        self.export_button.clicked.connect(self._ask_export)
        self.erase_button.clicked.connect(self._ask_erase)
        box = QVBoxLayout()
        box.addWidget(set_role(QLabel(_("Ses droits sur ses données")), "section"))
        box.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.erase_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _connect(self) -> None:
        touch = self.saver.touch
        self.consent.changed.connect(touch)
        self.consent_text_edit.textChanged.connect(touch)
        for edit in (self.name_edit, self.phone_edit, self.email_edit, self.building_edit):
            edit.textEdited.connect(touch)
        self.residence_box.currentIndexChanged.connect(touch)

    def set_residences(self, residences: list[m.Residence]) -> None:
        with self.saver.loading():
            current = self.residence_box.currentData()
            self.residence_box.clear()
            self.residence_box.addItem(_("— Non précisée —"), "")
            for residence in residences:
                self.residence_box.addItem(residence.name, residence.id)
            self.residence_box.setCurrentIndex(max(0, self.residence_box.findData(current)))

    def set_person(self, person: m.Participant | None) -> None:
        """Show a person (saving any edit still waiting on the previous one first)."""
        self.saver.flush()
        self.person, self.creating = person, False
        self._show(person)

    def start_new(self) -> None:
        """An empty form for a new person, created in the database at the first accepted save."""
        self.saver.flush()
        self.person, self.creating = None, True
        self._show(None)
        self.heading.setText(_("Nouvelle personne"))
        self.consent.check.setFocus()

    def _show(self, person: m.Participant | None) -> None:
        self.form.clear_errors()
        self.hint.clear()
        self.setEnabled(person is not None or self.creating)
        has_person = person is not None
        self.export_button.setEnabled(has_person)
        self.erase_button.setEnabled(has_person)
        with self.saver.loading():
            self._fill(person)

    def _fill(self, person: m.Participant | None) -> None:
        self.heading.setText(display_name(person) if person else _("Personne"))
        self.consent.set_value(person.consent_at if person else None)
        self.consent_text_edit.setPlainText(person.consent_text if person else "")
        self.name_edit.setText(person.name if person else "")
        self.phone_edit.setText(person.phone if person else "")
        self.email_edit.setText(person.email if person else "")
        self.building_edit.setText(person.building if person else "")
        residence = (person.residence_id if person else None) or ""
        self.residence_box.setCurrentIndex(max(0, self.residence_box.findData(residence)))

    def input(self) -> ParticipantInput:
        return ParticipantInput(
            name=self.name_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            building=self.building_edit.text(),
            residence_id=self.residence_box.currentData() or None,
            consent_at=self.consent.value(),
            consent_text=self.consent_text_edit.toPlainText(),
        )

    def _save(self) -> None:
        data = self.input()
        services = self.ctx.services.participants
        if self.person is not None:
            self.person = services.update_participant(self.person.id, data)
        elif self.creating:
            if not any(x.strip() for x in (data.name, data.phone, data.email, data.building)):
                QTimer.singleShot(0, self.hint.clear)  # nothing was saved: say nothing
                return  # no one to record yet: an empty record would only be clutter
            self.person, self.creating = services.add_participant(data), False
            self.export_button.setEnabled(True)
            self.erase_button.setEnabled(True)
            self.created.emit(self.person.id)
        else:
            return
        self.heading.setText(display_name(self.person))
        self.ctx.changed("participants")

    def _ask_export(self) -> None:
        if self.person is not None and self.saver.flush():
            self.export_requested.emit(self.person.id)

    def _ask_erase(self) -> None:
        if self.person is not None:
            self.saver.flush()
            self.erase_requested.emit(self.person.id)
