"""`Demo`, reached from `Services.demo`: the demo data folder's use cases, composed of the parts
of this package (`campaign`, `consultant`, `count`, `site`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app.domain import models as m
from app.domain.counting import models as cm
from app.services.demo.campaign import DemoCampaign
from app.services.demo.consultant import DemoConsultant
from app.services.demo.count import DemoCount
from app.services.demo.site import DemoSite


class Demo:
    """Builds the demo campaign, its count, survey answers and site (invented names and places)."""

    def __init__(
        self, campaign: DemoCampaign, consultant: DemoConsultant, count: DemoCount, site: DemoSite
    ) -> None:
        self.campaign = campaign
        self.consultant = consultant
        self.count = count
        self.site = site

    def create_demo(self, today: date | None = None) -> m.Campaign:
        """The demo campaign (residences, meetings, ideas, projects, commission, hot line, site)."""
        return self.campaign.create_demo(today)

    def demo_residence_id(self) -> str:
        """The first residence (by name) that has admissible projects to print."""
        return self.count.demo_residence_id()

    def print_marked(
        self,
        residence_id: str,
        plan: Sequence[Sequence[tuple[int, str]]],
        out_dir: Path,
        *,
        test: bool = False,
        prefix: str = "scan",
    ) -> list[Path]:
        """Print len(plan) ballots of the residence through the ballots service, mark them."""
        return self.count.print_marked(residence_id, plan, out_dir, test=test, prefix=prefix)

    def create_demo_count(self, work_dir: Path) -> cm.CountSession:
        """Print, mark and read the demo ballots in a new session; one sheet waits for review."""
        return self.count.create_demo_count(work_dir)

    def demo_survey_unread(self) -> bool:
        """The demo survey exists and no form of it has been read yet."""
        return self.consultant.demo_survey_unread()

    def create_demo_survey_answers(self, work_dir: Path) -> None:
        """Filled-in survey forms, printed, marked and read."""
        self.consultant.create_demo_survey_answers(work_dir)

    def publish_demo_results(self, residence_id: str) -> None:
        """The counted residence's results on the site, with a funded project's follow-up."""
        self.site.publish_demo_results(residence_id)
