"""The selected meeting's form, saved as you type: kind, date and time, place, residence,
facilitators, attendance by category, notes, and the questions asked with their answers."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.i18n import _, ngettext
from app.services.meetings import MeetingInput
from ui.screens.meetings.models import local
from ui.screens.meetings.questions import QuestionsEditor
from ui.theme import set_role
from ui.widgets import Form, SavedHint, int_edit, line_edit, record_saver, text_edit

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class AttendanceEditor(QWidget):
    """One spin box per attendance category, two per line, with the total beside."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.spins: dict[str, QSpinBox] = {}
        for index, (key, label) in enumerate(m.ATTENDANCE_CATEGORIES.items()):
            spin = int_edit(0, 10_000)
            spin.setAccessibleName(_(label))
            spin.setMaximumWidth(140)
            spin.valueChanged.connect(self._changed)
            self.spins[key] = spin
            text = QLabel(_(label))
            text.setBuddy(spin)
            row, column = (index // 2) * 2, index % 2
            grid.addWidget(text, row, column)
            grid.addWidget(spin, row + 1, column)
        self.total = set_role(QLabel(), "muted")
        grid.addWidget(self.total, 4, 0, 1, 2)
        grid.setColumnStretch(2, 1)
        self.setFocusProxy(next(iter(self.spins.values())))

    def set_counts(self, attendance: dict[str, int]) -> None:
        for key, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(int(attendance.get(key, 0)))
            spin.blockSignals(False)
        self._show_total()

    def counts(self) -> dict[str, int]:
        return {key: spin.value() for key, spin in self.spins.items() if spin.value()}

    def _changed(self) -> None:
        self._show_total()
        self.changed.emit()

    def _show_total(self) -> None:
        total = sum(spin.value() for spin in self.spins.values())
        self.total.setText(
            ngettext("Total : {n} personne", "Total : {n} personnes", total).format(n=total)
        )


class MeetingForm(QWidget):
    """Edit one meeting; every change is saved after a short pause (`saver`)."""

    delete_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting: m.Meeting | None = None
        self.hint = SavedHint()
        self.form = Form()
        self._build_fields()
        self.questions = QuestionsEditor(ctx)
        self.delete_button = QPushButton(_("Supprimer la réunion"))
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self._ask_delete)
        title_row = QHBoxLayout()
        self.heading = set_role(QLabel(_("Réunion")), "section")
        title_row.addWidget(self.heading, 1)
        title_row.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 8, 8)
        layout.addLayout(title_row)
        layout.addWidget(self.form)
        asked = set_role(QLabel(_("Questions posées et réponses données")), "section")
        asked.setWordWrap(True)
        layout.addWidget(asked)
        layout.addWidget(self.questions)
        layout.addSpacing(12)
        layout.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.saver = record_saver(
            self._save, self.form, self.hint, lambda exc: ctx.show_error(exc, self.form)
        )
        self._connect()

    def _build_fields(self) -> None:
        self.kind_box = QComboBox()
        for kind, label in m.MEETING_KIND_LABELS.items():
            self.kind_box.addItem(_(label), kind.value)
        self.when_edit = QDateTimeEdit()
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("dd/MM/yyyy  HH:mm")
        self.residence_box = QComboBox()
        self.place_edit = line_edit(placeholder=_("Par exemple : salle commune, hall A"))
        self.facilitators_edit = line_edit(placeholder=_("Noms des animateurs"), max_length=1000)
        self.attendance = AttendanceEditor()
        self.notes_edit = text_edit(
            placeholder=_("Ce qu'il faut retenir de la réunion"), min_lines=2
        )
        f = self.form
        f.add_row("kind", _("Type de réunion"), self.kind_box)
        f.add_row("starts_at", _("Date et heure"), self.when_edit)
        f.add_row("residence_id", _("Résidence"), self.residence_box)
        f.add_row("place", _("Lieu"), self.place_edit)
        f.add_row("facilitators", _("Animateurs"), self.facilitators_edit)
        f.add_row("attendance", _("Participants, par catégorie (sans noms)"), self.attendance)
        f.add_row("notes", _("Notes"), self.notes_edit)

    def _connect(self) -> None:
        touch = self.saver.touch
        self.kind_box.currentIndexChanged.connect(touch)
        self.when_edit.dateTimeChanged.connect(touch)
        self.residence_box.currentIndexChanged.connect(touch)
        self.place_edit.textEdited.connect(touch)
        self.facilitators_edit.textEdited.connect(touch)
        self.attendance.changed.connect(touch)
        self.notes_edit.textChanged.connect(touch)

    def set_residences(self, residences: list[m.Residence]) -> None:
        with self.saver.loading():
            current = self.residence_box.currentData()
            self.residence_box.clear()
            self.residence_box.addItem(_("Toutes les résidences"), "")
            for residence in residences:
                self.residence_box.addItem(residence.name, residence.id)
            self.residence_box.setCurrentIndex(max(0, self.residence_box.findData(current)))

    def set_meeting(self, meeting: m.Meeting | None) -> None:
        """Show a meeting (saving any edit still waiting on the previous one first)."""
        self.saver.flush()
        self.meeting = meeting
        self.form.clear_errors()
        self.hint.clear()
        self.setEnabled(meeting is not None)
        with self.saver.loading():
            self._fill(meeting)
        self.questions.set_meeting(meeting)

    def _fill(self, meeting: m.Meeting | None) -> None:
        if meeting is None:
            return
        self.heading.setText(
            _("Réunion : {kind}").format(kind=_(m.MEETING_KIND_LABELS[meeting.kind]))
        )
        self.kind_box.setCurrentIndex(self.kind_box.findData(meeting.kind.value))
        when = local(meeting.starts_at).replace(tzinfo=None)
        self.when_edit.setDateTime(QDateTime(when.date(), when.time()))
        self.residence_box.setCurrentIndex(
            max(0, self.residence_box.findData(meeting.residence_id or ""))
        )
        self.place_edit.setText(meeting.place)
        self.facilitators_edit.setText(meeting.facilitators)
        self.attendance.set_counts(meeting.attendance)
        self.notes_edit.setPlainText(meeting.notes)

    def input(self) -> MeetingInput:
        """The form's content as the service's input (a naive local time: the campaign's zone)."""
        qdt = self.when_edit.dateTime()
        day, time = qdt.date().toPython(), qdt.time().toPython()
        return MeetingInput(
            kind=m.MeetingKind(self.kind_box.currentData()),
            starts_at=datetime.combine(day, time),
            residence_id=self.residence_box.currentData() or None,
            place=self.place_edit.text(),
            facilitators=self.facilitators_edit.text(),
            attendance=self.attendance.counts(),
            notes=self.notes_edit.toPlainText(),
        )

    def _save(self) -> None:
        if self.meeting is None:
            return
        self.meeting = self.ctx.services.meetings.update_meeting(self.meeting.id, self.input())
        self.heading.setText(
            _("Réunion : {kind}").format(kind=_(m.MEETING_KIND_LABELS[self.meeting.kind]))
        )
        self.ctx.changed("meetings")

    def _ask_delete(self) -> None:
        if self.meeting is not None:
            self.delete_requested.emit(self.meeting.id)
