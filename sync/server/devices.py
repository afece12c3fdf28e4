"""Enrolment and devices: one-time codes, long random tokens stored only as hashes, revocation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.i18n import _
from sync.core.errors import SyncError, SyncRefused
from sync.core.tables import Role
from sync.server.store import Device, DeviceState, EnrolCode, ServerCounter, transaction

CODE_LIFETIME = timedelta(days=7)
TOKEN_LIFETIME = timedelta(days=90)
"""A token unused this long expires (`bp-terrain serve --token-days`); each use renews it."""
RENEW_AFTER = timedelta(days=1)
"""A token is renewed at most once a day (a pull then writes nothing most of the time)."""


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
    number: int = 0
    token_expires_at: str | None = None


def _info(row: Device, state: DeviceState | None = None) -> DeviceInfo:
    return DeviceInfo(
        row.device_id,
        row.role,
        row.campaign,
        row.label,
        row.enrolled_at,
        row.revoked_at,
        state.number if state else 0,
        state.token_expires_at if state else None,
    )


def _next_number(session: Session) -> int:
    """The next device number, from a counter row locked until commit (no two alike)."""
    value = session.execute(
        update(ServerCounter)
        .where(ServerCounter.name == "device")
        .values(value=ServerCounter.value + 1)
        .returning(ServerCounter.value)
    ).scalar_one()
    return int(value)


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


def enrol(
    engine: Engine,
    code: str,
    device_id: str,
    label: str = "",
    public_key: str = "",
    lifetime: timedelta = TOKEN_LIFETIME,
) -> tuple[str, DeviceInfo]:
    """Spend a code: the device gets a long random token, returned once, stored hashed.

    A device whose token expired, or that was revoked, may enrol again with a new code: it gets
    a new token and keeps its number (its print batches keep their block)."""
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
        device = session.get(Device, device_id)
        state = session.get(DeviceState, device_id)
        if device is not None and device.revoked_at is None and not _expired(state, now):
            raise SyncRefused(
                _(
                    "Ce poste est déjà inscrit sur ce serveur : il garde son jeton. Pour le "
                    "réinscrire, révoquez-le d'abord (bp-terrain server revoke)."
                )
            )
        row.used_at = _iso(now)
        if device is None:
            device = Device(device_id=device_id, enrolled_at=_iso(now))
            session.add(device)
        device.role, device.campaign, device.label = row.role, row.campaign, label
        device.token_hash, device.revoked_at = digest(token), None
        if state is None:
            state = DeviceState(device_id=device_id, number=_next_number(session))
            session.add(state)
        state.public_key = public_key or state.public_key or ""
        state.token_expires_at = _iso(now + lifetime)
        session.flush()
        return token, _info(device, state)


def _expired(state: DeviceState | None, now: datetime) -> bool:
    return bool(state and state.token_expires_at and state.token_expires_at < _iso(now))


def authenticate(
    session: Session, token: str | None, lifetime: timedelta = TOKEN_LIFETIME
) -> Device:
    """The device holding this token; a missing, unknown, revoked or expired token is refused.

    A token in use is renewed (its expiry moved `lifetime` ahead, at most once a day)."""
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
    now = _now()
    state = session.get(DeviceState, row.device_id)
    if _expired(state, now):
        assert state is not None and state.token_expires_at is not None
        raise TokenExpired(
            _(
                "Le jeton de ce poste a expiré le {date} (inutilisé trop longtemps). Ses données "
                "locales restent intactes : demandez un nouveau code d'inscription (bp-terrain "
                "server enrol) et réinscrivez le poste avec ce code."
            ).format(date=state.token_expires_at[:10])
        )
    return row


class TokenExpired(SyncRefused):
    pass


def renewal_due(expires_at: str, lifetime: timedelta = TOKEN_LIFETIME) -> bool:
    return expires_at < _iso(_now() + lifetime - RENEW_AFTER)


def renew(engine: Engine, device_id: str, lifetime: timedelta = TOKEN_LIFETIME) -> None:
    """Move the token's expiry `lifetime` ahead, if it was last moved more than a day ago."""
    now = _now()
    with transaction(engine) as session:
        state = session.get(DeviceState, device_id)
        if state is None or state.token_expires_at is None:
            return
        if renewal_due(state.token_expires_at, lifetime):
            state.token_expires_at = _iso(now + lifetime)


def devices(engine: Engine) -> list[DeviceInfo]:
    with transaction(engine) as session:
        rows = session.scalars(select(Device).order_by(Device.enrolled_at, Device.device_id))
        states = {s.device_id: s for s in session.scalars(select(DeviceState))}
        return [_info(row, states.get(row.device_id)) for row in rows]


def revoke(engine: Engine, device_id: str) -> DeviceInfo:
    with transaction(engine) as session:
        row = session.get(Device, device_id)
        if row is None:
            raise SyncError(
                _("Aucun poste inscrit ne porte l'identifiant {device}.").format(device=device_id)
            )
        row.revoked_at = row.revoked_at or _iso(_now())
        session.flush()
        return _info(row, session.get(DeviceState, device_id))
