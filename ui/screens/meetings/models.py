"""Table models of the "Réunions & idées" screen: meetings, questions, ideas and the idea filter.

Name by pairs: `Meeting` -> `MeetingTableModel` -> `MeetingTableView`; `Idea` -> `IdeaTableModel`
-> `IdeaTableView`. Residence and meeting names come from small lookups the screen refreshes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QWidget

from app.domain import models as m
from app.domain.dates import DEFAULT_TZ, format_date, format_time
from app.domain.money import format_euros
from app.domain.validation import matches
from app.i18n import _
from ui.widgets import (
    CENTER,
    RIGHT,
    Column,
    DataclassTableModel,
    DataTableView,
    ObjectRole,
    SearchProxyModel,
)
from ui.widgets.table_model import Index


def local(value: datetime, tz: str = DEFAULT_TZ) -> datetime:
    """A stored (UTC) time in the campaign's zone, as people read it."""
    return value.astimezone(ZoneInfo(tz)) if value.tzinfo else value


def meeting_when(meeting: m.Meeting, weekday: bool = True) -> str:
    """ "mardi 3 mars 2026, 18 h 30"."""
    when = local(meeting.starts_at)
    return _("{date}, {time}").format(
        date=format_date(when, weekday=weekday), time=format_time(when)
    )


def meeting_label(meeting: m.Meeting, residences: dict[str, str]) -> str:
    """How a meeting is named in lists and filters: date, kind and residence."""
    where = residences.get(meeting.residence_id or "", _("Toutes les résidences"))
    return _("{when} — {kind} — {where}").format(
        when=format_date(local(meeting.starts_at), weekday=False),
        kind=_(m.MEETING_KIND_LABELS[meeting.kind]),
        where=where,
    )


def fit_columns(view: DataTableView, stretch: int, widths: dict[int, int] | None = None) -> None:
    """Columns as wide as their content, some at a given width; the column `stretch` names the
    row: it is never squeezed under its content (up to about 40 characters), and the last
    column takes what is left. A table wider than its place scrolls; its name stays whole.
    """
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    for column in range(header.count()):
        mode = QHeaderView.ResizeMode.ResizeToContents
        if column == stretch or (widths and column in widths):
            mode = QHeaderView.ResizeMode.Interactive
        header.setSectionResizeMode(column, mode)
    for column, width in (widths or {}).items():
        header.resizeSection(column, width)
    view.name_column = stretch  # type: ignore[attr-defined]
    model = view.model()
    if model is not None and not getattr(view, "_fits_names", False):
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
            signal.connect(lambda *_a, v=view: fit_name_column(v))
        view._fits_names = True  # type: ignore[attr-defined]
    fit_name_column(view)


def fit_name_column(view: DataTableView) -> None:
    """The naming column as wide as its longest name (capped), never less than its header."""
    column = getattr(view, "name_column", None)
    if column is None or view.model() is None:
        return
    metrics = view.fontMetrics()
    cap = metrics.averageCharWidth() * 40
    label = str(view.model().headerData(column, Qt.Orientation.Horizontal) or "")
    header_width = view.horizontalHeader().fontMetrics().horizontalAdvance(label) + 40
    content = view.sizeHintForColumn(column)
    view.horizontalHeader().resizeSection(column, max(header_width, min(content, cap)))


class MeetingTableModel(DataclassTableModel[m.Meeting]):
    """Meetings, newest first: date, kind, residence, attendees, ideas."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.residences: dict[str, str] = {}
        super().__init__(
            [
                Column(
                    _("Date"),
                    lambda r: format_date(local(r.starts_at), weekday=False),
                    sort_key=lambda r: r.starts_at,
                    tooltip=meeting_when,
                ),
                Column(_("Type"), lambda r: _(m.MEETING_KIND_LABELS[r.kind])),
                Column(_("Résidence"), self._residence),
                Column(_("Participants"), lambda r: r.attendees, RIGHT),
                Column(_("Idées"), lambda r: r.idea_count, RIGHT),
            ],
            parent,
        )

    def _residence(self, meeting: m.Meeting) -> str:
        return self.residences.get(meeting.residence_id or "", _("Toutes"))


class MeetingTableView(DataTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Liste des réunions"))


class QuestionTableModel(DataclassTableModel[m.Question]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(_("Question posée"), lambda q: q.question, tooltip=lambda q: q.question),
                Column(
                    _("Réponse donnée"),
                    lambda q: q.answer or _("(sans réponse)"),
                    tooltip=lambda q: q.answer,
                ),
            ],
            parent,
        )


class QuestionTableView(DataTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortingEnabled(False)
        self.setAccessibleName(_("Questions posées"))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)


class IdeaTableModel(DataclassTableModel[m.Idea]):
    """Ideas: title, theme, residence, meeting, estimated cost, project."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.residences: dict[str, str] = {}
        self.meetings: dict[str, m.Meeting] = {}
        self.projects: dict[str, m.Project] = {}
        super().__init__(
            [
                Column(_("Idée"), lambda i: i.title, tooltip=lambda i: i.description),
                Column(_("Thème"), lambda i: i.theme),
                Column(_("Résidence"), lambda i: self.residences.get(i.residence_id, "")),
                Column(_("Réunion"), self._meeting, sort_key=self._meeting_sort),
                Column(
                    _("Coût estimé"),
                    self._cost,
                    RIGHT,
                    sort_key=lambda i: i.estimated_cost_cents or 0,
                ),
                Column(_("Projet"), self._project, CENTER),
            ],
            parent,
        )

    def _meeting(self, idea: m.Idea) -> str:
        if idea.origin == "online":
            return _("En ligne")
        meeting = self.meetings.get(idea.meeting_id or "")
        return format_date(local(meeting.starts_at), weekday=False) if meeting else "—"

    def _meeting_sort(self, idea: m.Idea) -> str:
        meeting = self.meetings.get(idea.meeting_id or "")
        return meeting.starts_at.isoformat() if meeting else ""

    @staticmethod
    def _cost(idea: m.Idea) -> str:
        cost = idea.estimated_cost_cents
        return format_euros(cost) if cost is not None else "—"

    def _project(self, idea: m.Idea) -> str:
        project = self.projects.get(idea.project_id or "")
        if project is None:
            return _("○ Pas encore")
        return _("● N° {n}").format(n=project.number)


class IdeaTableView(DataTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Liste des idées"))


@dataclass(frozen=True)
class IdeaCriteria:
    """What the ideas list is filtered on (mirrors `app.services.ideas.IdeaFilter`)."""

    text: str = ""
    residence_id: str | None = None
    theme: str | None = None
    meeting_id: str | None = None
    unassigned_only: bool = False
    online: str = ""  # "" the ideas like the others, "online" all online ideas, or a moderation

    def _online_ok(self, idea: m.Idea) -> bool:
        if not self.online:
            return idea.moderated
        if self.online == "online":
            return idea.origin == "online"
        return idea.origin == "online" and idea.moderation == self.online

    def accepts(self, idea: m.Idea) -> bool:
        return (
            self._online_ok(idea)
            and (not self.residence_id or idea.residence_id == self.residence_id)
            and (not self.theme or idea.theme == self.theme)
            and (not self.meeting_id or idea.meeting_id == self.meeting_id)
            and (not self.unassigned_only or idea.project_id is None)
            and (
                not self.text
                or matches(self.text, idea.title, idea.description, idea.location, idea.theme)
            )
        )


class IdeaFilterProxy(SearchProxyModel):
    """Filters ideas as you type, on the same rules as the service's `IdeaFilter`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criteria = IdeaCriteria()

    def set_criteria(self, criteria: IdeaCriteria) -> None:
        if criteria == self.criteria:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self.criteria = criteria
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.criteria = criteria
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        idea = self.sourceModel().index(source_row, 0, source_parent).data(ObjectRole)
        return idea is not None and self.criteria.accepts(idea)
