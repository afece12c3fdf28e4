"""Enrolment and devices: one-time codes, long random tokens stored only as hashes, revocation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.i18n import _
from sync.core.errors import SyncError, SyncRefused
from sync.core.tables import Role
from sync.server.store import Device, EnrolCode, transaction

CODE_LIFETIME = timedelta(days=7)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    role: str
    campaign: str | None
    label: str
    enrolled_at: str
    revoked_at: str | None


def _info(row: Device) -> DeviceInfo:
    return DeviceInfo(
        row.device_id, row.role, row.campaign, row.label, row.enrolled_at, row.revoked_at
    )


def new_code(engine: Engine, role: Role, campaign: str | None = None) -> str:
    """A one-time enrolment code (the server keeps only its hash)."""
    code = "-".join(secrets.token_hex(3).upper() for _ in range(4))
    now = _now()
    with transaction(engine) as session:
        session.add(
            EnrolCode(
                code_hash=digest(code),
                role=role.value,
                campaign=campaign,
                created_at=_iso(now),
                expires_at=_iso(now + CODE_LIFETIME),
            )
        )
    return code


def enrol(engine: Engine, code: str, device_id: str, label: str = "") -> tuple[str, DeviceInfo]:
    """Spend a code: the device gets a long random token, returned once, stored hashed."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with transaction(engine) as session:
        row = session.get(EnrolCode, digest(code.strip().upper()))
        if row is None or row.used_at is not None or row.expires_at < _iso(now):
            raise SyncRefused(
                _(
                    "Ce code d'inscription est inconnu, déjà utilisé ou expiré. Demandez un "
                    "nouveau code au responsable du serveur (bp-terrain server enrol)."
                )
            )
        if session.get(Device, device_id) is not None:
            raise SyncRefused(
                _(
                    "Ce poste est déjà inscrit sur ce serveur : il garde son jeton. Pour le "
                    "réinscrire, révoquez-le d'abord (bp-terrain server revoke)."
                )
            )
        row.used_at = _iso(now)
        device = Device(
            device_id=device_id,
            role=row.role,
            campaign=row.campaign,
            label=label,
            token_hash=digest(token),
            enrolled_at=_iso(now),
        )
        session.add(device)
        session.flush()
        return token, _info(device)


def authenticate(session: Session, token: str | None) -> Device:
    """The device holding this token; a missing, unknown or revoked token is refused."""
    if not token:
        raise SyncRefused(_("Ce poste n'est pas inscrit sur le serveur : inscrivez-le d'abord."))
    row = session.scalars(select(Device).where(Device.token_hash == digest(token))).first()
    if row is None:
        raise SyncRefused(
            _("Le serveur ne reconnaît pas ce poste (jeton inconnu) : inscrivez-le à nouveau.")
        )
    if row.revoked_at is not None:
        raise SyncRefused(
            _(
                "Ce poste a été révoqué sur le serveur le {date} : il ne peut plus synchroniser. "
                "Ses données locales restent intactes."
            ).format(date=row.revoked_at)
        )
    return row


def devices(engine: Engine) -> list[DeviceInfo]:
    with transaction(engine) as session:
        rows = session.scalars(select(Device).order_by(Device.enrolled_at, Device.device_id))
        return [_info(row) for row in rows]


def revoke(engine: Engine, device_id: str) -> DeviceInfo:
    with transaction(engine) as session:
        row = session.get(Device, device_id)
        if row is None:
            raise SyncError(
                _("Aucun poste inscrit ne porte l'identifiant {device}.").format(device=device_id)
            )
        row.revoked_at = row.revoked_at or _iso(_now())
        session.flush()
        return _info(row)
