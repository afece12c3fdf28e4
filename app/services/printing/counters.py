"""The printing figures of `bp-terrain status`, computed in the status service's unit of work."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.storage.tables import PrintBatchRow


def printed_count(session: Session, campaign_id: str, *, test: bool = False) -> int:
    """Ballots printed in the campaign: live ballots, or test ballots and test decks."""
    query = select(func.coalesce(func.sum(PrintBatchRow.count), 0)).where(
        PrintBatchRow.campaign_id == campaign_id,
        PrintBatchRow.deleted_at.is_(None),
        PrintBatchRow.mode == ("test" if test else "live"),
    )
    return int(session.scalar(query) or 0)


def status_counter(session: Session, campaign_id: str) -> dict[str, int]:
    """`bp-terrain status` counters: live ballots printed, and test ballots apart."""
    return {
        "ballots_printed": printed_count(session, campaign_id),
        "test_ballots_printed": printed_count(session, campaign_id, test=True),
    }
