"""What to say before a live count opens (`app.domain.counting.opening`), from the data folder.

Gathers the plain facts through the other services' public methods (print batches, accepted
projects, voting days, the declared results rule) and returns the warnings and the rule notice
as plain data; the screen shows them and asks the officer to confirm having read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app.domain.counting.opening import (
    OpeningFacts,
    OpeningWarning,
    opening_warnings,
    rule_lock_notice,
)
from app.errors import UserError
from app.services.printing.materials import parse_vote_sessions

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.services.printing.service import BallotService


@dataclass(frozen=True)
class OpeningAdvice:
    warnings: tuple[OpeningWarning, ...]
    rule_notice: str  # empty for a test count (it locks nothing)


class CountOpening:
    """The advice shown before a live count opens (`Services.count_opening`)."""

    def __init__(
        self, campaigns: CampaignService, ballots: BallotService, counting: CountingService
    ) -> None:
        self.campaigns = campaigns
        self.ballots = ballots
        self.counting = counting

    def advice(
        self, residence_id: str, *, test: bool = False, today: date | None = None
    ) -> OpeningAdvice:
        """The warnings (live counts only) and the rule notice for opening a count now."""
        if test:
            return OpeningAdvice((), "")
        residence = next(
            (r for r in self.campaigns.list_residences() if r.id == residence_id), None
        )
        if residence is None:
            return OpeningAdvice((), "")
        campaign = self.campaigns.get_campaign()
        facts = OpeningFacts(
            residence_name=residence.name,
            live_ballots_printed=sum(
                b.count
                for b in self.ballots.list_batches(campaign.id)
                if b.residence_id == residence_id and not b.test and b.kind == "ballots"
            ),
            accepted_projects=len(self.ballots.admissible_projects(residence_id)),
            **self._vote_days(residence_id, campaign.vote_start, campaign.vote_end),
        )
        rule = self.counting.get_results_rule(campaign.id)
        return OpeningAdvice(
            opening_warnings(facts, today or date.today()), rule_lock_notice(rule.rule_label)
        )

    def _vote_days(
        self, residence_id: str, start: date | None, end: date | None
    ) -> dict[str, date | None]:
        """The residence's own voting days when typed (Vote screen), else the campaign's phase."""
        try:
            sessions = parse_vote_sessions(self.ballots.vote_sessions_text(residence_id))
        except UserError:
            sessions = ()
        days = sorted(s.day for s in sessions)
        if days:
            return {"first_vote_day": days[0], "last_vote_day": days[-1]}
        return {"first_vote_day": start, "last_vote_day": end}
