"""The commission's session: date, place, members present; "Nouvelle séance". Saved as you type."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QLabel, QPushButton, QWidget

from app.domain import models as m
from app.domain.dates import format_date
from app.i18n import _
from ui.theme import set_role
from ui.widgets import Form, SavedHint, line_edit, record_saver, tall, text_edit

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


def session_label(session: m.CommissionSession) -> str:
    return _("Séance du {date}").format(date=format_date(session.held_on, weekday=False))


class SessionPanel(QWidget):
    """Choose or create the session; a new one is created once its members are typed."""

    session_changed = Signal(str)  # the session id ("" when none yet)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: m.CommissionSession | None = None
        self.hint = SavedHint()
        self.form = Form()
        self.session_box = QComboBox()
        self.session_box.setAccessibleName(_("Séance de la commission"))
        self.new_button = QPushButton(_("Nouvelle séance"))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.place_edit = line_edit(placeholder=_("Par exemple : siège du bailleur"))
        self.members_edit = tall(
            text_edit(placeholder=_("Un membre par ligne : nom (organisme)")), 3
        )
        self._layout()
        self.saver = record_saver(
            self._save, self.form, self.hint, lambda exc: ctx.show_error(exc, self.form)
        )
        self.date_edit.dateChanged.connect(self.saver.touch)
        self.place_edit.textEdited.connect(self.saver.touch)
        self.members_edit.textChanged.connect(self.saver.touch)
        self.session_box.currentIndexChanged.connect(self._chosen)
        self.new_button.clicked.connect(self.start_new)

    def _layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        left = Form()
        left.add_row("session", _("Séance"), self.session_box)
        left.add_widget(self.new_button)
        self.form.add_row("held_on", _("Date"), self.date_edit)
        self.form.add_row("place", _("Lieu"), self.place_edit)
        members = Form()
        self.form.rows["members"] = members.add_row(
            "members", _("Membres présents"), self.members_edit
        )
        grid.addWidget(left, 0, 0)
        grid.addWidget(self.form, 0, 1)
        grid.addWidget(members, 0, 2)
        grid.addWidget(self.hint, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 3)
        self.status = set_role(QLabel(), "muted")
        grid.addWidget(self.status, 1, 0, 1, 2)

    def load(self, keep: str | None = None) -> None:
        """Fill the session list; show `keep`, else the latest session."""
        if self.saver.pending():
            self.saver.flush()
        sessions = self.ctx.services.commission.list_sessions()
        wanted = keep or (self.session.id if self.session else None)
        self.session_box.blockSignals(True)
        self.session_box.clear()
        for session in sessions:
            self.session_box.addItem(session_label(session), session.id)
        index = self.session_box.findData(wanted) if wanted else -1
        self.session_box.setCurrentIndex(index if index >= 0 else len(sessions) - 1)
        self.session_box.blockSignals(False)
        if not sessions:
            self.start_new()
            return
        current = next(s for s in sessions if s.id == self.session_box.currentData())
        if self.session is None or current.id != self.session.id or not self.saver.pending():
            self._show(current)

    def _chosen(self, *_args: object) -> None:
        session_id = self.session_box.currentData()
        self.saver.flush()
        session = next(
            (s for s in self.ctx.services.commission.list_sessions() if s.id == session_id), None
        )
        if session is not None:
            self._show(session)

    def _show(self, session: m.CommissionSession) -> None:
        self.session = session
        with self.saver.loading():
            held = session.held_on
            self.date_edit.setDate(QDate(held.year, held.month, held.day))
            self.place_edit.setText(session.place)
            self.members_edit.setPlainText("\n".join(session.members))
        self.status.setText(_("Les décisions sont enregistrées dans cette séance."))
        self.session_changed.emit(session.id)

    def start_new(self) -> None:
        """Empty fields for a new session (created as soon as its members are typed)."""
        self.saver.flush()
        self.session = None
        self.form.clear_errors()
        with self.saver.loading():
            today = date.today()
            self.date_edit.setDate(QDate(today.year, today.month, today.day))
            self.place_edit.clear()
            self.members_edit.clear()
        self.status.setText(_("Nouvelle séance : indiquez les membres présents pour commencer."))
        self.members_edit.setFocus()
        self.session_changed.emit("")

    def members(self) -> list[str]:
        return [
            line.strip() for line in self.members_edit.toPlainText().splitlines() if line.strip()
        ]

    def _save(self) -> None:
        held = self.date_edit.date().toPython()
        commission = self.ctx.services.commission
        if self.session is None:
            self.session = commission.open_session(held, self.members(), self.place_edit.text())
            self.load(keep=self.session.id)
        else:
            self.session = commission.update_session(
                self.session.id, held, self.members(), self.place_edit.text()
            )
            self.session_box.setItemText(
                self.session_box.currentIndex(), session_label(self.session)
            )
        self.ctx.changed("commission")
