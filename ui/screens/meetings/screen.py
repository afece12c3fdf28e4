"""Réunions & idées: the meetings with the selected one's form beside the list, the ideas list,
and the big "Mode atelier" button that opens the full-screen capture for the selected meeting."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.meetings import MeetingInput
from ui.screens.atelier.window import AtelierWindow
from ui.screens.meetings.form import MeetingForm
from ui.screens.meetings.ideas import IdeasPanel
from ui.screens.meetings.models import MeetingTableModel, MeetingTableView, fit_columns
from ui.screens.participants.panel import ParticipantsPanel
from ui.theme import set_role
from ui.widgets import (
    EmptyState,
    Screen,
    ScreenshotVariant,
    SearchProxyModel,
    primary_button,
    scroll_page,
)

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


def default_meeting_day(campaign: m.Campaign, today: date) -> date:
    """Today if it falls within the campaign's key dates, else the nearest of them."""
    days = [d for _label, start, end in campaign.key_dates() for d in (start, end) if d]
    if not days:
        return today
    return min(max(today, min(days)), max(days))


class MeetingsScreen(Screen):
    title = _("Réunions & idées")
    kinds = ("meetings", "ideas", "projects", "residences", "campaign", "participants")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.atelier: AtelierWindow | None = None
        layout, self.header = self.standard_layout(
            _("Réunions & idées"),
            _(
                "Chaque réunion avec les habitants : qui est venu, ce qui a été demandé, les idées notées."
            ),
        )
        self.new_button = self.header.add_action(QPushButton(_("Nouvelle réunion")))
        self.atelier_button = self.header.add_action(primary_button(_("Mode atelier")))
        self.atelier_button.setMinimumHeight(48)
        self.atelier_button.setToolTip(
            _("Noter les idées en plein écran pendant la réunion choisie")
        )
        self.new_button.clicked.connect(self.new_meeting)
        self.atelier_button.clicked.connect(self._atelier_clicked)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._meetings_page(), _("Réunions"))
        self.ideas = IdeasPanel(ctx)
        self.tabs.addTab(self.ideas, _("Idées"))
        self.participants = ParticipantsPanel(ctx)
        self.tabs.addTab(self.participants, _("Participants"))
        layout.addWidget(self.tabs, 1)

    def _meetings_page(self) -> QWidget:
        self.model = MeetingTableModel(self)
        self.proxy = SearchProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = MeetingTableView()
        self.view.setModel(self.proxy)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        fit_columns(self.view, 2)
        self.form = MeetingForm(self.ctx)
        self.form.delete_requested.connect(self.delete_meeting)
        scroll = scroll_page(self.form, frame=True, horizontal=False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 8, 0, 0)
        left_layout.addWidget(self.view, 1)
        self.summary = set_role(QLabel(), "muted")
        left_layout.addWidget(self.summary)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setSizes([640, 480])
        self.empty = EmptyState(
            _("Aucune réunion pour l'instant"),
            _(
                "Notez ici chaque réunion avec les habitants : le nombre de participants, les "
                "questions posées et les réponses données. Pendant un atelier, le mode atelier "
                "permet de noter les idées au clavier, en plein écran."
            ),
            _("Nouvelle réunion"),
            self.new_meeting,
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(splitter)
        self.stack.addWidget(self.empty)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        return self.stack

    # --- data -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        services = self.ctx.services
        if not services.campaigns.has_campaign():
            self.stack.setCurrentWidget(self.empty)
            self.atelier_button.setEnabled(False)
            self.new_button.setEnabled(False)
            return
        residences = services.campaigns.list_residences()
        self.model.residences = {r.id: r.name for r in residences}
        self.form.set_residences(residences)
        current = self.form.meeting.id if self.form.meeting else None
        meetings = services.meetings.list_meetings()
        self.model.set_rows(meetings)
        self.stack.setCurrentWidget(self.empty if not meetings else self.stack.widget(0))
        self.new_button.setEnabled(True)
        if not self.view.select_row_where(lambda mt: mt.id == current):
            if not self.view.select_row_where(lambda _mt: True):
                self.form.set_meeting(None)
        self.atelier_button.setEnabled(bool(meetings))
        people = sum(mt.attendees for mt in meetings)
        self.summary.setText(
            ngettext("{n} réunion", "{n} réunions", len(meetings)).format(n=len(meetings))
            + " · "
            + ngettext("{n} participant", "{n} participants", people).format(n=people)
        )
        self.ideas.refresh()
        self.participants.refresh()

    def badge(self) -> str | None:
        try:
            count = self.ctx.services.status.campaign_status().ideas
        except UserError:
            return None
        return ngettext("{n} idée", "{n} idées", count).format(n=count) if count else None

    def badge_tone(self) -> str:
        return "info"

    def selected_meeting(self) -> m.Meeting | None:
        return self.view.current_object()  # type: ignore[no-any-return]

    def _current_changed(self, *_args: object) -> None:
        meeting = self.view.current_object()
        if (
            self.form.meeting is not None
            and meeting is not None
            and meeting.id == self.form.meeting.id
        ):
            return  # same meeting after a reload: keep what is being typed
        self.form.set_meeting(meeting)

    # --- actions --------------------------------------------------------------------------------

    def new_meeting(self) -> m.Meeting | None:
        """Create a workshop today at 18 h (within the campaign) and show it, ready to edit."""
        services = self.ctx.services
        try:
            campaign = services.campaigns.get_campaign()
            day = default_meeting_day(campaign, date.today())
            residences = services.campaigns.list_residences()
            data = MeetingInput(
                kind=m.MeetingKind.WORKSHOP,
                starts_at=datetime.combine(day, time(18, 0)),
                residence_id=residences[0].id if residences else None,
            )
            meeting = services.meetings.create_meeting(data)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return None
        self.form.set_meeting(None)
        self.ctx.changed("meetings")
        self.reload()
        self.tabs.setCurrentIndex(0)
        self.view.select_row_where(lambda mt: mt.id == meeting.id)
        self.form.kind_box.setFocus()
        self.ctx.notify(_("Réunion créée : complétez-la à droite."))
        return meeting

    def delete_meeting(self, meeting_id: str) -> None:
        try:
            self.ctx.services.meetings.delete_meeting(meeting_id)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.form.set_meeting(None)
        self.ctx.changed("meetings")
        self.ctx.notify(_("Réunion supprimée"), undo=lambda: self._restore(meeting_id))

    def _restore(self, meeting_id: str) -> None:
        self.ctx.services.meetings.restore_meeting(meeting_id)
        self.ctx.changed("meetings")

    def _atelier_clicked(self) -> None:
        self.open_atelier()

    def open_atelier(
        self, meeting_id: str | None = None, full_screen: bool = True
    ) -> AtelierWindow | None:
        """Open the mode atelier for the selected meeting (or `meeting_id`)."""
        if meeting_id is None:
            meeting = self.selected_meeting()
            if meeting is None:
                self.ctx.notify(_("Choisissez d'abord une réunion dans la liste."))
                return None
            meeting_id = meeting.id
        self.form.saver.flush()
        self.atelier = AtelierWindow(self.ctx, meeting_id)
        self.atelier.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.atelier.closed.connect(self._atelier_closed)
        if full_screen:
            self.atelier.showFullScreen()
        else:
            self.atelier.show()
        return self.atelier

    def _atelier_closed(self, noted: int) -> None:
        self.atelier = None
        if noted:
            self.ctx.notify(
                ngettext("{n} idée notée en atelier", "{n} idées notées en atelier", noted).format(
                    n=noted
                )
            )
        self.ctx.changed("ideas")

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [
            ("meetings-ideas", self._show_ideas),
            ("meetings-participants", self._show_participants),
            ("atelier", self._show_atelier),
        ]

    def _show_ideas(self) -> QWidget:
        self.tabs.setCurrentWidget(self.ideas)
        return self

    def _show_participants(self) -> QWidget:
        self.tabs.setCurrentWidget(self.participants)
        return self

    def _show_atelier(self) -> QWidget:
        window = self.open_atelier(full_screen=False)
        if window is None:
            return self
        window.resize(1366, 768)
        return window
