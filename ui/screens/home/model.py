"""What the home screen says, computed without Qt: where are we, what is late, what's next.

Kept apart from the widgets so that the rules ("the commission has met but 5 projects wait") are
tested as plain functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.domain import models as m
from app.domain.counting.models import CountSession
from app.domain.dates import format_datetime
from app.i18n import _, ngettext


@dataclass(frozen=True)
class KeyDate:
    label: str
    day: date


@dataclass(frozen=True)
class NextStep:
    text: str
    screen: str  # a key of ui.screens.SCREENS


@dataclass(frozen=True)
class Alert:
    text: str
    screen: str


@dataclass(frozen=True)
class HomeSummary:
    current_phase: str | None
    next_date: KeyDate | None
    late: list[Alert] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)
    figures: list[tuple[str, int]] = field(default_factory=list)
    calendar: list[tuple[str, date | None, date | None, str]] = field(default_factory=list)


def key_dates(campaign: m.Campaign) -> list[KeyDate]:
    """Every dated moment of the campaign, in order (start and end of each phase)."""
    moments: list[KeyDate] = []
    for label, start, end in campaign.key_dates():
        if start and end and start != end:
            moments.append(KeyDate(_("Début : {phase}").format(phase=_(label)), start))
            moments.append(KeyDate(_("Fin : {phase}").format(phase=_(label)), end))
        elif start or end:
            moments.append(KeyDate(_(label), start or end))  # type: ignore[arg-type]
    return sorted(moments, key=lambda k: k.day)


def current_phase(campaign: m.Campaign, today: date) -> str | None:
    """The phase under way today (the latest started when they overlap), else None."""
    running = [
        (start, _(label))
        for label, start, end in campaign.key_dates()
        if start and (end or start) >= today >= start
    ]
    return max(running)[1] if running else None


def phase_state(start: date | None, end: date | None, today: date) -> str:
    """ "done", "now", "later" or "undated" for the calendar list."""
    if start is None and end is None:
        return "undated"
    if (end or start) < today:  # type: ignore[operator]
        return "done"
    if (start or end) <= today:  # type: ignore[operator]
        return "now"
    return "later"


def late_items(
    campaign: m.Campaign, status: m.CampaignStatus, residences: list[m.Residence], today: date
) -> list[Alert]:
    alerts: list[Alert] = []
    if not residences:
        alerts.append(
            Alert(_("Aucune résidence : ajoutez les résidences et leur budget."), "campaign")
        )
    no_budget = [r.name for r in residences if r.budget_cents <= 0]
    if no_budget:
        alerts.append(
            Alert(
                ngettext(
                    "{n} résidence sans budget : {names}.",
                    "{n} résidences sans budget : {names}.",
                    len(no_budget),
                ).format(n=len(no_budget), names=", ".join(no_budget)),
                "campaign",
            )
        )
    if campaign.ideas_end and campaign.ideas_end < today and status.ideas_unassigned:
        alerts.append(
            Alert(
                ngettext(
                    "{n} idée n'est dans aucun projet alors que la collecte est terminée.",
                    "{n} idées ne sont dans aucun projet alors que la collecte est terminée.",
                    status.ideas_unassigned,
                ).format(n=status.ideas_unassigned),
                "projects",
            )
        )
    if campaign.commission_date and campaign.commission_date < today and status.projects_to_review:
        alerts.append(
            Alert(
                ngettext(
                    "{n} projet attend encore l'examen alors que la commission a eu lieu.",
                    "{n} projets attendent encore l'examen alors que la commission a eu lieu.",
                    status.projects_to_review,
                ).format(n=status.projects_to_review),
                "commission",
            )
        )
    if campaign.vote_start and campaign.vote_start <= today and not status.admissible_projects:
        alerts.append(
            Alert(_("Le vote a commencé mais aucun projet n'est recevable."), "commission")
        )
    missing = [_(label) for label, start, end in campaign.key_dates() if not (start or end)]
    if missing:
        alerts.append(
            Alert(_("Dates clés à fixer : {phases}.").format(phases=", ".join(missing)), "campaign")
        )
    return alerts


def next_steps(
    campaign: m.Campaign, status: m.CampaignStatus, residences: list[m.Residence], today: date
) -> list[NextStep]:
    """One button per next step, the most urgent first (the first one is the primary action)."""
    steps: list[NextStep] = []
    if not residences:
        steps.append(NextStep(_("Ajouter les résidences"), "campaign"))
    collecting = any(
        start and (end or start) >= today
        for _label, start, end in campaign.key_dates()[:2]  # idea collection and workshops
    )
    if residences and (collecting or not status.ideas):
        steps.append(NextStep(_("Noter des idées en atelier"), "meetings"))
    if status.ideas_unassigned:
        steps.append(
            NextStep(
                ngettext(
                    "Regrouper {n} idée en projet",
                    "Regrouper {n} idées en projets",
                    status.ideas_unassigned,
                ).format(n=status.ideas_unassigned),
                "projects",
            )
        )
    if status.projects_to_review:
        steps.append(
            NextStep(
                ngettext(
                    "Examiner {n} projet", "Examiner {n} projets", status.projects_to_review
                ).format(n=status.projects_to_review),
                "commission",
            )
        )
    if status.admissible_projects and not (campaign.vote_end and campaign.vote_end < today):
        steps.append(NextStep(_("Préparer les bulletins de vote"), "vote"))
    return steps[:4]


def summarize(
    campaign: m.Campaign, status: m.CampaignStatus, residences: list[m.Residence], today: date
) -> HomeSummary:
    upcoming = [k for k in key_dates(campaign) if k.day >= today]
    figures = [
        (_("Résidences"), status.residences),
        (_("Réunions"), status.meetings),
        (_("Participations"), status.attendees),
        (_("Idées"), status.ideas),
        (_("Projets"), status.projects),
        (_("À examiner"), status.projects_to_review),
        (_("Recevables"), status.admissible_projects),
        (_("Questions posées"), status.questions),
    ]
    calendar = [
        (_(label), start, end, phase_state(start, end, today))
        for label, start, end in campaign.key_dates()
    ]
    return HomeSummary(
        current_phase=current_phase(campaign, today),
        next_date=upcoming[0] if upcoming else None,
        late=late_items(campaign, status, residences, today),
        steps=next_steps(campaign, status, residences, today),
        figures=figures,
        calendar=calendar,
    )


@dataclass(frozen=True)
class CountLine:
    text: str
    tone: str  # "warning" for a count under way, "success" for sealed results


def count_lines(sessions: list[CountSession], tz: str) -> list[CountLine]:
    """The live counts under way and the sealed results, for the home screen (times local).

    A session replaced by a reopening is left out: its successor says where things stand."""
    lines: list[CountLine] = []
    live = [s for s in sessions if s.mode == "live" and not s.superseded_by]
    for session in live:
        if session.sealed_at is None:
            text = _(
                "Dépouillement en cours : {residence}, ouvert le {when} par {officer}. "
                "La règle de résultats est figée."
            ).format(
                residence=session.residence_name,
                when=format_datetime(session.opened_at, tz),
                officer=session.officer,
            )
            lines.append(CountLine(text, "warning"))
    for session in live:
        if session.sealed_at is not None:
            text = _("Résultats scellés : {residence}, le {when}.").format(
                residence=session.residence_name, when=format_datetime(session.sealed_at, tz)
            )
            lines.append(CountLine(text, "success"))
    return lines


def days_until(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return _("aujourd'hui")
    if delta == 1:
        return _("demain")
    return ngettext("dans {n} jour", "dans {n} jours", delta).format(n=delta)
