"""Use-case services. `open_services(data_dir)` is what a user interface calls first.

Services take typed arguments and return frozen data objects from `app.domain.models`; they never
hand out ORM objects, and their validation errors are French `UserError`s.

    with open_services(data_dir) as services:
        services.campaigns.create(...)

Each service is built on first use: a command that only reads the campaign does not load the
count (the scanner, OpenCV) or the printing (the PDF writer).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from app.storage.db import Database, open_database
from app.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from app.services.appointments.service import AppointmentService
    from app.services.campaigns import CampaignService
    from app.services.commission import CommissionService
    from app.services.count_opening import CountOpening
    from app.services.counting.deck_check import DeckCheckService
    from app.services.counting.report import CountReports
    from app.services.counting.service import CountingService
    from app.services.counting.slip import BatchSlips
    from app.services.counting.view import CountView
    from app.services.dashboard import DashboardService
    from app.services.demo.service import Demo
    from app.services.evaluation import EvaluationService
    from app.services.ideas import IdeaService, ProjectService
    from app.services.interop.decidim_export import DecidimExporter
    from app.services.interop.decidim_import import DecidimImporter
    from app.services.interop.decidim_vote import OnlineVote
    from app.services.interop.exports import SpreadsheetExports
    from app.services.interop.residences import ResidenceImporter
    from app.services.meetings import MeetingService, ParticipantService
    from app.services.pabulib_import import PabulibImporter
    from app.services.printing.service import BallotService
    from app.services.public_results import PublicResults
    from app.services.site import InboxService, SiteService
    from app.services.site_results import SiteResults
    from app.services.status import StatusService
    from app.services.surveys import SurveyService


class Services:
    """Every service of one opened data folder (the composition root's only handle).

    A context manager: `with open_services(path) as services:` closes the store on the way out.
    """

    def __init__(self, data_dir: Path, db: Database) -> None:
        self.data_dir = Path(data_dir)
        self.db = db
        self.uow = UnitOfWork(db)

    @property
    def database_path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @cached_property
    def campaigns(self) -> CampaignService:
        from app.services.campaigns import CampaignService

        return CampaignService(self.uow)

    @cached_property
    def meetings(self) -> MeetingService:
        from app.services.meetings import MeetingService

        return MeetingService(self.uow)

    @cached_property
    def participants(self) -> ParticipantService:
        from app.services.meetings import ParticipantService

        return ParticipantService(self.uow)

    @cached_property
    def ideas(self) -> IdeaService:
        from app.services.ideas import IdeaService

        return IdeaService(self.uow)

    @cached_property
    def projects(self) -> ProjectService:
        from app.services.ideas import ProjectService

        return ProjectService(self.uow, self.data_dir)

    @cached_property
    def commission(self) -> CommissionService:
        from app.services.commission import CommissionService

        return CommissionService(self.uow)

    @cached_property
    def status(self) -> StatusService:
        """The status service, with the figures the count and the printing add to it."""
        from app.services.counting.badges import sheets_counted, sheets_to_review
        from app.services.printing.counters import status_counter
        from app.services.status import StatusService

        status = StatusService(self.uow)
        status.extra_counters = [*status.extra_counters, status_counter, sheets_counted]
        status.badge_counters = {**status.badge_counters, "count": sheets_to_review}
        return status

    @cached_property
    def counting(self) -> CountingService:
        from app.services.counting.service import CountingService

        return CountingService(self.uow, self.data_dir)

    @cached_property
    def count_opening(self) -> CountOpening:
        """What to say before a live count opens (the other services' facts, read together)."""
        from app.services.count_opening import CountOpening

        return CountOpening(self.campaigns, self.ballots, self.counting)

    @cached_property
    def ballots(self) -> BallotService:
        from app.services.printing.service import BallotService

        return BallotService(self.uow, self.data_dir)

    @cached_property
    def dashboard(self) -> DashboardService:
        from app.services.dashboard import DashboardService

        return DashboardService(self.uow, self.data_dir)

    @cached_property
    def evaluation(self) -> EvaluationService:
        from app.services.consultant_report import ConsultantSections
        from app.services.evaluation import EvaluationService

        service = EvaluationService(self.uow, self.dashboard)
        sections = ConsultantSections(self.appointments, self.surveys)
        service.extra_sources = {**service.extra_sources, **sections.sources()}
        return service

    @cached_property
    def site(self) -> SiteService:
        from app.services.site import SiteService

        return SiteService(self.uow)

    @cached_property
    def inbox(self) -> InboxService:
        from app.services.site import InboxService

        return InboxService(self.uow)

    @cached_property
    def appointments(self) -> AppointmentService:
        """The hot line (docs/surveys.md)."""
        from app.services.appointments.service import AppointmentService

        return AppointmentService(self.uow)

    @cached_property
    def surveys(self) -> SurveyService:
        """Paper surveys, read by the ballot reader (docs/surveys.md)."""
        from app.services.surveys import SurveyService

        return SurveyService(self.uow, self.data_dir)

    @cached_property
    def demo(self) -> Demo:
        """The demo data folder (training, screenshots, tests): campaign, count, survey, site."""
        from app.services.demo.campaign import DemoCampaign
        from app.services.demo.consultant import DemoConsultant
        from app.services.demo.count import DemoCount
        from app.services.demo.service import Demo
        from app.services.demo.site import DemoSite

        consultant = DemoConsultant(
            appointments=self.appointments, surveys=self.surveys, uow=self.uow
        )
        site = DemoSite(
            campaigns=self.campaigns,
            counting=self.counting,
            site=self.site,
            site_results=self.site_results,
            uow=self.uow,
        )
        campaign = DemoCampaign(
            ballots=self.ballots,
            campaigns=self.campaigns,
            commission=self.commission,
            ideas=self.ideas,
            meetings=self.meetings,
            participants=self.participants,
            projects=self.projects,
            consultant=consultant,
            site=site,
        )
        count = DemoCount(
            ballots=self.ballots,
            campaigns=self.campaigns,
            counting=self.counting,
            data_dir=self.data_dir,
        )
        return Demo(campaign, consultant, count, site)

    @cached_property
    def pabulib(self) -> PabulibImporter:
        """Replays of Pabulib files: a residence, its projects, ballot style and rule."""
        from app.services.pabulib_import import PabulibImporter

        return PabulibImporter(
            ballots=self.ballots, campaigns=self.campaigns, counting=self.counting, uow=self.uow
        )

    @cached_property
    def sheets(self) -> SpreadsheetExports:
        """Spreadsheet exports: ideas, projects, meetings, results, appointments (docs/interop.md)."""
        from app.services.interop.exports import SpreadsheetExports

        return SpreadsheetExports(
            appointments=self.appointments,
            campaigns=self.campaigns,
            commission=self.commission,
            counting=self.counting,
            ideas=self.ideas,
            meetings=self.meetings,
            projects=self.projects,
        )

    @cached_property
    def residence_import(self) -> ResidenceImporter:
        """Residences imported from a spreadsheet (docs/interop.md)."""
        from app.services.interop.residences import ResidenceImporter

        return ResidenceImporter(campaigns=self.campaigns, uow=self.uow)

    @cached_property
    def decidim_export(self) -> DecidimExporter:
        """The CSV files Decidim imports (docs/interop.md)."""
        from app.services.interop.decidim_export import DecidimExporter

        return DecidimExporter(
            campaigns=self.campaigns,
            commission=self.commission,
            counting=self.counting,
            ideas=self.ideas,
            projects=self.projects,
            uow=self.uow,
        )

    @cached_property
    def decidim_import(self) -> DecidimImporter:
        """Decidim exports read into ideas and projects (docs/interop.md)."""
        from app.services.interop.decidim_import import DecidimImporter

        return DecidimImporter(campaigns=self.campaigns, uow=self.uow)

    @cached_property
    def online_vote(self) -> OnlineVote:
        """Decidim's online vote, imported and set beside the paper count (docs/interop.md)."""
        from app.services.interop.decidim_vote import OnlineVote

        return OnlineVote(campaigns=self.campaigns, uow=self.uow)

    @cached_property
    def count_report(self) -> CountReports:
        """The count report (procès-verbal) of a sealed session (docs/report.md)."""
        from app.services.counting.report import CountReports

        return CountReports(campaigns=self.campaigns, counting=self.counting, uow=self.uow)

    @cached_property
    def count_slips(self) -> BatchSlips:
        """The printed slips of a count's signed checkpoints (docs/count.md)."""
        from app.services.counting.slip import BatchSlips

        return BatchSlips(campaigns=self.campaigns, counting=self.counting, uow=self.uow)

    @cached_property
    def count_view(self) -> CountView:
        """What the count screens show (sheets, pictures, the results explained)."""
        from app.services.counting.view import CountView

        return CountView(counting=self.counting, data_dir=self.data_dir)

    @cached_property
    def deck_check(self) -> DeckCheckService:
        """A counted test deck compared with its expectation file (docs/count.md)."""
        from app.services.counting.deck_check import DeckCheckService

        return DeckCheckService(counting=self.counting)

    @cached_property
    def public_results(self) -> PublicResults:
        """A residence's public results as JSON, CSV or pabulib (docs/results-rules.md)."""
        from app.services.public_results import PublicResults

        return PublicResults(campaigns=self.campaigns, counting=self.counting, uow=self.uow)

    @cached_property
    def site_results(self) -> SiteResults:
        """The results published on the site, frozen when published (docs/platform.md)."""
        from app.services.site_results import SiteResults

        return SiteResults(
            campaigns=self.campaigns, counting=self.counting, site=self.site, uow=self.uow,
            data_dir=self.data_dir,
        )  # fmt: skip


def open_services(data_dir: Path) -> Services:
    """Open (create, back up, migrate) the store in `data_dir` and build the services on it."""
    return Services(Path(data_dir), open_database(Path(data_dir)))
