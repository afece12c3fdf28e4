"""Files for Decidim's importers (CSV, `;`, UTF-8): proposals, answers, projects, paper totals.

The columns are those Decidim reads (docs/interop.md cites the importers):
- proposals (decidim-proposals `ProposalCreator`/`ProposalsVerifier`): `title/fr`, `body/fr`
  required, `address` optional;
- answers (`ProposalAnswerCreator`/`ProposalsAnswersVerifier`): `id`, `state` (`status` for
  the verifier of later versions: both are written, same token), `answer/fr`; only ideas
  matched to a Decidim proposal (`decidim import` of Decidim's proposals export) and whose
  project has a commission decision;
- projects (decidim-module-budgets_importer `ProjectCreator`): `title/fr`, `description/fr`,
  `budget_amount` (whole euros), `scope/id` (left empty: scopes are Decidim's own ids);
- paper totals (decidim-module-budgets_paper_ballots `PaperBallotResultVerifier`): `id`,
  `paper_ballots_to_import`; only projects matched to a Decidim budgets project.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.domain.models import Decision, ProjectStatus
from app.errors import UserError
from app.i18n import _
from app.services.base import library_errors
from app.services.interop.tables import Cell, csv_bytes
from app.storage.tables import IdeaRow, ProjectRow
from ballots.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.commission import CommissionService
    from app.services.counting.service import CountingService
    from app.services.ideas import IdeaService, ProjectService
    from app.storage.uow import UnitOfWork

KINDS = ("proposals", "answers", "projects", "paper-totals")
LOCALE = "fr"
STATES = {  # Decidim's default proposal state tokens
    Decision.ADMISSIBLE: "accepted",
    Decision.INADMISSIBLE: "rejected",
}


def int_or_text(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 62, value)


def whole_euros(cents: int) -> int:
    return int((Decimal(cents) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Path:
    """`;`-separated UTF-8 without BOM (a BOM would become part of Decidim's first header)."""
    with library_errors(field="out"):
        write_bytes_atomic(path, csv_bytes(headers, rows, delimiter=";", bom=False))
    return path


class DecidimExporter:
    """The CSV files Decidim imports (`Services.decidim_export`)."""

    def __init__(
        self,
        *,
        campaigns: CampaignService,
        commission: CommissionService,
        counting: CountingService,
        ideas: IdeaService,
        projects: ProjectService,
        uow: UnitOfWork,
    ) -> None:
        self.campaigns = campaigns
        self.commission = commission
        self.counting = counting
        self.ideas = ideas
        self.projects = projects
        self.uow = uow

    def proposals(self, locale: str = LOCALE) -> tuple[list[str], list[list[Cell]]]:
        rows: list[list[Cell]] = []
        for idea in self.ideas.list_ideas():
            body = idea.description.strip() or idea.title
            rows.append([idea.title, body, idea.location])
        return [f"title/{locale}", f"body/{locale}", "address"], rows

    def answers(self, locale: str = LOCALE) -> tuple[list[str], list[list[Cell]]]:
        reviews = self.commission.latest_reviews()
        projects = {p.meta.id: p for p in self.projects.list_projects()}
        campaign_id = self.campaigns.active_campaign_id()
        with self.uow() as s:
            linked = s.execute(
                select(IdeaRow.decidim_id, IdeaRow.project_id).where(
                    IdeaRow.campaign_id == campaign_id,
                    IdeaRow.deleted_at.is_(None),
                    IdeaRow.decidim_id != "",
                )
            ).all()
        if not linked:
            raise UserError(
                _(
                    "Aucune idée n'est associée à une proposition Decidim : importez d'abord l'export "
                    "des propositions de Decidim (bp-terrain decidim import FICHIER)."
                )
            )
        rows: list[list[Cell]] = []
        for decidim_id, project_id in sorted(linked, key=lambda r: int_or_text(r[0])):
            project = projects.get(project_id or "")
            review = reviews.get(project_id or "")
            if project is None or review is None:
                continue  # not answered yet
            state = STATES.get(review.decision, "evaluating")
            text = _("Projet n° {number} « {title} » : {reason}").format(
                number=project.number, title=project.title, reason=review.public_reason or "—"
            )
            rows.append([decidim_id, state, state, text])
        return ["id", "state", "status", f"answer/{locale}"], rows

    def budget_projects(self, locale: str = LOCALE) -> tuple[list[str], list[list[Cell]]]:
        reviews = self.commission.latest_reviews()
        rows: list[list[Cell]] = []
        for p in self.projects.list_projects(status=ProjectStatus.ADMISSIBLE):
            review = reviews.get(p.meta.id)
            cost = review.validated_cost_cents if review and review.validated_cost_cents else None
            cost = cost if cost is not None else p.cost_cents
            description = p.long_description.strip() or p.short_description.strip() or p.title
            rows.append([p.title, description, whole_euros(cost or 0), ""])
        return [f"title/{locale}", f"description/{locale}", "budget_amount", "scope/id"], rows

    def paper_totals(self) -> tuple[list[str], list[list[Cell]]]:
        """Valid paper votes per project matched to Decidim (the residence's current counts)."""
        campaign_id = self.campaigns.active_campaign_id()
        with self.uow() as s:
            linked = dict(
                s.execute(
                    select(ProjectRow.id, ProjectRow.decidim_id).where(
                        ProjectRow.campaign_id == campaign_id,
                        ProjectRow.deleted_at.is_(None),
                        ProjectRow.decidim_id != "",
                    )
                ).all()
            )
        if not linked:
            raise UserError(
                _(
                    "Aucun projet n'est associé à un projet Decidim : importez d'abord l'export des "
                    "projets du budget Decidim (bp-terrain decidim import FICHIER)."
                )
            )
        votes: dict[str, int] = {}
        for residence in self.campaigns.list_residences():
            try:
                res = self.counting.results(residence.id)
            except UserError:
                continue  # nothing counted there
            for line in res.projects:
                if line.project_id in linked:
                    votes[line.project_id] = votes.get(line.project_id, 0) + line.votes
        rows: list[list[Cell]] = [
            [linked[pid], votes.get(pid, 0)]
            for pid in sorted(linked, key=lambda pid: int_or_text(linked[pid]))
        ]
        return ["id", "paper_ballots_to_import"], rows

    def export_decidim(self, kind: str, out: Path) -> tuple[Path, int]:
        """Write the file for Decidim's importer of `kind`; returns the path and its line count."""
        makers = {
            "proposals": self.proposals,
            "answers": self.answers,
            "projects": self.budget_projects,
            "paper-totals": self.paper_totals,
        }
        if kind not in makers:
            raise UserError(
                _("Export Decidim inconnu : {kind} (attendu : {choices}).").format(
                    kind=kind, choices=", ".join(KINDS)
                )
            )
        headers, rows = makers[kind]()
        return write_csv(Path(out), headers, rows), len(rows)
