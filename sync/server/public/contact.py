"""The contact form: checks, spam protection without a third-party service, and the message
written as a synced record (`site_message`) that the laptops pull into the consultants' inbox.

- a honeypot field (hidden from people): a bot that fills it is thanked and nothing is kept;
- at most `MESSAGES_PER_HOUR` messages per sender address per hour; the address is kept only as
  a salted hash, and only for an hour;
- size limits on every field and on the whole body (413 beyond `MAX_FORM_BYTES`);
- HTML is never interpreted: the site escapes it, the app shows plain text.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.domain.site import MAX_CONTACT, MAX_MESSAGE, MAX_NAME, MESSAGES_PER_HOUR, REPLY_HOWS
from app.i18n import N_
from app.ids import new_id
from sync.core.protocol import DELETED
from sync.server.store import ServerBase, ServerMeta, SqlStore, transaction

HONEYPOT = "site_web"
TABLE = "site_message"


class SiteRate(ServerBase):
    """One row per message accepted from an address in the last hour (salted hash only)."""

    __tablename__ = "site_rate"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[str] = mapped_column(String(32), index=True)


@dataclass
class Form:
    name: str = ""
    residence: str = ""
    message: str = ""
    reply_how: str = "none"
    contact: str = ""
    honeypot: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, fields: dict[str, list[str]]) -> Form:
        one = field_reader(fields)
        return cls(
            name=one("name"), residence=one("residence"), message=one("message"),
            reply_how=one("reply_how") or "none", contact=one("contact"),
            honeypot=one(HONEYPOT),
        )  # fmt: skip

    def check(self, residences: set[str]) -> bool:
        """Fill `errors` (messages to translate, by field); True when the form can be kept."""
        if not self.message:
            self.errors["message"] = N_("Écrivez votre message.")
        elif len(self.message) > MAX_MESSAGE:
            self.errors["message"] = N_("Votre message est trop long (3 000 caractères au plus).")
        if len(self.name) > MAX_NAME:
            self.errors["name"] = N_("Le nom est trop long (100 caractères au plus).")
        if self.residence and self.residence not in residences:
            self.errors["residence"] = N_("Choisissez une résidence de la liste.")
        if self.reply_how not in REPLY_HOWS:
            self.errors["reply_how"] = N_("Choisissez comment vous répondre.")
        elif self.reply_how != "none" and not self.contact:
            self.errors["contact"] = N_(
                "Indiquez votre adresse e-mail ou votre numéro pour que l'on vous réponde."
            )
        if len(self.contact) > MAX_CONTACT:
            self.errors["contact"] = N_("Ce champ est trop long (120 caractères au plus).")
        return not self.errors


def _salt(session: Session) -> str:
    row = session.get(ServerMeta, "site_salt")
    if row is None:
        row = ServerMeta(key="site_salt", value=secrets.token_hex(16))
        session.add(row)
        session.flush()
    return row.value


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def field_reader(fields: dict[str, list[str]]) -> Callable[[str], str]:
    """A parsed form's fields one by one: the first value, stripped, with Unix line ends."""

    def one(name: str) -> str:
        values = fields.get(name) or [""]
        return values[0].replace("\r\n", "\n").strip()

    return one


def keep_record(
    engine: Engine, table: str, sender: str, values: Callable[[str], dict[str, Any]]
) -> bool:
    """Write what a resident sent on the site as a synced record of `table` (`values` gets the
    moment as ISO text); False (nothing written) when the sender's address already sent
    `MESSAGES_PER_HOUR` forms in the last hour (the contact form and online ideas together)."""
    now = datetime.now(UTC)
    with transaction(engine) as session:
        store = SqlStore(session)
        store.lock()  # the writers' lock before anything is read
        sender_hash = hashlib.sha256(f"{_salt(session)}:{sender}".encode()).hexdigest()
        session.execute(delete(SiteRate).where(SiteRate.at < _iso(now - timedelta(hours=1))))
        sent = session.scalar(
            select(func.count()).select_from(SiteRate).where(SiteRate.sender_hash == sender_hash)
        )
        if int(sent or 0) >= MESSAGES_PER_HOUR:
            return False
        session.add(SiteRate(sender_hash=sender_hash, at=_iso(now)))
        record = {**values(_iso(now)), "created_at": _iso(now), DELETED: False}
        with store.writing() as writer:  # written on leaving the block
            writer.put(table, new_id(), record, {name: 1 for name in record})
    return True


def keep_message(
    engine: Engine, campaign_id: str, residence_id: str, form: Form, sender: str
) -> bool:
    """Write the message as a synced record (see `keep_record`)."""

    def values(now: str) -> dict[str, Any]:
        return {
            "campaign_id": campaign_id, "residence_id": residence_id, "name": form.name,
            "message": form.message, "reply_how": form.reply_how,
            "contact": form.contact if form.reply_how != "none" else "",
            "received_at": now, "handled_at": None,
        }  # fmt: skip

    return keep_record(engine, TABLE, sender, values)
