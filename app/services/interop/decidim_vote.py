"""A Decidim budgets vote (exported as a pabulib `.pb` file) combined with the paper count.

`import_online_vote` reads the file, matches its projects to the residence's admissible
projects (by the Decidim id kept by `decidim import`, else by title), drops the voters' ids
and keeps only the sets of projects chosen, in sorted order (no order of arrival), in one
`online_vote` record per residence (a new import replaces the previous one; a dry run writes
nothing). `combined_results` then runs the campaign's declared rule once on the paper ballots
and the online ballots together, and gives each source's votes per project beside the total.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from app.domain.dates import utc_now
from app.domain.pabulib import PbFile, read_pabulib
from app.errors import UserError
from app.i18n import _
from app.services.interop.online_vote import (
    CombinedLine,
    CombinedResults,
    admissible_projects,
    combined_in_session,
    online_ballots,
)
from app.storage.tables import OnlineVoteRow, ProjectRow

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.storage.uow import UnitOfWork


@dataclass(frozen=True)
class OnlineVoteImport:
    residence_id: str
    residence: str
    file_name: str
    ballots: int
    votes: dict[str, int]  # our project id -> online votes
    titles: dict[str, str]
    replaced: bool  # an earlier online vote of the residence was replaced
    applied: bool


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", " ".join(text.casefold().split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _match(pb: PbFile, projects: list[ProjectRow], residence: str) -> dict[str, str]:
    """The file's project id -> ours; a project of the file that is none of ours is refused."""
    by_decidim = {p.decidim_id: p.id for p in projects if p.decidim_id}
    by_title: dict[str, list[str]] = {}
    for p in projects:
        by_title.setdefault(fold(p.title), []).append(p.id)
    match: dict[str, str] = {}
    for project in pb.projects:
        title = pb.project_value(project, "name") or pb.project_value(project, "title") or ""
        found = by_decidim.get(project.project_id)
        if found is None and len(by_title.get(fold(title), [])) == 1:
            found = by_title[fold(title)][0]
        if found is None:
            raise UserError(
                _(
                    "Le projet {id} « {title} » du fichier n'est aucun des projets recevables de "
                    "« {residence} » : importez d'abord les projets Decidim (bp-terrain decidim "
                    "import) ou vérifiez la résidence."
                ).format(id=project.project_id, title=title, residence=residence)
            )
        match[project.project_id] = found
    return match


__all__ = ["CombinedLine", "CombinedResults", "OnlineVote", "online_ballots"]


class OnlineVote:
    """The online vote of Decidim beside the paper count (`Services.online_vote`)."""

    def __init__(self, *, campaigns: CampaignService, uow: UnitOfWork) -> None:
        self.campaigns = campaigns
        self.uow = uow

    def import_online_vote(
        self, path: Path, residence: str, *, dry_run: bool = False
    ) -> OnlineVoteImport:
        """Read a Decidim `.pb` vote for one residence; write it unless `dry_run` (all or nothing)."""
        path = Path(path)
        pb = read_pabulib(path)
        target = self.campaigns.find_residence(residence)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self.uow() as s:
            projects = admissible_projects(s, target.id)
            match = _match(pb, projects, target.name)
            ballots = sorted(sorted({match[p] for p in v.vote}) for v in pb.votes if v.vote)
            votes = {p.id: 0 for p in projects}
            for ballot in ballots:
                for pid in ballot:
                    votes[pid] += 1
            previous = s.scalars(
                select(OnlineVoteRow).where(
                    OnlineVoteRow.residence_id == target.id, OnlineVoteRow.deleted_at.is_(None)
                )
            ).all()
            if not dry_run:
                for row in previous:
                    row.deleted_at = utc_now()
                s.add(OnlineVoteRow(
                    campaign_id=target.campaign_id, residence_id=target.id, source="decidim",
                    file_name=path.name, file_sha256=digest, ballots=ballots,
                ))  # fmt: skip
                s.commit()
            return OnlineVoteImport(
                target.id, target.name, path.name, len(ballots), votes,
                {p.id: p.title for p in projects}, bool(previous), not dry_run,
            )  # fmt: skip

    def combined_results(self, residence: str) -> CombinedResults:
        """The residence's result under the declared rule, paper and online ballots together."""
        target = self.campaigns.find_residence(residence)
        with self.uow() as s:
            return combined_in_session(s, target.id)
