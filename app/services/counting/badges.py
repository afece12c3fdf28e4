"""The count's figures for the sidebar badge and `bp-terrain status`, computed in the status
service's unit of work."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.counting import models as cm
from app.services.counting.context import campaign_templates
from app.services.counting.read import counts_now, outcomes
from app.storage.count_tables import CountSessionRow, CountSheetRow


def sheets_to_review(session: Session, campaign_id: str) -> int:
    """Sheets waiting for a person in the campaign's open (unsealed) counts.

    One database session for every open count and the campaign's templates read once, instead
    of one `review_queue` per count (each re-reading the templates and the log head).
    """
    open_ids = session.scalars(
        select(CountSessionRow.id).where(
            CountSessionRow.campaign_id == campaign_id,
            CountSessionRow.deleted_at.is_(None),
            CountSessionRow.sealed_at.is_(None),
        )
    ).all()
    if not open_ids:
        return 0
    templates = campaign_templates(session, campaign_id)
    return sum(
        1
        for session_id in open_ids
        for outcome in outcomes(session, session_id, templates)[2]
        if outcome.outcome == cm.PENDING
    )


def sheets_counted(session: Session, campaign_id: str) -> dict[str, int]:
    """Status counter: ballots recorded in the campaign's current counts (rejected sheets and
    blank backs of duplex scans are not ballots)."""
    query = (
        select(func.count())
        .select_from(CountSheetRow)
        .join(CountSessionRow, CountSessionRow.id == CountSheetRow.session_id)
        .where(
            CountSessionRow.campaign_id == campaign_id,
            CountSessionRow.deleted_at.is_(None),
            counts_now(),
            CountSessionRow.mode == "live",
            CountSheetRow.status.not_in(["rejected", "blank"]),
        )
    )
    return {"sheets_counted": int(session.scalar(query) or 0)}
