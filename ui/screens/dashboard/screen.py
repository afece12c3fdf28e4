"""Tableau de bord: where the campaign stands, its figures per residence, themes and charts.

Every figure opens the list behind it: a figure tile, a cell of the residences table (double
click or Entrée), a bar of a chart. The figures come from `services.dashboard.overview()` (a
few grouped queries, well under a second); the vote's results run in the background and fill
the table's last column and the results tile when they are ready.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import format_date
from app.errors import UserError
from app.i18n import _
from app.services.dashboard import Dashboard, ResidenceResult
from ui.context import AppContext
from ui.screens.dashboard.charts import Bar, BarChart, Timeline
from ui.screens.dashboard.models import (
    ResidenceFiguresTableModel,
    ResidenceFiguresTableView,
    Target,
    percent,
)
from ui.screens.dashboard.recommendations import RecommendationsEditor
from ui.screens.meetings.models import fit_columns
from ui.tasks import format_count
from ui.theme import set_role
from ui.widgets import EmptyState, Screen, scroll_page
from ui.widgets.screen import ScreenHeader, primary_button


class FigureTile(QFrame):
    """A key figure that opens its list when clicked or on Entrée / Espace."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(2)
        self.figure = set_role(QLabel(), "figure")
        self.text = set_role(QLabel(), "muted")
        self.text.setWordWrap(True)
        layout.addWidget(self.figure)
        layout.addWidget(self.text)

    def set_figure(self, figure: str, text: str) -> None:
        self.figure.setText(figure)
        self.text.setText(text)
        self.setAccessibleName(f"{text} : {figure}")
        self.setToolTip(_("Ouvrir la liste"))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self.clicked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
        else:
            super().keyPressEvent(event)


class DashboardScreen(Screen):
    kinds = ("all",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Tableau de bord")
        self.today: Callable[[], date | None] = lambda: None
        self.board: Dashboard | None = None
        self.opened: list[tuple[str, str, str | None]] = []  # (screen, what, residence): for tests
        page = QWidget()
        scroll_page(page, horizontal=False, fill=self)
        self.page = QVBoxLayout(page)
        self.page.setContentsMargins(24, 16, 24, 16)
        self.page.setSpacing(12)
        self._build()

    # --- widgets -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = ScreenHeader(_("Tableau de bord"))
        self.report_button = self.header.add_action(
            primary_button(_("Rapport d'évaluation (PDF)…"), self.ask_report)
        )
        self.page.addWidget(self.header)
        self.empty = EmptyState(
            _("Pas encore de campagne"),
            _("Le tableau de bord montre où en est la campagne dès qu'elle existe."),
            _("Créer la campagne"),
            lambda: self.ctx.navigate("campaign"),
        )
        self.page.addWidget(self.empty)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(12)
        self.timeline = Timeline()
        body.addWidget(self.timeline)
        self.tiles_layout = QGridLayout()
        self.tiles_layout.setSpacing(10)
        self.tiles: dict[str, FigureTile] = {}
        for i, key in enumerate(
            ("meetings", "attendance", "ideas", "projects", "ballots", "turnout")
        ):
            tile = FigureTile()
            tile.clicked.connect(lambda key=key: self.open_tile(key))
            self.tiles[key] = tile
            self.tiles_layout.addWidget(tile, 0, i)
        body.addLayout(self.tiles_layout)
        body.addWidget(set_role(QLabel(_("Par résidence")), "section"))
        self.model = ResidenceFiguresTableModel()
        self.table = ResidenceFiguresTableView()
        self.table.setModel(self.model)
        fit_columns(self.table, 0)
        self.table.setAccessibleName(_("Chiffres par résidence"))
        self.table.activated.connect(self.open_cell)
        body.addWidget(self.table)
        body.addLayout(self._charts())
        self.recommendations = RecommendationsEditor(self.ctx)
        body.addWidget(self.recommendations)
        self.page.addWidget(self.body)
        self.page.addStretch(1)

    def _charts(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(16)
        self.turnout_chart = BarChart(
            _("Participation au vote par résidence"), _("Aucun bulletin dépouillé pour l'instant.")
        )
        self.turnout_chart.bar_clicked.connect(self.open_results)
        self.themes_chart = BarChart(
            _("Idées et questions par thème"), _("Aucune idée ni question notée pour l'instant.")
        )
        self.themes_chart.bar_clicked.connect(lambda _theme: self.open_list("meetings", "ideas"))
        for title, chart in (
            (_("Participation au vote (bulletins rendus / logements)"), self.turnout_chart),
            (_("Idées et questions par thème"), self.themes_chart),
        ):
            column = QVBoxLayout()
            column.addWidget(set_role(QLabel(title), "section"))
            column.addWidget(chart)
            column.addStretch(1)
            row.addLayout(column, 1)
        return row

    # --- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            board = self.ctx.services.dashboard.overview(today=self.today())
        except UserError:
            self.board = None
            self.empty.setVisible(True)
            self.body.setVisible(False)
            self.report_button.setEnabled(False)
            return
        self.board = board
        self.empty.setVisible(False)
        self.body.setVisible(True)
        self.report_button.setEnabled(True)
        self.header.set_subtitle(self._standing(board))
        self.timeline.set_milestones(board.milestones)
        self._fill_tiles(board)
        self.model.set_rows(board.residences)
        self.table.setMinimumHeight(min(12, len(board.residences) + 1) * 30 + 8)
        self._fill_charts(board)
        self.recommendations.load()
        if board.totals.counts:
            self.ctx.tasks.run(
                self._results, on_done=self.show_results, title=_("Calcul des résultats"),
                cancellable=False,
            )  # fmt: skip

    def _results(self, _progress: object, _cancel: object) -> tuple[ResidenceResult, ...]:
        return self.ctx.services.dashboard.results()

    def show_results(self, results: tuple[ResidenceResult, ...]) -> None:
        self.model.set_results(results)
        funded = sum(len(r.funded) for r in results)
        self.turnout_chart.set_bars(self._turnout_bars(results))
        self.tiles["turnout"].setToolTip(
            _("{n} projets financés au total").format(n=format_count(funded))
        )

    @staticmethod
    def _standing(board: Dashboard) -> str:
        parts = [board.campaign_name]
        parts.append(
            _("Phase en cours : {phase}").format(phase=board.phase)
            if board.phase
            else _("Aucune phase en cours")
        )
        nxt = board.next_milestone
        if nxt is not None and nxt.start is not None:
            days = (nxt.start - board.today).days
            parts.append(
                _("Prochaine étape : {label}, {day} (dans {n} jours)").format(
                    label=nxt.label, day=format_date(nxt.start), n=days
                )
            )
        return " · ".join(parts)

    def _fill_tiles(self, board: Dashboard) -> None:
        t = board.totals
        values = {
            "meetings": (format_count(t.meetings_held), _("réunions tenues")),
            "attendance": (format_count(t.attendance), _("présences aux réunions")),
            "ideas": (format_count(t.ideas), _("idées notées")),
            "projects": (
                _("{a} / {p}").format(a=format_count(t.projects_admitted), p=format_count(t.projects)),
                _("projets recevables"),
            ),
            "ballots": (
                _("{r} / {p}").format(r=format_count(t.ballots_returned), p=format_count(t.ballots_printed)),
                _("bulletins rendus / imprimés"),
            ),
            "turnout": (percent(t.turnout), _("participation au vote")),
        }  # fmt: skip
        for key, (figure, text) in values.items():
            self.tiles[key].set_figure(figure, text)

    def _fill_charts(self, board: Dashboard) -> None:
        self.turnout_chart.set_bars(self._turnout_bars(()))
        top = board.themes[:8]
        self.themes_chart.set_bars(
            [
                Bar(t.theme, t.ideas + t.questions, format_count(t.ideas + t.questions), t.theme)
                for t in top
                if t.ideas or t.questions
            ]
        )

    def _turnout_bars(self, results: tuple[ResidenceResult, ...]) -> list[Bar]:
        if self.board is None:
            return []
        sealed = {r.residence_id for r in results if r.sealed}
        rows = [r for r in self.board.residences if r.ballots_returned and r.turnout is not None]
        rows.sort(key=lambda r: -(r.turnout or 0))
        return [
            Bar(
                r.name,
                r.turnout or 0.0,
                percent(r.turnout),
                r.residence_id,
                r.residence_id in sealed,
            )
            for r in rows[:12]
        ]

    # --- navigation --------------------------------------------------------------------------

    TILE_TARGETS = {
        "meetings": Target("meetings", "meetings"),
        "attendance": Target("meetings", "meetings"),
        "ideas": Target("meetings", "ideas"),
        "projects": Target("projects"),
        "ballots": Target("count"),
        "turnout": Target("results"),
    }

    def open_tile(self, key: str) -> None:
        target = self.TILE_TARGETS[key]
        self.open_list(target.screen, target.what)

    def open_cell(self, index: QModelIndex) -> None:
        row = (
            self.model.row_at(self.table.model().mapToSource(index).row())
            if hasattr(self.table.model(), "mapToSource")
            else self.model.row_at(index.row())
        )
        target = self.model.targets[index.column()]
        self.open_list(target.screen, target.what, row.residence_id)

    def open_results(self, residence_id: str) -> None:
        self.open_list("results", "", residence_id)

    def open_list(self, screen_key: str, what: str = "", residence_id: str | None = None) -> None:
        """Show the screen and, where it can, the list of that residence."""
        self.opened.append((screen_key, what, residence_id))
        self.ctx.navigate(screen_key)
        screens = getattr(self.window(), "screens", {})
        focus_list(screens.get(screen_key), what, residence_id)

    # --- report ------------------------------------------------------------------------------

    def ask_report(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Rapport d'évaluation"), "rapport-evaluation.pdf", _("Document PDF (*.pdf)")
        )
        if path:
            self.write_report(Path(path))

    def write_report(self, path: Path) -> None:
        self.recommendations.saver.flush()
        self.ctx.tasks.run(
            lambda progress, cancel: self.ctx.services.evaluation.write_report(path),
            on_done=self._report_written,
            title=_("Rapport d'évaluation"),
            cancellable=False,
        )

    def _report_written(self, path: Path) -> None:
        self.ctx.notify(_("Rapport d'évaluation enregistré : {path}").format(path=path))


def focus_list(screen: QWidget | None, what: str, residence_id: str | None) -> None:
    """Put the target screen on the list asked for, filtered on the residence where it can."""
    if screen is None:
        return
    if what == "ideas" and hasattr(screen, "tabs") and hasattr(screen, "ideas"):
        screen.tabs.setCurrentWidget(screen.ideas)
        _choose(getattr(screen.ideas, "residence_filter", None), residence_id)
    elif what == "meetings" and hasattr(screen, "tabs"):
        screen.tabs.setCurrentIndex(0)
    elif what == "residences" and hasattr(screen, "tabs"):
        screen.tabs.setCurrentIndex(1)
    if hasattr(screen, "residence_filter"):
        _choose(screen.residence_filter, residence_id)
    if residence_id and hasattr(screen, "show_residence"):
        screen.show_residence(residence_id)


def _choose(box: object, residence_id: str | None) -> None:
    if box is None or not residence_id or not hasattr(box, "findData"):
        return
    index = box.findData(residence_id)
    if index >= 0:
        box.setCurrentIndex(index)
