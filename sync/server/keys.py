"""The campaign's ballot key, sealed for each enrolled device of a key role (docs/sync.md).

The server only stores and hands out what laptops sealed: it never holds a device's private key,
so it cannot read the ballot key. A laptop that holds the key seals it for every device that
should have it and does not yet (`recipients`); each device receives what was sealed for it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.i18n import _
from sync.core.errors import SyncRefused
from sync.core.protocol import KeysReply, KeysRequest, Recipient, SealedKey
from sync.core.tables import KEY_ROLES
from sync.server.store import Device, DeviceState, ServerRecord, WrappedKey

log = logging.getLogger(__name__)


def _eligible(session: Session) -> dict[str, tuple[Device, DeviceState]]:
    rows = session.execute(
        select(Device, DeviceState)
        .join(DeviceState, DeviceState.device_id == Device.device_id)
        .where(Device.revoked_at.is_(None), DeviceState.public_key != "")
    ).all()
    keyed = {role.value for role in KEY_ROLES}
    return {d.device_id: (d, s) for d, s in rows if d.role in keyed}


def _sealed(row: WrappedKey) -> SealedKey:
    return SealedKey(
        campaign_id=row.campaign_id,
        device_id=row.device_id,
        sender=row.sender,
        ephemeral=row.ephemeral,
        nonce=row.nonce,
        ciphertext=row.ciphertext,
    )


def _store_first_copy(session: Session, device: Device, sealed: SealedKey) -> int:
    """Store a sealed copy unless one is already there for that campaign and device: the first
    stays (sent twice: nothing changes). One INSERT … ON CONFLICT DO NOTHING, so that two
    laptops sealing the key for the same newcomer at the same moment both succeed (on
    PostgreSQL, a read-then-insert let the second one fail on the primary key)."""
    values = {
        "campaign_id": sealed.campaign_id,
        "device_id": sealed.device_id,
        "sender": device.device_id,
        "ephemeral": sealed.ephemeral,
        "nonce": sealed.nonce,
        "ciphertext": sealed.ciphertext,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table: Table = WrappedKey.__table__  # type: ignore[assignment]
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["campaign_id", "device_id"])
        .returning(table.c.device_id)  # a row if stored, none if a copy was there
    )
    return len(session.execute(statement).all())


def exchange(session: Session, device: Device, request: KeysRequest) -> KeysReply:
    """Store what the device sealed for others, give it what was sealed for it. A copy the
    device rejected (its key does not match the campaign) is forgotten: a holder of the right
    key seals it again at its next exchange."""
    for campaign_id in request.rejected:
        wrong = session.get(WrappedKey, (campaign_id, device.device_id))
        if wrong is not None:
            log.warning(
                "device %s rejected the ballot key of campaign %s sealed by device %s: forgotten",
                device.device_id,
                campaign_id,
                wrong.sender,
            )
            session.delete(wrong)
    session.flush()  # a forgotten copy is gone before a new one is inserted
    eligible = _eligible(session)
    stored = 0
    for sealed in request.sealed:
        target = eligible.get(sealed.device_id)
        if target is None or target[0].campaign not in (None, sealed.campaign_id):
            raise SyncRefused(
                _(
                    "Le poste {device} ne doit pas recevoir la clé des bulletins de cette "
                    "campagne (rôle, campagne ou poste révoqué) : rien n'a été enregistré."
                ).format(device=sealed.device_id)
            )
        if session.get(ServerRecord, ("campaign", sealed.campaign_id)) is None:
            raise SyncRefused(_("Campagne inconnue du serveur : rien n'a été enregistré."))
        stored += _store_first_copy(session, device, sealed)
    session.flush()
    mine = [
        _sealed(row)
        for row in session.scalars(
            select(WrappedKey)
            .where(WrappedKey.device_id == device.device_id)
            .order_by(WrappedKey.campaign_id)
        )
    ]
    if device.revoked_at is not None or device.role not in {r.value for r in KEY_ROLES}:
        mine = []  # a device of another role never receives a key, even one sealed for it
    holds: dict[str, list[str]] = {}
    for row in session.scalars(select(WrappedKey)):
        holds.setdefault(row.device_id, []).append(row.campaign_id)
    recipients = [
        Recipient(
            device_id=d.device_id,
            role=d.role,
            campaign=d.campaign,
            public_key=s.public_key,
            holds=sorted(holds.get(d.device_id, [])),
        )
        for d, s in sorted(eligible.values(), key=lambda pair: pair[1].number)
    ]
    return KeysReply(mine=mine, recipients=recipients, stored=stored)
