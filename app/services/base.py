"""What every service shares: the unit of work and the active campaign."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Cancelled, NotFound, UserError
from app.i18n import _
from app.storage.tables import CampaignRow, LocalMeta, Synced
from app.storage.uow import UnitOfWork
from ballots.errors import BallotError
from ballots.errors import Cancelled as BallotCancelled

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


# --- the ballots library's errors, for every service that writes its documents -------------


def user_error(exc: BallotError, field: str | None = None) -> NoReturn:
    """Re-raise a library error as ours: cancellation stays silent, the rest keeps its message
    (and its form field, else `field`)."""
    if isinstance(exc, BallotCancelled):
        raise Cancelled() from exc
    raise UserError(exc.message, field=exc.field or field) from exc


@contextmanager
def library_errors(field: str | None = None) -> Iterator[None]:
    """Wrap every typed error of the ballots library raised inside the block (the one
    conversion of the writers: documents, exports, disk full, read-only folders)."""
    try:
        yield
    except BallotError as exc:
        user_error(exc, field)


DEVICE_NUMBER_KEY = "sync_device_number"
"""The `local_meta` key of the number the sync server gave this laptop at enrolment."""


def device_block(session: Session, size: int) -> tuple[int, int]:
    """This laptop's own numbers lie strictly between these two bounds: (n×size, (n+1)×size).

    Numbers printed in a ballot's QR code (print batch, style index) cannot be renumbered at
    sync, so each laptop draws them from its own block. A laptop never enrolled on a sync server
    is number 0: only the laptop that created the campaign holds its ballot key before any
    sync. The server numbers every enrolled laptop from 1 (docs/sync.md)."""
    row = session.get(LocalMeta, DEVICE_NUMBER_KEY)
    number = int(row.value) if row and row.value.isdigit() else 0
    return number * size, (number + 1) * size
