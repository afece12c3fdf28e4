"""The evaluation report's pages as blocks for `ballots.evaluation`, written the French way.

Every section reads from plain data (the dashboard, the results, the commission's decisions,
the other capabilities' figures) and says "Aucune donnée" when it has nothing, so the report
can be printed at any stage of the campaign.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from app.domain import models as m
from app.domain.dates import format_date
from app.domain.money import NNBSP, format_euros, format_number
from app.i18n import _, ngettext
from app.services.dashboard import (
    Dashboard,
    ParticipationPoint,
    ResidenceFigures,
    ResidenceResult,
)
from app.services.evaluation.facts import DecisionLine, ExtraFigures
from ballots.evaluation import (
    BarsBlock,
    Block,
    EvaluationReport,
    Heading,
    KeyFigure,
    KeyFigures,
    NoData,
    Section,
    TableBlock,
    TextBlock,
)

MAX_QUESTIONS = 60


def n(value: int) -> str:
    return format_number(value)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + f"{NNBSP}%"


def turnout_text(r: ResidenceFigures) -> str:
    """The turnout, or "—" while nothing is counted (0 % would read as a failed vote)."""
    return pct(r.turnout) if r.counts else "—"


def build_report(
    board: Dashboard,
    results: tuple[ResidenceResult, ...],
    organiser: str,
    recommendations: str,
    decisions: tuple[DecisionLine, ...],
    consented: dict[str, int],
    *,
    extra: dict[str, ExtraFigures | None],
    issued: date,
) -> EvaluationReport:
    return EvaluationReport(
        title=_("Rapport d'évaluation du dispositif"),
        campaign=board.campaign_name,
        organiser=organiser or _("Organisateur non renseigné"),
        period=_period(board),
        issued=_("le {day}").format(day=format_date(issued, weekday=False)),
        summary=_summary(board, results, recommendations),
        sections=(
            _participation(board),
            _profile(board, consented),
            _themes(board),
            _decisions(decisions),
            _results(results),
            _extra(_("Enquêtes auprès des habitants"), extra.get("surveys")),
            _extra(_("Permanences et ligne directe"), extra.get("hotline")),
            _recommendations(recommendations),
        ),
    )


def _period(board: Dashboard) -> str:
    days = [d for ms in board.milestones for d in (ms.start, ms.end) if d]
    if not days:
        return _("Dates de la campagne à fixer")
    return _("Du {start} au {end}").format(
        start=format_date(min(days), weekday=False), end=format_date(max(days), weekday=False)
    )


# --- the one-page summary ----------------------------------------------------------------------


def _summary(
    board: Dashboard, results: tuple[ResidenceResult, ...], recommendations: str
) -> Section:
    t = board.totals
    funded = sum(len(r.funded) for r in results)
    spent = sum(r.spent_cents for r in results)
    figures = (
        KeyFigure(n(len(board.residences)), _("résidences")),
        KeyFigure(n(t.meetings_held), _("réunions tenues")),
        KeyFigure(n(t.attendance), _("présences aux réunions")),
        KeyFigure(n(t.ideas), _("idées notées")),
        KeyFigure(f"{n(t.projects_admitted)} / {n(t.projects)}", _("projets recevables")),
        KeyFigure(n(t.ballots_returned), _("bulletins rendus")),
        KeyFigure(turnout_text(t), _("participation au vote")),
        KeyFigure(n(funded), _("projets financés")),
    )
    blocks: list[Block] = [KeyFigures(figures), TextBlock(_takeaways(board, results, spent))]
    turnout = _turnout_bars(board, results, limit=12)
    blocks.append(turnout if turnout is not None else _attendance_bars(board, limit=12))
    first = _first_recommendations(recommendations)
    if first:
        blocks += [Heading(_("Préconisations")), TextBlock(first)]
    if not first:
        blocks.append(NoData(_("Préconisations : à rédiger dans BP Terrain (Tableau de bord).")))
    return Section(_("Synthèse"), tuple(b for b in blocks if not _empty(b)))


def _empty(block: Block) -> bool:
    return isinstance(block, TextBlock) and not block.text.strip()


def _takeaways(board: Dashboard, results: tuple[ResidenceResult, ...], spent: int) -> str:
    t = board.totals
    lines = [
        "- "
        + _(
            "{meetings} réunions dans {residences} résidences ont compté {attendance} présences ; "
            "{ideas} idées ont été notées et {questions} questions posées."
        ).format(
            meetings=n(t.meetings_held),
            residences=n(len(board.residences)),
            attendance=n(t.attendance),
            ideas=n(t.ideas),
            questions=n(t.questions),
        )  # fmt: skip
    ]
    if t.hotline_questions:
        lines.append("- " + ngettext(
            "{n} question a été posée à la permanence (rendez-vous et appels).",
            "{n} questions ont été posées à la permanence (rendez-vous et appels).",
            t.hotline_questions,
        ).format(n=n(t.hotline_questions)))  # fmt: skip
    if t.projects:
        lines.append("- " + _(
            "La commission a jugé {admitted} projets recevables sur {projects} déposés."
        ).format(admitted=n(t.projects_admitted), projects=n(t.projects)))  # fmt: skip
    top = [th for th in board.themes if th.ideas][:3]
    if top:
        names = ", ".join(f"{th.theme} ({n(th.ideas)})" for th in top)
        lines.append("- " + _("Thèmes les plus cités : {themes}.").format(themes=names))
    if t.ballots_returned:
        lines.append("- " + _(
            "{returned} bulletins rendus pour {dwellings} logements : participation de {turnout}."
        ).format(returned=n(t.ballots_returned), dwellings=n(t.dwellings), turnout=pct(t.turnout)))  # fmt: skip
    if results:
        funded = sum(len(r.funded) for r in results)
        budget = sum(r.budget_cents for r in results)
        lines.append("- " + _(
            "{funded} projets financés dans {residences} résidences, pour {spent} sur {budget}."
        ).format(funded=n(funded), residences=n(len(results)), spent=format_euros(spent),
                 budget=format_euros(budget)))  # fmt: skip
    else:
        lines.append("- " + _("Le vote n'a pas encore été dépouillé."))
    return "\n".join(lines)


def _first_recommendations(text: str, limit: int = 6) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:limit])


# --- participation -----------------------------------------------------------------------------


def _participation(board: Dashboard) -> Section:
    blocks: list[Block] = []
    weekly = _weekly(board.participation)
    if weekly:
        labels = tuple(monday.strftime("%d/%m") for monday, _v in weekly)
        values = tuple(float(v[1]) for _m, v in weekly)
        blocks.append(BarsBlock(
            _("Présences aux réunions, semaine par semaine"), labels, values,
            tuple(n(int(v)) for v in values), vertical=True,
            note=_("Chaque colonne : les présences aux réunions de la semaine qui commence ce jour-là."),
        ))  # fmt: skip
    else:
        blocks.append(NoData(_("Aucune donnée : aucune réunion n'a encore eu lieu.")))
    rows = tuple(
        (r.name, n(r.dwellings), n(r.meetings_held), n(r.attendance), n(r.ideas),
         n(r.ballots_printed), n(r.ballots_returned), turnout_text(r))
        for r in board.residences
    )  # fmt: skip
    t = board.totals
    blocks.append(TableBlock(
        (_("Résidence"), _("Logements"), _("Réunions"), _("Présences"), _("Idées"),
         _("Bulletins imprimés"), _("Bulletins rendus"), _("Participation")),
        rows, (0.2, 0.12, 0.1, 0.11, 0.08, 0.13, 0.12, 0.14), right=(1, 2, 3, 4, 5, 6, 7),
        total=(_("Ensemble"), n(t.dwellings), n(t.meetings_held), n(t.attendance), n(t.ideas),
               n(t.ballots_printed), n(t.ballots_returned), turnout_text(t)),
    ) if rows else NoData(_("Aucune donnée : aucune résidence.")))  # fmt: skip
    turnout = _turnout_bars(board, (), limit=40)
    if turnout is not None:
        blocks.append(turnout)
    return Section(
        _("Participation"),
        tuple(blocks),
        intro=_("Qui est venu aux réunions, et qui a voté, résidence par résidence."),
        new_page=True,
    )


def _weekly(points: tuple[ParticipationPoint, ...]) -> list[tuple[date, tuple[int, int]]]:
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for p in points:
        monday = p.day - timedelta(days=p.day.weekday())
        weeks[monday][0] += p.meetings
        weeks[monday][1] += p.attendance
    active = sorted((d, (v[0], v[1])) for d, v in weeks.items() if v[0])
    return active


def _turnout_bars(
    board: Dashboard, results: tuple[ResidenceResult, ...], *, limit: int
) -> BarsBlock | None:
    rows = [r for r in board.residences if r.ballots_returned and r.turnout is not None]
    if not rows:
        return None
    rows.sort(key=lambda r: -(r.turnout or 0))
    shown = rows[:limit]
    sealed = {r.residence_id for r in results if r.sealed}
    title = _("Participation au vote par résidence (bulletins rendus / logements)")
    note = ""
    if len(rows) > limit:
        note = _("Les {n} résidences où la participation est la plus forte.").format(n=limit)
    return BarsBlock(
        title,
        tuple(r.name for r in shown),
        tuple(r.turnout or 0.0 for r in shown),
        tuple(pct(r.turnout) for r in shown),
        tuple(not results or r.residence_id in sealed for r in shown),
        note=note,
    )


def _attendance_bars(board: Dashboard, *, limit: int) -> BarsBlock:
    rows = sorted(board.residences, key=lambda r: -r.attendance)[:limit]
    return BarsBlock(
        _("Présences aux réunions par résidence"),
        tuple(r.name for r in rows),
        tuple(float(r.attendance) for r in rows),
        tuple(n(r.attendance) for r in rows),
        note=_("Les {n} résidences les plus présentes aux réunions.").format(n=limit)
        if len(board.residences) > limit
        else "",
    )


# --- profile, themes, questions ----------------------------------------------------------------


def _profile(board: Dashboard, consented: dict[str, int]) -> Section:
    blocks: list[Block] = []
    categories = board.attendance_by_category
    if sum(categories.values()):
        keys = [k for k in m.ATTENDANCE_CATEGORIES if categories.get(k)]
        total = sum(categories.values())
        blocks.append(BarsBlock(
            _("Présences par catégorie (toutes réunions)"),
            tuple(_(m.ATTENDANCE_CATEGORIES[k]) for k in keys),
            tuple(float(categories[k]) for k in keys),
            tuple(f"{n(categories[k])} ({pct(categories[k] / total)})" for k in keys),
        ))  # fmt: skip
    else:
        blocks.append(NoData(_("Aucune donnée : aucune présence comptée aux réunions.")))
    named = sum(consented.values())
    blocks.append(TextBlock(
        ngettext(
            "{n} personne a accepté d'être nommée et contactée ; les autres participants sont "
            "seulement comptés. Ce rapport ne nomme personne.",
            "{n} personnes ont accepté d'être nommées et contactées ; les autres participants "
            "sont seulement comptés. Ce rapport ne nomme personne.",
            named,
        ).format(n=n(named)),
        muted=True,
    ))  # fmt: skip
    return Section(
        _("Profil des participants"),
        tuple(blocks),
        intro=_("Les réunions comptent les présents par catégorie, sans les nommer."),
    )


def _themes(board: Dashboard) -> Section:
    blocks: list[Block] = []
    themes = [t for t in board.themes if t.ideas or t.projects or t.questions]
    if themes:
        top = themes[:15]
        blocks.append(BarsBlock(
            _("Idées et questions par thème"), tuple(t.theme for t in top),
            tuple(float(t.ideas + t.questions) for t in top),
            tuple(n(t.ideas + t.questions) for t in top),
        ))  # fmt: skip
        blocks.append(TableBlock(
            (_("Thème"), _("Idées"), _("Questions (permanences)"), _("Projets"),
             _("Projets recevables")),
            tuple((t.theme, n(t.ideas), n(t.questions), n(t.projects), n(t.projects_admitted))
                  for t in themes),
            (0.40, 0.12, 0.18, 0.12, 0.18), right=(1, 2, 3, 4),
        ))  # fmt: skip
    else:
        blocks.append(NoData(_("Aucune donnée : aucune idée notée.")))
    blocks.append(Heading(_("Questions posées par les habitants")))
    questions = board.questions[:MAX_QUESTIONS]
    if questions:
        blocks.append(TableBlock(
            (_("Date"), _("Résidence"), _("Source"), _("Question"), _("Réponse apportée")),
            tuple((q.day.strftime("%d/%m/%Y"), q.residence, q.source_label, q.question,
                   q.answer or "—") for q in questions),
            (0.12, 0.15, 0.13, 0.30, 0.30),
        ))  # fmt: skip
        if len(board.questions) > MAX_QUESTIONS:
            blocks.append(TextBlock(_(
                "Les {shown} premières questions sur {total} ; la liste complète est dans "
                "les exports des réunions et des permanences (bp-terrain spreadsheet export "
                "--what meetings ou appointments)."
            ).format(shown=MAX_QUESTIONS, total=n(len(board.questions))), muted=True))  # fmt: skip
    else:
        blocks.append(
            NoData(_("Aucune donnée : aucune question notée aux réunions ni à la permanence."))
        )
    return Section(_("Thèmes des idées et questions posées"), tuple(blocks), new_page=True)


# --- commission, results, other capabilities, recommendations ----------------------------------


def _decisions(decisions: tuple[DecisionLine, ...]) -> Section:
    if not decisions:
        return Section(_("Décisions de la commission"),
                       (NoData(_("Aucune donnée : la commission n'a encore examiné aucun projet.")),))  # fmt: skip
    counts: dict[str, int] = defaultdict(int)
    for d in decisions:
        counts[d.decision_label] += 1
    summary = " · ".join(f"{label} : {n(c)}" for label, c in sorted(counts.items()))
    rows = tuple(
        (d.residence, f"{d.number}. {d.title}", d.decision_label, d.reason or "—",
         format_euros(d.validated_cost_cents) if d.validated_cost_cents is not None else "—")
        for d in decisions
    )  # fmt: skip
    return Section(
        _("Décisions de la commission"),
        (
            TextBlock(summary),
            TableBlock(
                (_("Résidence"), _("Projet"), _("Décision"), _("Motif public"), _("Coût validé")),
                rows,
                (0.17, 0.27, 0.13, 0.30, 0.13),
                right=(4,),
            ),
        ),  # fmt: skip
        intro=_("Chaque projet examiné, avec la décision et le motif rendus publics."),
        new_page=True,
    )


def _results(results: tuple[ResidenceResult, ...]) -> Section:
    if not results:
        return Section(_("Résultats du vote"),
                       (NoData(_("Aucune donnée : le vote n'a pas encore été dépouillé.")),), new_page=True)  # fmt: skip
    online = any(r.online for r in results)
    rows: tuple[tuple[str, ...], ...] = tuple(
        (r.name, n(r.valid), n(r.online) if online else "", "; ".join(r.funded) or "—",
         format_euros(r.spent_cents), format_euros(r.budget_cents),
         _("définitifs") if r.sealed else _("provisoires"))
        for r in results
    )  # fmt: skip
    headers: tuple[str, ...] = (_("Résidence"), _("Bulletins papier valides"), _("Votes en ligne"),
               _("Projets financés"), _("Dépensé"), _("Budget"), _("Résultats"))  # fmt: skip
    widths: tuple[float, ...] = (0.15, 0.1, 0.09, 0.3, 0.11, 0.11, 0.14)
    if not online:  # no column of zeros when nobody voted online
        headers, widths = headers[:2] + headers[3:], (0.17, 0.12, 0.34, 0.12, 0.11, 0.14)
        rows = tuple(row[:2] + row[3:] for row in rows)
    blocks: list[Block] = [
        TableBlock(headers, rows, widths, right=(1, 2, 4, 5) if online else (1, 3, 4))
    ]
    if online:
        blocks.append(TextBlock(_(
            "Les votes en ligne (Decidim) sont combinés aux bulletins papier selon la même "
            "règle ; chaque source est comptée à part ci-dessus."
        ), muted=True))  # fmt: skip
    return Section(
        _("Résultats du vote"),
        tuple(blocks),
        intro=_(
            "Les projets financés selon la règle de résultats déclarée avant le dépouillement."
        ),
        new_page=True,
    )


def _extra(title: str, figures: ExtraFigures | None) -> Section:
    if figures is None or not (figures.rows or figures.table_rows or figures.text):
        return Section(title, (NoData(_("Aucune donnée pour cette campagne.")),))
    blocks: list[Block] = []
    if figures.rows:
        blocks.append(KeyFigures(tuple(KeyFigure(value, label) for label, value in figures.rows)))
    if figures.text:
        blocks.append(TextBlock(figures.text))
    if figures.table_rows and figures.table_headers:
        width = 1 / len(figures.table_headers)
        blocks.append(TableBlock(figures.table_headers, figures.table_rows,
                                 tuple(width for _h in figures.table_headers)))  # fmt: skip
    return Section(title, tuple(blocks))


def _recommendations(text: str) -> Section:
    if not text.strip():
        return Section(_("Préconisations"),
                       (NoData(_("Aucune préconisation rédigée pour l'instant.")),), new_page=True)  # fmt: skip
    return Section(_("Préconisations"), (TextBlock(text),), new_page=True)
