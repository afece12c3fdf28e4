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
                Column(_("Réunions"), self._meetings, RIGHT, lambda r: r.meetings_held,
                       self._questions),
                Column(_("Présents"), lambda r: format_count(r.attendance), RIGHT, lambda r: r.attendance),
                Column(_("Idées"), lambda r: format_count(r.ideas), RIGHT, lambda r: r.ideas),
                Column(_("Recevables"), self._projects, RIGHT, lambda r: r.projects_admitted,
                       lambda r: _("Projets recevables / projets déposés")),
                Column(_("Bulletins"), self._ballots, RIGHT, lambda r: r.ballots_returned,
                       lambda r: _("Bulletins rendus / imprimés")),
                Column(_("Participation"), lambda r: percent(r.turnout) if r.counts else "—", RIGHT,
                       lambda r: r.turnout or 0.0, self._turnout),
                Column(_("Résultat"), self._result, sort_key=self._funded,
                       tooltip=self._result_tip),
            ]
        )  # fmt: skip

    # where a double click (or Entrée) on each column leads
    targets = (
        Target("campaign", "residences"),
        Target("meetings", "meetings"),
        Target("meetings", "meetings"),
        Target("meetings", "ideas"),
        Target("projects"),
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
    def _questions(r: ResidenceFigures) -> str:
        text = ngettext(
            "{n} question posée aux réunions", "{n} questions posées aux réunions", r.questions
        ).format(n=format_count(r.questions))
        if r.hotline_questions:
            text += "\n" + ngettext(
                "{n} question posée à la permanence",
                "{n} questions posées à la permanence",
                r.hotline_questions,
            ).format(n=format_count(r.hotline_questions))
        return text

    @staticmethod
    def _ballots(r: ResidenceFigures) -> str:
        return _("{r} / {p}").format(
            r=format_count(r.ballots_returned), p=format_count(r.ballots_printed)
        )

    @staticmethod
    def _turnout(r: ResidenceFigures) -> str:
        return _("{returned} bulletins rendus pour {dwellings} logements").format(
            returned=format_count(r.ballots_returned), dwellings=format_count(r.dwellings)
        )

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
        if r.count_state == "none":  # words, not a second dash beside the turnout's "—"
            return _("à venir")
        if result is None:
            return "…"
        funded = len(result.funded)
        state = _("définitif") if result.sealed else _("provisoire")
        return ngettext("{n} financé, {state}", "{n} financés, {state}", funded).format(
            n=funded, state=state
        )

    def _result_tip(self, r: ResidenceFigures) -> str:
        result = self.results.get(r.residence_id)
        if r.count_state == "none":
            return _("Pas encore de dépouillement")
        if result is None:
            return _("Calcul des résultats")
        return "\n".join(result.funded) or _("Aucun projet financé")


class ResidenceFiguresTableView(DataTableView):
    pass
