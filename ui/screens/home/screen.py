"""Accueil: where are we, what's next. Next key date, what is late, key figures, next steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import format_date
from app.errors import UserError
from app.i18n import N_, _, ngettext
from ui.context import AppContext
from ui.screens.home.model import (
    Alert,
    CountLine,
    HomeSummary,
    NextStep,
    count_lines,
    days_until,
    summarize,
)
from ui.tasks import format_count
from ui.theme import TONE_ICONS, set_role, tone_colors
from ui.widgets import EmptyState, Screen, scroll_page

STATE_MARKS = {
    "done": (TONE_ICONS["success"], "success", N_("terminé")),
    "now": ("▶", "info", N_("en cours")),
    "later": ("○", "neutral", N_("à venir")),
    "undated": ("?", "warning", N_("date à fixer")),
}


def card(role: str = "card") -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    set_role(frame, role)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(6)
    return frame, layout


def clear(layout: QVBoxLayout | QHBoxLayout | QGridLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class HomeScreen(Screen):
    kinds = ("all",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Accueil")
        self.today: Callable[[], date] = date.today
        self.summary: HomeSummary | None = None
        page = QWidget()
        scroll_page(page, horizontal=False, fill=self)
        self.page = QVBoxLayout(page)
        self.page.setContentsMargins(32, 24, 32, 24)
        self.page.setSpacing(16)
        self._build(page)

    def _build(self, page: QWidget) -> None:
        self.heading = set_role(QLabel(), "title")
        self.heading.setWordWrap(True)
        self.subheading = set_role(QLabel(), "subtitle")
        self.subheading.setWordWrap(True)
        self.page.addWidget(self.heading)
        self.page.addWidget(self.subheading)
        self.figures = QGridLayout()
        self.figures.setSpacing(12)
        self.page.addLayout(self.figures)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        self.left = QVBoxLayout()
        self.left.setSpacing(16)
        self.right = QVBoxLayout()
        self.right.setSpacing(16)
        columns.addLayout(self.left, 3)
        columns.addLayout(self.right, 2)
        self.page.addLayout(columns)
        self.page.addStretch(1)
        self.step_buttons: list[QPushButton] = []
        self.count_labels: list[str] = []
        self.empty: EmptyState | None = None

    # --- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        services = self.ctx.services
        for layout in (self.figures, self.left, self.right):
            clear(layout)
        self.step_buttons = []
        self.count_labels = []
        status = services.status.campaign_status()
        if status.campaign_id is None:
            self._show_no_campaign()
            return
        campaign = services.campaigns.get_campaign()
        residences = services.campaigns.list_residences()
        self.summary = summarize(campaign, status, residences, self.today())
        self.heading.setText(campaign.name)
        self.subheading.setText(self._phase_text(campaign.organiser))
        self._fill_figures()
        self.left.addWidget(self._next_date_card())
        self.left.addWidget(self._steps_card())
        self.left.addWidget(self._late_card())
        self.left.addStretch(1)
        counts = count_lines(services.counting.list_sessions(), campaign.timezone)
        if counts:
            self.right.addWidget(self._counts_card(counts))
        self.right.addWidget(self._calendar_card())
        self.right.addStretch(1)

    def badge(self) -> str | None:
        try:
            status = self.ctx.services.status.campaign_status()
            if status.campaign_id is None:
                return _("à créer")
            campaign = self.ctx.services.campaigns.get_campaign()
            residences = self.ctx.services.campaigns.list_residences()
        except UserError:
            return None
        late = summarize(campaign, status, residences, self.today()).late
        if not late:
            return None
        return ngettext("{n} alerte", "{n} alertes", len(late)).format(n=len(late))

    def _phase_text(self, organiser: str) -> str:
        assert self.summary is not None
        phase = self.summary.current_phase
        text = (
            _("Phase en cours : {phase}").format(phase=phase) if phase else _("Entre deux phases")
        )
        return f"{organiser} · {text}" if organiser else text

    def _show_no_campaign(self) -> None:
        self.heading.setText(_("Bienvenue dans BP Terrain"))
        self.subheading.setText(_("Aucune campagne dans ce dossier de données."))
        self.empty = EmptyState(
            _("Commencez par créer votre campagne"),
            _(
                "Donnez-lui un nom, ses dates clés et les résidences concernées avec leur budget."
                " Vous pourrez ensuite noter les idées des habitants en atelier."
            ),
            _("Créer la campagne"),
            self._go_campaign,
        )
        self.left.addWidget(self.empty)
        self.step_buttons = [self.empty.button] if self.empty.button else []

    def _go_campaign(self) -> None:
        self.ctx.navigate("campaign")

    # --- cards -------------------------------------------------------------------------------

    def _fill_figures(self) -> None:
        assert self.summary is not None
        for i, (label, value) in enumerate(self.summary.figures):
            frame, layout = card()
            number = set_role(QLabel(format_count(value)), "figure")
            text = set_role(QLabel(label), "muted")
            layout.addWidget(number)
            layout.addWidget(text)
            frame.setAccessibleName(f"{label} : {value}")
            self.figures.addWidget(frame, i // 4, i % 4)

    def _next_date_card(self) -> QFrame:
        assert self.summary is not None
        frame, layout = card()
        layout.addWidget(set_role(QLabel(_("Prochaine date clé")), "section"))
        next_date = self.summary.next_date
        if next_date is None:
            layout.addWidget(set_role(QLabel(_("Aucune date à venir.")), "muted"))
            return frame
        when = QLabel(f"{format_date(next_date.day)} · {days_until(next_date.day, self.today())}")
        when.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(QLabel(next_date.label))
        layout.addWidget(when)
        return frame

    def _steps_card(self) -> QFrame:
        assert self.summary is not None
        frame, layout = card()
        layout.addWidget(set_role(QLabel(_("À faire maintenant")), "section"))
        if not self.summary.steps:
            layout.addWidget(set_role(QLabel(_("Rien d'urgent : tout est à jour.")), "muted"))
        grid = QGridLayout()
        grid.setSpacing(10)
        for i, step in enumerate(self.summary.steps):
            grid.addWidget(self._step_button(step, primary=i == 0), i // 2, i % 2)
        layout.addLayout(grid)
        return frame

    def _step_button(self, step: NextStep | Alert, primary: bool) -> QPushButton:
        button = QPushButton(step.text)
        button.setProperty("primary", primary)
        button.setProperty("target", step.screen)
        button.clicked.connect(self._on_step_clicked)
        self.step_buttons.append(button)
        return button

    def _on_step_clicked(self) -> None:
        button = self.sender()
        if isinstance(button, QPushButton):
            self.ctx.navigate(str(button.property("target")))

    def _late_card(self) -> QFrame:
        assert self.summary is not None
        late = self.summary.late
        frame, layout = card("card-late" if late else "card")
        if not late:
            ok = QLabel(f"{TONE_ICONS['success']} " + _("Rien n'est en retard."))
            ok.setStyleSheet(f"color: {tone_colors('success')[0]}; font-weight: bold;")
            layout.addWidget(ok)
            return frame
        layout.addWidget(set_role(QLabel(_("En retard ou à compléter")), "section"))
        for alert in late:
            line = QLabel(f"{TONE_ICONS['warning']}  {alert.text}")
            line.setWordWrap(True)
            line.setStyleSheet(f"color: {tone_colors('warning')[0]};")
            layout.addWidget(line)
        return frame

    def _counts_card(self, counts: list[CountLine]) -> QFrame:
        frame, layout = card()
        frame.setObjectName("home-counts")
        layout.addWidget(set_role(QLabel(_("Dépouillement")), "section"))
        for count in counts:
            line = QLabel(f"{TONE_ICONS[count.tone]}  {count.text}")
            line.setWordWrap(True)
            line.setStyleSheet(f"color: {tone_colors(count.tone)[0]}; font-weight: bold;")
            layout.addWidget(line)
        go = QPushButton(_("Ouvrir le dépouillement"))
        go.setProperty("target", "count")
        go.clicked.connect(self._on_step_clicked)
        layout.addWidget(go)
        self.count_labels = [count.text for count in counts]
        return frame

    def _calendar_card(self) -> QFrame:
        assert self.summary is not None
        frame, layout = card()
        layout.addWidget(set_role(QLabel(_("Calendrier de la campagne")), "section"))
        for label, start, end, state in self.summary.calendar:
            icon, tone, word = STATE_MARKS[state]
            when = self._period(start, end)
            line = QLabel(f"<b>{icon} {label}</b> — {_(word)}<br/>{when}")
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setStyleSheet(f"color: {tone_colors(tone)[0]}; padding: 3px 0;")
            line.setWordWrap(True)
            layout.addWidget(line)
        return frame

    @staticmethod
    def _period(start: date | None, end: date | None) -> str:
        if start is None and end is None:
            return _("date à fixer")
        if start and end and start != end:
            return _("du {start} au {end}").format(
                start=format_date(start, weekday=False), end=format_date(end, weekday=False)
            )
        return format_date(start or end)  # type: ignore[arg-type]
