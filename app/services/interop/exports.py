"""Ideas, projects, meetings, results and appointments as spreadsheet tables (CSV or XLSX).

Amounts are written in euros (a number in XLSX, `1234,50` in CSV). Nothing here names a voter
or a ballot serial: results are per project, ideas and meetings carry no participant's name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.appointments import CHANNEL_LABELS
from app.domain.dates import local_moment
from app.domain.models import ATTENDANCE_CATEGORIES, MEETING_KIND_LABELS, PROJECT_STATUS_LABELS
from app.errors import UserError
from app.i18n import _
from app.services.interop.tables import Cell, write_table

if TYPE_CHECKING:
    from app.services.appointments.service import AppointmentService
    from app.services.campaigns import CampaignService
    from app.services.commission import CommissionService
    from app.services.counting.service import CountingService
    from app.services.ideas import IdeaService, ProjectService
    from app.services.meetings import MeetingService

log = logging.getLogger(__name__)
WHATS = ("ideas", "projects", "meetings", "results", "appointments")


@dataclass(frozen=True)
class Sheet:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


class SpreadsheetExports:
    """The spreadsheets of the campaign: ideas, projects, meetings, results, appointments (`Services.sheets`)."""

    def __init__(
        self,
        *,
        appointments: AppointmentService,
        campaigns: CampaignService,
        commission: CommissionService,
        counting: CountingService,
        ideas: IdeaService,
        meetings: MeetingService,
        projects: ProjectService,
    ) -> None:
        self.appointments = appointments
        self.campaigns = campaigns
        self.commission = commission
        self.counting = counting
        self.ideas = ideas
        self.meetings = meetings
        self.projects = projects

    def _residence_names(self) -> dict[str, str]:
        return {r.id: r.name for r in self.campaigns.list_residences()}

    def ideas_sheet(self) -> Sheet:
        names = self._residence_names()
        numbers = {p.id: p.number for p in self.projects.list_projects()}
        meetings = {m.id: m.starts_at for m in self.meetings.list_meetings()}
        rows = []
        for i in self.ideas.list_ideas():
            meeting = meetings.get(i.meeting_id or "")
            rows.append((
                i.meta.id, names.get(i.residence_id, ""), i.title, i.description, i.theme,
                i.location, euros(i.estimated_cost_cents),
                numbers.get(i.project_id or ""), meeting.date().isoformat() if meeting else "",
                i.meta.created_at.date().isoformat(),
            ))  # fmt: skip
        headers = (
            "id", _("résidence"), _("titre"), _("description"), _("thème"), _("lieu"),
            _("coût estimé (€)"), _("projet n°"), _("réunion"), _("créée le"),
        )  # fmt: skip
        return Sheet(headers, tuple(rows))

    def projects_sheet(self) -> Sheet:
        names = self._residence_names()
        reviews = self.commission.latest_reviews()
        rows = []
        for p in self.projects.list_projects():
            review = reviews.get(p.meta.id)
            rows.append((
                p.meta.id, names.get(p.residence_id, ""), p.number, p.title, p.short_description,
                p.long_description, euros(p.cost_cents), p.theme,
                _(PROJECT_STATUS_LABELS[p.status]), review.public_reason if review else "",
                euros(review.validated_cost_cents) if review else None, len(p.idea_ids),
            ))  # fmt: skip
        headers = (
            "id", _("résidence"), _("numéro"), _("titre"), _("description courte"),
            _("description longue"), _("coût (€)"), _("thème"), _("statut"),
            _("motif de la commission"), _("coût validé (€)"), _("idées"),
        )  # fmt: skip
        return Sheet(headers, tuple(rows))

    def meetings_sheet(self) -> Sheet:
        names = self._residence_names()
        rows: list[tuple[Cell, ...]] = []
        for m in sorted(self.meetings.list_meetings(), key=lambda m: m.starts_at):
            rows.append((
                m.meta.id, m.starts_at.isoformat(timespec="minutes"), names.get(m.residence_id or "", ""),
                _(MEETING_KIND_LABELS[m.kind]), m.place, m.facilitators,
                *(int(m.attendance.get(k, 0)) for k in ATTENDANCE_CATEGORIES),
                sum(int(v) for v in m.attendance.values()), m.idea_count, len(m.questions),
            ))  # fmt: skip
        headers = (
            "id", _("date"), _("résidence"), _("type"), _("lieu"), _("animateurs"),
            *(_(label) for label in ATTENDANCE_CATEGORIES.values()),
            _("participants"), _("idées"), _("questions"),
        )  # fmt: skip
        return Sheet(headers, tuple(rows))

    def results_sheet(self) -> Sheet:
        """One line per project of each residence that has a count (votes, funded or not)."""
        rows = []
        for residence in self.campaigns.list_residences():
            try:
                res = self.counting.results(residence.id)
            except UserError as exc:
                log.info("no results for %s: %s", residence.name, exc.message)
                continue
            if not res.sessions:
                continue
            for p in res.projects:
                rows.append((
                    residence.name, p.number, p.title, euros(p.cost_cents), p.votes,
                    p.status_label, _("oui") if p.project_id in res.selected else _("non"),
                    res.rule_label, _("oui") if res.all_sealed else _("non"),
                ))  # fmt: skip
        headers = (
            _("résidence"), _("numéro"), _("projet"), _("coût (€)"), _("voix"), _("statut"),
            _("financé"), _("règle"), _("dépouillement scellé"),
        )  # fmt: skip
        return Sheet(headers, tuple(rows))

    def appointments_sheet(self) -> Sheet:
        """The hot line's slots; a name and a contact only where the resident consented."""
        names = self._residence_names()
        zone = self.campaigns.get_campaign(self.appointments.active_campaign_id()).timezone
        rows: list[tuple[Cell, ...]] = []
        for a in self.appointments.list_appointments():
            start = local_moment(a.starts_at, zone)
            rows.append((
                a.meta.id, start.date().isoformat(), start.strftime("%H:%M"), a.minutes,
                a.consultant, _(CHANNEL_LABELS[a.channel]), a.place,
                names.get(a.residence_id or "", ""), _("oui") if a.booked else _("non"),
                _("oui") if a.consent_at else _("non"), a.resident_name, a.resident_contact,
                a.question, a.theme, a.answer, a.follow_up,
                _("oui") if a.follow_up_done else _("non"), _("oui") if a.held else _("non"),
            ))  # fmt: skip
        headers = (
            "id", _("date"), _("heure"), _("durée (min)"), _("consultant"), _("canal"), _("lieu"),
            _("résidence"), _("réservé"), _("consentement"), _("nom"), _("contact"),
            _("question"), _("thème"), _("réponse"), _("suite à donner"), _("suite faite"),
            _("tenu"),
        )  # fmt: skip
        return Sheet(headers, tuple(rows))

    def export_sheet(self, what: str, out: Path) -> tuple[Path, int]:
        """Write `what` to `out` (.csv or .xlsx); returns the path and the number of lines."""
        if what not in SHEETS:
            raise UserError(
                _("Export inconnu : {what} (attendu : {choices}).").format(
                    what=what, choices=", ".join(WHATS)
                )
            )
        sheet = SHEETS[what](self)
        return write_table(Path(out), sheet.headers, sheet.rows), len(sheet.rows)


SHEETS: dict[str, Callable[[SpreadsheetExports], Sheet]] = {
    "ideas": SpreadsheetExports.ideas_sheet,
    "projects": SpreadsheetExports.projects_sheet,
    "meetings": SpreadsheetExports.meetings_sheet,
    "results": SpreadsheetExports.results_sheet,
    "appointments": SpreadsheetExports.appointments_sheet,
}
