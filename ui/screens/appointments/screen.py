"""Permanences: the hot line's day, slot by slot, with the selected slot's booking on the right;
the weekly sheet as a PDF. A name is written only with the resident's consent."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.appointments import Appointment
from app.domain.dates import format_date, format_time, local_moment
from app.i18n import _, ngettext
from ui.screens.appointments.form import AppointmentForm
from ui.screens.appointments.inbox import SiteInboxPanel
from ui.screens.appointments.labels import where, who
from ui.screens.appointments.slots import OpenSlotsDialog
from ui.screens.meetings.models import fit_columns
from ui.theme import set_role
from ui.widgets import (
    Column,
    DataclassTableModel,
    DataTableView,
    EmptyState,
    Screen,
    ScreenshotVariant,
    primary_button,
)

if TYPE_CHECKING:
    from ui.context import AppContext


class AppointmentTableModel(DataclassTableModel[Appointment]):
    zone = "Europe/Paris"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            (
                Column(
                    _("Heure"),
                    lambda a: format_time(local_moment(a.starts_at, self.zone)),
                    sort_key=lambda a: a.starts_at,
                ),
                Column(_("Consultant"), lambda a: a.consultant),
                Column(
                    _("Où"),
                    where,
                ),
                Column(_("Personne"), who),
                Column(_("Question"), lambda a: a.question.replace("\n", " ")),
                Column(_("Suite"), lambda a: ("⚑ " + a.follow_up) if a.follow_up_open else ""),
            ),  # fmt: skip
            parent,
        )


class AppointmentTableView(DataTableView):
    pass


class AppointmentsScreen(Screen):
    title = _("Permanences")
    kinds = ("appointments", "residences", "campaign", "site")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.services.appointments
        outer, self.header = self.standard_layout(
            _("Permanences"),
            _("Les rendez-vous de la permanence : la question posée, la réponse, la suite."),
        )
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd dd/MM/yyyy")  # short: it must stay whole at 200 %
        self.day.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.day.setAccessibleName(_("Jour affiché"))
        self.day.dateChanged.connect(lambda _d: self.reload())
        nav = QHBoxLayout()
        for text, tip, step in (("◀", _("Jour précédent"), -1), ("▶", _("Jour suivant"), 1)):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(lambda _c=False, s=step: self.shift(s))
            nav.addWidget(button)
            if step < 0:
                nav.addWidget(self.day)
        self.header.add_action(QPushButton(_("Ouvrir des créneaux…"))).clicked.connect(
            self.open_slots
        )
        self.header.add_action(primary_button(_("Feuille de la semaine…"), self.ask_sheet))
        self.figures = set_role(QLabel(), "muted")
        self.figures.setWordWrap(True)
        day_tab = QWidget()
        day_layout = QVBoxLayout(day_tab)
        day_layout.setContentsMargins(0, 8, 0, 0)
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.model = AppointmentTableModel(self)
        self.table = AppointmentTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        fit_columns(self.table, 0)  # a slot is named by its time
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        self.empty = EmptyState(
            _("Aucun créneau ce jour-là"),
            _(
                "Ouvrez des créneaux de 30 minutes pour un consultant : en salle, au téléphone "
                "ou en visio. Les habitants les réservent en appelant."
            ),  # fmt: skip
            _("Ouvrir des créneaux…"),
            self.open_slots,
        )
        left.addWidget(self.table, 1)
        left.addWidget(self.empty)
        left.addWidget(self.figures)
        body.addLayout(left, 3)
        self.form = AppointmentForm(self.service, self.saved)
        self.form.setMinimumWidth(340)
        body.addWidget(self.form, 2)
        day_layout.addLayout(body, 1)
        self.inbox = SiteInboxPanel(ctx, self.show_booked)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(day_tab, _("Rendez-vous du jour"))
        self.tabs.addTab(self.inbox, _("Messages du site"))
        # the day beside the tabs, not on a row of its own: the day's form keeps its height
        self.nav = QWidget()
        nav.setContentsMargins(0, 0, 0, 4)
        self.nav.setLayout(nav)
        self.tabs.setCornerWidget(self.nav, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(lambda index: self.nav.setVisible(index == 0))
        outer.addWidget(self.tabs, 1)

    def current_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def shift(self, days: int) -> None:
        self.day.setDate(self.day.date().addDays(days))

    def refresh(self) -> None:
        campaign = self.ctx.services.campaigns.get_campaign()
        self.model.zone = campaign.timezone
        current = self.table.current_object()
        slots = self.service.day(self.current_day())
        self.model.set_rows(slots)
        self.table.setVisible(bool(slots))
        self.empty.setVisible(not slots)
        week = self.service.week(self.current_day())
        booked = sum(a.booked for a in week)
        pending = sum(a.follow_up_open for a in week)
        self.figures.setText(
            _("Cette semaine : {slots}, {booked} réservé(s), {pending}.").format(
                slots=ngettext("{n} créneau", "{n} créneaux", len(week)).format(n=len(week)),
                booked=booked,
                pending=ngettext("{n} suite à donner", "{n} suites à donner", pending).format(
                    n=pending
                ),
            )
        )
        if not (current and self.table.select_row_where(lambda a: a.id == current.id)):
            if slots:
                self.table.selectRow(0)
        self._selected()
        self.inbox.reload()
        waiting = self.ctx.services.inbox.unhandled_count()
        self.tabs.setTabText(
            1, _("Messages du site ({n})").format(n=waiting) if waiting else _("Messages du site")
        )

    def _selected(self) -> None:
        slot = self.table.current_object()
        if slot is None:
            self.form.show_slot(None, "")
            return
        start = local_moment(slot.starts_at, self.model.zone)
        heading = _("{day}, {time} — {who}").format(
            day=format_date(start), time=format_time(start), who=slot.consultant
        )
        self.form.show_slot(slot, heading)

    def saved(self, slot_id: str) -> None:
        self.ctx.changed("appointments")
        self.ctx.notify(_("Enregistré."))
        self.reload()
        self.table.select_row_where(lambda a: a.id == slot_id)

    def show_booked(self, slot: Appointment) -> None:
        """A message became an appointment: show its day with the slot selected."""
        day = local_moment(slot.starts_at, self.model.zone).date()
        self.tabs.setCurrentIndex(0)
        self.day.setDate(QDate(day.year, day.month, day.day))
        self.reload()
        self.table.select_row_where(lambda a: a.id == slot.id)

    def open_slots(self) -> None:
        residences = self.ctx.services.campaigns.list_residences()
        dialog = OpenSlotsDialog(self.service, self.current_day(), residences, self)
        if dialog.exec() and dialog.created:
            self.ctx.changed("appointments")
            self.reload()

    def ask_sheet(self) -> None:
        monday = self.current_day() - timedelta(days=self.current_day().weekday())
        default = Path(self.ctx.settings.last_folder or Path.home()) / f"permanences-{monday}.pdf"
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Feuille de la semaine"), str(default), _("PDF (*.pdf)")
        )
        if name:
            self.save_sheet(Path(name))

    def save_sheet(self, path: Path) -> Path:
        services = self.ctx.services
        campaign = services.campaigns.get_campaign()
        residences = {r.id: r.name for r in services.campaigns.list_residences()}
        done, _pages = services.appointments.print_week(
            self.current_day(), path, campaign=campaign.name,
            residences=residences, timezone=campaign.timezone,
        )  # fmt: skip
        self.ctx.settings.last_folder = str(path.parent)
        self.ctx.notify(_("Feuille enregistrée : {name}").format(name=done.name))
        return done

    def badge(self) -> str | None:
        pending = sum(a.follow_up_open for a in self.service.list_appointments(booked_only=True))
        pending += self.ctx.services.inbox.open_follow_ups()
        waiting = self.ctx.services.inbox.unhandled_count()
        messages = ngettext("{n} message du site", "{n} messages du site", waiting)
        follow_ups = ngettext("{n} suite à donner", "{n} suites à donner", pending)
        if waiting and pending:  # short enough for the sidebar's badge
            messages = ngettext("{n} message", "{n} messages", waiting)
            follow_ups = ngettext("{n} suite", "{n} suites", pending)
        parts = [messages.format(n=waiting)] if waiting else []
        parts += [follow_ups.format(n=pending)] if pending else []
        return " · ".join(parts) or None

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        def busiest_day() -> QWidget:
            slots = self.service.list_appointments(booked_only=True)
            if slots:
                day = local_moment(slots[0].starts_at, self.model.zone).date()
                self.day.setDate(QDate(day.year, day.month, day.day))
                self.table.select_row_where(lambda a: a.booked)
            return self

        def inbox() -> QWidget:
            self.tabs.setCurrentWidget(self.inbox)
            return self

        return [("appointments-day", busiest_day), ("appointments-inbox", inbox)]
