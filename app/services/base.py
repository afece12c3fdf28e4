"""What every service shares: the unit of work and the active campaign."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, UserError
from app.i18n import _
from app.storage.tables import CampaignRow, Synced
from app.storage.uow import UnitOfWork

R = TypeVar("R", bound=Synced)
ACTIVE_CAMPAIGN = "active_campaign_id"


class Service:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def active_campaign_id(self) -> str:
        """The campaign in use: the one chosen last, else the only or most recent one."""
        chosen = self.uow.get_meta(ACTIVE_CAMPAIGN)
        with self.uow() as session:
            if chosen and session.get(CampaignRow, chosen) is not None:
                return chosen
            row = session.scalars(
                select(CampaignRow)
                .where(CampaignRow.deleted_at.is_(None))
                .order_by(CampaignRow.created_at.desc())
            ).first()
            if row is None:
                raise UserError(_("Aucune campagne : créez d'abord une campagne."))
            return row.id


def get_live(session: Session, model: type[R], record_id: str, what: str) -> R:
    """Fetch a record that exists and is not deleted, or raise a French NotFound."""
    row = session.get(model, record_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(_("{what} introuvable ({id}).").format(what=what, id=record_id))
    return row
