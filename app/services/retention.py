"""What residents write on the site is erased after a year (docs/platform.md): the site's
messages, and the name and contact an online idea's proposer gave, `KEEP_DAYS` after the
campaign's end (or after they arrived, for a campaign without dates).

On a laptop this runs at start and before each sync; the server does the same on its own
records (`sync/server/public/retention.py`). A message becomes a tombstone with its text, name
and contact emptied (an ordinary synced edit, so every laptop erases it too); an online idea
keeps its text (it may be a project by then) and loses its proposer's name and contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.domain.dates import utc_now
from app.domain.site import campaign_end, erase_on
from app.storage.site_tables import SiteMessageRow
from app.storage.tables import CampaignRow, IdeaRow
from app.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Erased:
    messages: int = 0
    idea_contacts: int = 0


def campaign_ends(rows: list[CampaignRow]) -> dict[str, date | None]:
    return {
        row.id: campaign_end(
            (row.ideas_start, row.ideas_end, row.workshops_start, row.workshops_end,
             row.commission_date, row.vote_start, row.vote_end, row.results_date)
        )
        for row in rows
    }  # fmt: skip


def erase_expired(uow: UnitOfWork, now: datetime | None = None) -> Erased:
    """Erase what is due on this laptop (`now` injected by the tests)."""
    today = (now or utc_now()).date()
    moment = now or utc_now()
    messages = contacts = 0
    with uow() as session:
        ends = campaign_ends(list(session.scalars(select(CampaignRow))))
        rows = session.scalars(select(SiteMessageRow).where(SiteMessageRow.deleted_at.is_(None)))
        for row in rows:
            end = ends.get(row.campaign_id)
            received = row.received_at or row.created_at
            if erase_on(end, received, today) <= today:
                row.name = row.message = row.contact = ""
                row.deleted_at = moment
                messages += 1
        ideas = session.scalars(
            select(IdeaRow).where(
                IdeaRow.origin == "online",
                (IdeaRow.online_name != "") | (IdeaRow.online_contact != ""),
            )
        )
        for idea in ideas:
            end = ends.get(idea.campaign_id)
            if erase_on(end, idea.created_at, today) <= today:
                idea.online_name = idea.online_contact = ""
                idea.name_public = False
                contacts += 1
    return Erased(messages, contacts)
