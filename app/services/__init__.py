"""Use-case services. `open_services(data_dir)` is what a user interface calls first.

Services take typed arguments and return frozen data objects from `app.domain.models`; they never
hand out ORM objects, and their validation errors are French `UserError`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# The services are imported by `open_services`, not here: a module that needs one part of the
# package (the `scan` command needs the reader's context) does not pay for all of them
# (SQLAlchemy's ORM models of every part, the PDF renderer...) at start-up.
if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.commission import CommissionService
    from app.services.counting import CountingService
    from app.services.ideas import IdeaService, ProjectService
    from app.services.meetings import MeetingService, ParticipantService
    from app.services.printing.service import BallotService
    from app.services.status import StatusService
    from app.storage.db import Database
    from app.storage.uow import UnitOfWork


@dataclass
class Services:
    """Every service of one opened data folder (built once by the composition root)."""

    data_dir: Path
    db: Database
    uow: UnitOfWork
    campaigns: CampaignService
    meetings: MeetingService
    participants: ParticipantService
    ideas: IdeaService
    projects: ProjectService
    commission: CommissionService
    status: StatusService
    counting: CountingService
    ballots: BallotService

    @property
    def database_path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()


def open_services(data_dir: Path) -> Services:
    """Open (create, back up, migrate) the store in `data_dir` and build the services on it."""
    from app.services.campaigns import CampaignService
    from app.services.commission import CommissionService
    from app.services.counting import CountingService, sheets_counted, sheets_to_review
    from app.services.ideas import IdeaService, ProjectService
    from app.services.meetings import MeetingService, ParticipantService
    from app.services.printing.service import BallotService
    from app.services.status import StatusService
    from app.storage.db import open_database
    from app.storage.uow import UnitOfWork

    db = open_database(Path(data_dir))
    uow = UnitOfWork(db)
    status = StatusService(uow)
    status.extra_counters = [*status.extra_counters, sheets_counted]
    status.badge_counters = {**status.badge_counters, "count": sheets_to_review}
    return Services(
        data_dir=Path(data_dir),
        db=db,
        uow=uow,
        campaigns=CampaignService(uow),
        meetings=MeetingService(uow),
        participants=ParticipantService(uow),
        ideas=IdeaService(uow),
        projects=ProjectService(uow, Path(data_dir)),
        commission=CommissionService(uow),
        status=status,
        counting=CountingService(uow, Path(data_dir)),
        ballots=BallotService(uow, Path(data_dir)),
    )
