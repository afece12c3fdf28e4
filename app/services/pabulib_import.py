"""Replay a real past vote on paper: a pabulib `.pb` file becomes a residence of the campaign.

The file's budget becomes the residence's envelope and each of its projects an ADMISSIBLE
project with its cost and `source_id` = the file's project id, so that ballots can be printed,
marked as the file's voters did, counted, and the funded projects compared with the file's
`selected` column. Amounts are taken in the file's currency units as if they were euros (the
rules compare amounts only). The file's ballot rule becomes the residence's ballot style:
`vote_type` choose-1 (or `max_length` 1) a single choice, approval up to `max_length` projects
(no `max_length`: up to every project, as the voters could), at least `min_length`. When the
import creates the campaign, the file's results rule (META `rule`: greedy, greedy-no-skip,
greedy-threshold, equalshares and its add1 / comparison variants; `min_project_score_threshold`)
becomes the campaign's declared results rule.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.domain.models import ProjectStatus
from app.domain.money import check_cents
from app.domain.pabulib import PabulibError, PbFile, parse_money, read_pabulib
from app.domain.validation import MAX_TITLE
from app.errors import UserError
from app.i18n import _
from app.services.campaigns import CampaignInput, CampaignService
from app.services.printing.types import RuleKind, StyleInput
from app.storage.tables import ProjectRow

if TYPE_CHECKING:
    from app.services.counting.service import CountingService
    from app.services.printing.service import BallotService
    from app.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

FILE_RULES = {
    "greedy": "greedy",
    "greedy-threshold": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "equalshares": "mes",
}


@dataclass(frozen=True)
class ImportedProject:
    project_id: str
    source_id: str
    number: int
    title: str
    cost_cents: int


@dataclass(frozen=True)
class PabulibImport:
    campaign_id: str
    created_campaign: bool
    residence_id: str
    residence_name: str
    budget_cents: int
    projects: tuple[ImportedProject, ...]
    rule: str | None  # the declared rule, when the import set it
    voters: int


def cents(value: Fraction, what: str) -> int:
    """An exact amount in cents; a file with sub-cent amounts is refused, never rounded."""
    amount = value * 100
    if amount.denominator != 1:
        raise UserError(
            _("Montant avec plus de deux décimales pour {what} : {value}.").format(
                what=what, value=float(value)
            )
        )
    return check_cents(int(amount))


def _default_name(pb: PbFile, path: Path) -> str:
    for key in ("subunit", "district", "unit"):
        value = pb.meta_value(key)
        if value and value.strip():
            return value.strip()[:200]
    return path.stem[:200]


def _length(pb: PbFile, key: str) -> int | None:
    value = (pb.meta_value(key) or "").strip()
    if not value or value.lower() == "none":
        return None
    try:
        return int(parse_money(value, key))
    except PabulibError:
        raise UserError(
            _("Valeur illisible pour {key} : « {value} ».").format(key=key, value=value)
        ) from None


def style_input(pb: PbFile, projects: int) -> StyleInput:
    """The ballot style the file's voters voted with: its vote type and choice limits."""
    high, low = _length(pb, "max_length"), _length(pb, "min_length")
    if pb.vote_type == "choose-1" or high == 1:
        return StyleInput(rule_kind=RuleKind.SINGLE)
    high = projects if high is None else min(high, projects)
    low = low if low and low > 1 else None
    return StyleInput(
        rule_kind=RuleKind.APPROVAL,
        max_choices=high,
        min_choices=min(low, high) if low else None,
    )


class PabulibImporter:
    """Replays a Pabulib file into the data folder (`Services.pabulib`)."""

    def __init__(
        self,
        *,
        ballots: BallotService,
        campaigns: CampaignService,
        counting: CountingService,
        uow: UnitOfWork,
    ) -> None:
        self.ballots = ballots
        self.campaigns = campaigns
        self.counting = counting
        self.uow = uow

    def import_file(self, path: Path, *, residence_name: str | None = None) -> PabulibImport:
        """Create the residence and its projects from `path` (in the active campaign, or a new one)."""
        pb = read_pabulib(Path(path))  # a PabulibError is a UserError with the line concerned
        budget = cents(pb.budget, _("le budget"))
        created = self._ensure_campaign(pb, Path(path))
        name = (residence_name or _default_name(pb, Path(path))).strip()
        residence = self.campaigns.add_residence(name, budget_cents=budget)
        projects = self._add_projects(residence.id, pb)
        self._add_style(residence.id, pb, len(projects))
        rule = self._declare_rule(pb, residence.campaign_id) if created else None
        log.info("imported %s: %d projects into %s", path, len(projects), residence.name)
        return PabulibImport(
            campaign_id=residence.campaign_id,
            created_campaign=created,
            residence_id=residence.id,
            residence_name=residence.name,
            budget_cents=budget,
            projects=projects,
            rule=rule,
            voters=len(pb.votes),
        )

    def _ensure_campaign(self, pb: PbFile, path: Path) -> bool:
        if self.campaigns.has_campaign():
            return False
        title = pb.meta_value("description") or pb.meta_value("unit") or path.stem
        self.campaigns.create_campaign(
            CampaignInput(name=_("Rejeu : {title}").format(title=title)[:200])
        )
        return True

    def _add_projects(self, residence_id: str, pb: PbFile) -> tuple[ImportedProject, ...]:
        campaign_id = self.campaigns.get_residence(residence_id).campaign_id
        out = []
        with self.uow() as s:
            number = s.scalar(
                select(func.max(ProjectRow.number)).where(ProjectRow.residence_id == residence_id)
            ) or 0  # fmt: skip
            for p in pb.projects:
                number += 1
                title = (pb.project_value(p, "name") or "").strip() or _("Projet {id}").format(
                    id=p.project_id
                )
                cost = cents(p.cost, _("le projet {id}").format(id=p.project_id))
                row = ProjectRow(
                    campaign_id=campaign_id,
                    residence_id=residence_id,
                    number=number,
                    title=title[:MAX_TITLE],
                    cost_cents=cost,
                    status=ProjectStatus.ADMISSIBLE.value,
                    source_id=p.project_id[:100],
                )
                s.add(row)
                s.flush()
                out.append(ImportedProject(row.id, p.project_id, number, row.title, cost))
        return tuple(out)

    def _add_style(self, residence_id: str, pb: PbFile, projects: int) -> None:
        if projects:
            self.ballots.create_style(residence_id, style_input(pb, projects))

    def _declare_rule(self, pb: PbFile, campaign_id: str) -> str | None:
        text = (pb.meta_value("rule") or "").strip().lower()
        rule = FILE_RULES.get(text.split("/")[0])
        if rule is None:
            return None
        options = {"compare_with_greedy": True} if "comparison" in text else None
        self.counting.set_results_rule(campaign_id, rule, threshold=pb.threshold, options=options)
        return rule
