"""The table of residences of the dashboard, and where each of its figures leads."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _, ngettext
from app.services.dashboard import ResidenceFigures, ResidenceResult
from ui.tasks import format_count
from ui.widgets.table_model import RIGHT, Column, DataclassTableModel, DataTableView


@dataclass(frozen=True)
class Target:
    """The list behind a figure: a screen key and what to show there."""

    screen: str
    what: str = ""


def percent(value: float | None) -> str:
    """French percentage with one decimal ("12,5 %"); "—" when it has no meaning."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


class ResidenceFiguresTableModel(DataclassTableModel[ResidenceFigures]):
    """One line per residence; the results column fills in when they are computed."""

    def __init__(self) -> None:
        self.results: dict[str, ResidenceResult] = {}
        super().__init__(
            [
                Column(_("Résidence"), lambda r: r.name),
                Column(_("Logements"), lambda r: format_count(r.dwellings), RIGHT, lambda r: r.dwellings),
                Column(_("Réunions"), self._meetings, RIGHT, lambda r: r.meetings_held),
                Column(_("Présents"), lambda r: format_count(r.attendance), RIGHT, lambda r: r.attendance),
                Column(_("Questions"), lambda r: format_count(r.questions), RIGHT, lambda r: r.questions),
                Column(_("Idées"), lambda r: format_count(r.ideas), RIGHT, lambda r: r.ideas),
                Column(_("Projets recevables"), self._projects, RIGHT, lambda r: r.projects_admitted),
                Column(_("Bulletins imprimés"), lambda r: format_count(r.ballots_printed), RIGHT,
                       lambda r: r.ballots_printed),
                Column(_("Bulletins rendus"), lambda r: format_count(r.ballots_returned), RIGHT,
                       lambda r: r.ballots_returned),
                Column(_("Participation"), lambda r: percent(r.turnout), RIGHT,
                       lambda r: r.turnout or 0.0,
                       lambda r: _("Bulletins rendus / logements")),
                Column(_("Résultat"), self._result, sort_key=self._funded),
            ]
        )  # fmt: skip

    # where a double click (or Entrée) on each column leads
    targets = (
        Target("campaign", "residences"),
        Target("campaign", "residences"),
        Target("meetings", "meetings"),
        Target("meetings", "meetings"),
        Target("meetings", "meetings"),
        Target("meetings", "ideas"),
        Target("projects"),
        Target("vote"),
        Target("count"),
        Target("count"),
        Target("results"),
    )

    def set_results(self, results: tuple[ResidenceResult, ...]) -> None:
        self.results = {r.residence_id: r for r in results}
        if self.rowCount():
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(0, last), self.index(self.rowCount() - 1, last))

    @staticmethod
    def _meetings(r: ResidenceFigures) -> str:
        if r.meetings_planned:
            return _("{held} (+{planned} prévues)").format(
                held=format_count(r.meetings_held), planned=format_count(r.meetings_planned)
            )
        return format_count(r.meetings_held)

    @staticmethod
    def _projects(r: ResidenceFigures) -> str:
        return _("{admitted} / {projects}").format(
            admitted=format_count(r.projects_admitted), projects=format_count(r.projects)
        )

    def _funded(self, r: ResidenceFigures) -> int:
        result = self.results.get(r.residence_id)
        return len(result.funded) if result else -1

    def _result(self, r: ResidenceFigures) -> str:
        result = self.results.get(r.residence_id)
        if r.count_state == "none":
            return _("pas de dépouillement")
        if result is None:
            return "…"
        funded = len(result.funded)
        state = _("définitif") if result.sealed else _("provisoire")
        return ngettext(
            "{n} projet financé, {state}", "{n} projets financés, {state}", funded
        ).format(n=funded, state=state)


class ResidenceFiguresTableView(DataTableView):
    pass
