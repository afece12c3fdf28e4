"""The messages written on the public site, in the Permanences inbox beside the hot line's
appointments (synced; only consultants' laptops receive them).

Each message shows its residence, when it came and how the resident wants an answer. The
consultant marks it answered, notes a follow-up to do, or turns it into an appointment: a free
slot is booked with the message as its question (the name and contact only with the resident's
consent), and the message is marked answered. Keyboard: the list takes the arrows, Ctrl+Entrée
marks the selected message answered (or to answer again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import site as d
from app.domain.appointments import Appointment
from app.domain.dates import format_date, format_time, local_moment, utc_now
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.appointments import BookingInput
from ui.screens.appointments.labels import where
from ui.theme import set_role
from ui.widgets import (
    Column,
    DataclassTableModel,
    DataTableView,
    EmptyState,
    Form,
    line_edit,
    scroll_page,
)

if TYPE_CHECKING:
    from ui.context import AppContext


def one_line(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def reply_text(m: d.SiteMessage) -> str:
    how = _(d.REPLY_HOWS.get(m.reply_how, m.reply_how))
    return _("{how} : {contact}").format(how=how, contact=m.contact) if m.contact else how


def state_text(m: d.SiteMessage) -> str:
    parts = []
    if m.handled_at is not None:
        parts.append(_("Répondu le {day}").format(day=f"{m.handled_at:%d/%m/%Y}"))
    else:
        parts.append(_("À traiter"))
    if m.follow_up_open:
        parts.append("⚑ " + m.follow_up)
    return " · ".join(parts)


class MessageTableModel(DataclassTableModel[d.SiteMessage]):
    def __init__(self, residences: Callable[[], dict[str, str]]) -> None:
        self.residences = residences
        super().__init__(
            (
                Column(_("Reçu le"), self._received, sort_key=lambda m: m.received_at),
                Column(_("Résidence"), lambda m: self.residences().get(m.residence_id, "—")),
                Column(_("De"), lambda m: m.name or _("(anonyme)")),
                Column(_("Message"), lambda m: one_line(m.message), tooltip=lambda m: m.message),
                Column(_("État"), state_text, tooltip=reply_text),
            )
        )

    @staticmethod
    def _received(m: d.SiteMessage) -> str:
        return f"{m.received_at:%d/%m/%Y}" if m.received_at else "—"


class MessageTableView(DataTableView):
    """The list of messages; Ctrl+Entrée asks to mark the selected one answered."""

    answer_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.answer_requested.emit()
            return
        super().keyPressEvent(event)


class SiteInboxPanel(QWidget):
    """The site's messages: the list on the left, the selected message and its actions."""

    def __init__(self, ctx: AppContext, on_booked: Callable[[Appointment], None]) -> None:
        super().__init__()
        self.ctx, self.on_booked = ctx, on_booked
        self._residences: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.info = set_role(QLabel(), "muted")
        self.info.setWordWrap(True)
        self.show_handled = QCheckBox(_("Montrer aussi les messages répondus"))
        self.show_handled.toggled.connect(lambda _on: self.reload())
        top.addWidget(self.info, 1)
        top.addWidget(self.show_handled)
        layout.addLayout(top)
        self.model = MessageTableModel(lambda: self._residences)
        self.table = MessageTableView()
        self.table.answer_requested.connect(self.toggle_answered)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.setAccessibleName(_("Messages du site"))
        self.table.stretch_column(3)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        self.empty = EmptyState(
            _("Aucun message du site à traiter"),
            _(
                "Les messages que les habitants écrivent sur le site de la campagne arrivent ici "
                "à la synchronisation, sur les postes des consultants."
            ),
        )
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll_page(self._detail(), frame=True, horizontal=False))
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([660, 420])
        layout.addWidget(splitter, 1)

    def _detail(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.heading = set_role(QLabel(), "section")
        self.heading.setWordWrap(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # never interpreted as HTML
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(_("Message"))
        self.reply = set_role(QLabel(), "muted")
        self.reply.setWordWrap(True)
        self.answered = QPushButton(_("Marquer comme répondu"))
        self.answered.setToolTip(_("Ctrl+Entrée"))
        self.answered.clicked.connect(self.toggle_answered)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addWidget(self.reply)
        layout.addWidget(self.answered, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(set_role(QLabel(_("Suite à donner")), "section"))
        self.form = Form()
        self.follow_up = line_edit(placeholder=_("Rappeler, envoyer un document…"), max_length=2000)
        self.follow_done = QCheckBox(_("Suite faite"))
        self.form.add_row("follow_up", _("Suite"), self.follow_up)
        self.form.add_widget(self.follow_done)
        self.save_follow = QPushButton(_("Enregistrer la suite"))
        self.save_follow.clicked.connect(self.save_follow_up)
        self.follow_up.returnPressed.connect(self.save_follow_up)
        layout.addWidget(self.form)
        layout.addWidget(self.save_follow, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(set_role(QLabel(_("En faire un rendez-vous")), "section"))
        self.slot_box = QComboBox()
        self.slot_box.setAccessibleName(_("Créneau libre"))
        self.slot_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.slot_box.setMinimumContentsLength(24)
        self.consent = QCheckBox(_("Accord pour noter son nom et son contact"))
        self.book_button = QPushButton(_("Prendre ce rendez-vous"))
        self.book_button.clicked.connect(self.book)
        self.no_slot = set_role(QLabel(), "muted")
        self.no_slot.setWordWrap(True)
        layout.addWidget(self.slot_box)
        layout.addWidget(self.consent)
        layout.addWidget(self.book_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.no_slot)
        layout.addStretch(1)
        self.detail = box
        return box

    # --- data --------------------------------------------------------------------------------

    def reload(self) -> None:
        current = self.table.current_object()
        self._residences = {r.id: r.name for r in self.ctx.services.campaigns.list_residences()}
        messages = self.ctx.services.inbox.messages(include_handled=self.show_handled.isChecked())
        self.model.set_rows(messages)
        self.table.setVisible(bool(messages))
        self.empty.setVisible(not messages)
        waiting = self.ctx.services.inbox.unhandled_count()
        self.info.setText(
            ngettext(
                "{n} message du site à traiter. Ils ne sont jamais publiés.",
                "{n} messages du site à traiter. Ils ne sont jamais publiés.",
                waiting,
            ).format(n=waiting)
        )
        self._fill_slots()
        if not (current and self.table.select_row_where(lambda m: m.id == current.id)):
            if messages:
                self.table.selectRow(0)
        self._selected()

    def _fill_slots(self) -> None:
        campaign = self.ctx.services.campaigns.get_campaign()
        today = local_moment(utc_now(), campaign.timezone).date()
        free = [
            a for a in self.ctx.services.appointments.list_appointments(start=today)
            if not a.booked
        ][:200]  # fmt: skip
        self.slot_box.clear()
        for a in free:
            start = local_moment(a.starts_at, campaign.timezone)
            label = _("{day}, {time} — {who} ({where})").format(
                day=format_date(start), time=format_time(start), who=a.consultant, where=where(a)
            )
            self.slot_box.addItem(label, a.id)
        self.no_slot.setText(
            "" if free else _("Aucun créneau libre à venir : ouvrez des créneaux d'abord.")
        )

    def current(self) -> d.SiteMessage | None:
        message = self.table.current_object()
        return message if isinstance(message, d.SiteMessage) else None

    def _selected(self) -> None:
        m = self.current()
        self.detail.setEnabled(m is not None)
        self.form.clear_errors()
        if m is None:
            self.heading.setText(_("Choisissez un message dans la liste"))
            for label in (self.text, self.reply):
                label.setText("")
            self.follow_up.clear()
            self.follow_done.setChecked(False)
            return
        where_ = self._residences.get(m.residence_id, "")
        received = f"{m.received_at:%d/%m/%Y}" if m.received_at else ""
        self.heading.setText(
            " — ".join(x for x in (received, m.name or _("(anonyme)"), where_) if x)
        )
        self.text.setText(m.message)
        reply = _("Réponse souhaitée : {how}").format(how=reply_text(m))
        if m.erase_on:  # the form's promise (docs/platform.md)
            reply += "\n" + _("Effacé automatiquement le {day}").format(
                day=format_date(m.erase_on, weekday=False)
            )
        self.reply.setText(reply)
        self.answered.setText(
            _("Remettre à traiter") if m.handled_at else _("Marquer comme répondu")
        )
        self.follow_up.setText(m.follow_up)
        self.follow_done.setChecked(m.follow_up_done)
        self.consent.setChecked(False)
        self.consent.setEnabled(bool(m.name or m.contact))
        self.book_button.setEnabled(self.slot_box.count() > 0)

    # --- actions -----------------------------------------------------------------------------

    def _done(self, message: str) -> None:
        self.ctx.notify(message)
        self.ctx.changed("site")

    def toggle_answered(self) -> None:
        m = self.current()
        if m is None:
            return
        self.ctx.services.inbox.mark_handled(m.id, m.handled_at is None)
        self._done(
            _("Message marqué comme répondu.") if m.handled_at is None
            else _("Message remis à traiter.")
        )  # fmt: skip

    def save_follow_up(self) -> None:
        m = self.current()
        if m is None:
            return
        self.ctx.services.inbox.set_follow_up(
            m.id, self.follow_up.text(), self.follow_done.isChecked()
        )
        self._done(_("Suite enregistrée."))

    def book(self) -> None:
        """Book the chosen free slot for this message, then mark the message answered."""
        m = self.current()
        slot_id = self.slot_box.currentData()
        if m is None or not slot_id:
            return
        named = self.consent.isChecked()
        data = BookingInput(
            question=m.message, consent=named, resident_name=m.name if named else "",
            resident_contact=m.contact if named else "", residence_id=m.residence_id or None,
        )  # fmt: skip
        try:
            slot = self.ctx.services.appointments.book(slot_id, data)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.ctx.services.inbox.mark_handled(m.id)
        self.ctx.changed("appointments")
        self._done(_("Rendez-vous pris ; le message est marqué comme répondu."))
        self.on_booked(slot)
