"""The campaign summary: what `bp-terrain status` prints and the home screen shows."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.errors import UserError
from app.services.base import Service
from app.storage.tables import (
    CampaignRow,
    IdeaRow,
    LocalMeta,
    MeetingRow,
    ParticipantRow,
    PendingChange,
    ProjectRow,
    QuestionRow,
    ResidenceRow,
    ReviewRow,
    SyncShadow,
)

SYNC_LAST_KEY = "sync_last_at"
"""The `local_meta` key where the sync client writes when it last synced."""


RESOLUTION_PREFIX = "sync_resolution:"
"""`local_meta` keys of the conflicts resolved on this laptop and not pushed yet."""


def open_conflicts(session: Session) -> int:
    """Sync conflicts pulled from the server and not resolved yet (here or elsewhere)."""
    rows = session.execute(
        select(SyncShadow.record_id, SyncShadow.values_json).where(
            SyncShadow.table_name == "sync_conflict"
        )
    )
    pending = set(
        session.scalars(select(LocalMeta.key).where(LocalMeta.key.startswith(RESOLUTION_PREFIX)))
    )
    return sum(
        1
        for record_id, values in rows
        if not json.loads(values).get("resolved") and RESOLUTION_PREFIX + record_id not in pending
    )


def last_sync(session: Session) -> str | None:
    row = session.get(LocalMeta, SYNC_LAST_KEY)
    return row.value if row else None


# Later capabilities (print batches, counted sheets...) add their own counters here: each takes
# the session and the campaign id and returns {name: count}.
ExtraCounter = Callable[[Session, str], dict[str, int]]
# The sidebar's badges: each takes the session and the campaign id and returns one figure.
BadgeCounter = Callable[[Session, str], int]


class StatusService(Service):
    extra_counters: list[ExtraCounter] = []
    badge_counters: dict[str, BadgeCounter] = {}

    def badges(self) -> dict[str, int]:
        """Every badge figure of the active campaign in one unit of work ({} without one).

        The window refreshes its badges after each change, on the GUI thread: one call here
        instead of one service call per screen and per open count.
        """
        try:
            campaign_id = self.active_campaign_id()
        except UserError:
            return {}
        with self.uow() as session:
            return {
                name: count(session, campaign_id) for name, count in self.badge_counters.items()
            }

    def campaign_status(self) -> m.CampaignStatus:
        try:
            campaign_id = self.active_campaign_id()
        except UserError:
            with self.uow() as session:
                return m.CampaignStatus(
                    None,
                    "",
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    conflicts=open_conflicts(session),
                    last_sync=last_sync(session),
                )
        with self.uow() as session:

            def count(model: type, *where: object) -> int:
                query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
                return int(session.scalar(query) or 0)

            live = (ProjectRow.campaign_id == campaign_id, ProjectRow.deleted_at.is_(None))
            meetings = session.scalars(
                select(MeetingRow).where(
                    MeetingRow.campaign_id == campaign_id, MeetingRow.deleted_at.is_(None)
                )
            ).all()
            extra: dict[str, int] = {}
            for counter in self.extra_counters:
                extra.update(counter(session, campaign_id))
            campaign = session.get(CampaignRow, campaign_id)
            return m.CampaignStatus(
                campaign_id=campaign_id,
                campaign_name=campaign.name if campaign else "",
                residences=count(
                    ResidenceRow,
                    ResidenceRow.campaign_id == campaign_id,
                    ResidenceRow.deleted_at.is_(None),
                ),
                meetings=len(meetings),
                participants=count(
                    ParticipantRow,
                    ParticipantRow.campaign_id == campaign_id,
                    ParticipantRow.deleted_at.is_(None),
                ),
                attendees=sum(sum((mt.attendance or {}).values()) for mt in meetings),
                questions=count(
                    QuestionRow,
                    QuestionRow.meeting_id.in_([mt.id for mt in meetings]),
                    QuestionRow.deleted_at.is_(None),
                ),
                ideas=count(
                    IdeaRow, IdeaRow.campaign_id == campaign_id, IdeaRow.deleted_at.is_(None)
                ),
                ideas_unassigned=count(
                    IdeaRow,
                    IdeaRow.campaign_id == campaign_id,
                    IdeaRow.deleted_at.is_(None),
                    IdeaRow.project_id.is_(None),
                ),
                projects=count(ProjectRow, *live),
                projects_to_review=count(
                    ProjectRow,
                    *live,
                    ProjectRow.status.in_(
                        [m.ProjectStatus.SUBMITTED.value, m.ProjectStatus.REWORK.value]
                    ),
                ),
                reviews=count(
                    ReviewRow,
                    ReviewRow.project_id.in_(select(ProjectRow.id).where(*live)),
                    ReviewRow.deleted_at.is_(None),
                ),
                admissible_projects=count(
                    ProjectRow, *live, ProjectRow.status == m.ProjectStatus.ADMISSIBLE.value
                ),
                pending_sync_changes=count(PendingChange),
                counts=extra,
                conflicts=open_conflicts(session),
                last_sync=last_sync(session),
            )
