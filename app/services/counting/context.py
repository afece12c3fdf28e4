"""What the reader must know, built from the database: layouts, campaign key, serials, mode.

Layouts come from the recorded print batches (their exact `layout_json`, whose template hash
the reader recomputes), serials only as the keyed hashes of `issued_serial`. The result is a
picklable `ReadContext`, so worker processes can read pages side by side.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.storage.tables import CampaignRow, IssuedSerialRow, PrintBatchRow
from app.storage.uow import UnitOfWork
from scanner.context import KnownSerials, ReadContext
from scanner.template import Template, template_from_json

log = logging.getLogger(__name__)


def campaign_layouts(session: Session, campaign_id: str) -> dict[str, dict[str, Any]]:
    """Template hash -> layout dict, for every print batch of the campaign."""
    rows = session.scalars(
        select(PrintBatchRow)
        .where(PrintBatchRow.campaign_id == campaign_id, PrintBatchRow.deleted_at.is_(None))
        .order_by(PrintBatchRow.batch_number)
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.template_hash in out:
            continue
        try:
            out[row.template_hash] = json.loads(row.layout_json)
        except ValueError:
            log.error("print batch %s has an unreadable layout", row.id)
    return out


def campaign_templates(session: Session, campaign_id: str) -> dict[str, Template]:
    """Template hash -> the reader's template (layouts whose hash does not match are left out)."""
    out: dict[str, Template] = {}
    for th, layout in campaign_layouts(session, campaign_id).items():
        try:
            out[th] = template_from_json(layout)
        except (ValueError, KeyError, TypeError):
            log.error("layout %s refused: its template hash does not match", th)
    return out


def known_serials(session: Session, campaign_id: str, key: bytes) -> KnownSerials:
    """The keyed hashes of every recorded serial, by batch number."""
    rows = session.execute(
        select(PrintBatchRow.batch_number, IssuedSerialRow.serial_hash)
        .join(IssuedSerialRow, IssuedSerialRow.batch_id == PrintBatchRow.id)
        .where(PrintBatchRow.campaign_id == campaign_id, PrintBatchRow.deleted_at.is_(None))
    ).all()
    batches: dict[int, set[str]] = defaultdict(set)
    for number in session.scalars(
        select(PrintBatchRow.batch_number).where(
            PrintBatchRow.campaign_id == campaign_id,
            PrintBatchRow.deleted_at.is_(None),
            PrintBatchRow.with_serials.is_(True),
        )
    ):
        batches[number]  # a batch with serials but no hash recorded knows none
    for number, digest in rows:
        batches[number].add(digest)
    return KnownSerials(key, {n: frozenset(h) for n, h in batches.items()})


def read_context(session: Session, campaign_id: str, mode: str | None) -> ReadContext:
    """The reader's context for a count of `campaign_id` in `mode` (live, test or None)."""
    campaign = session.get(CampaignRow, campaign_id)
    key = bytes(campaign.secret_key) if campaign is not None else None
    templates = list(campaign_templates(session, campaign_id).values())
    serials = known_serials(session, campaign_id, key) if key else None
    return ReadContext.create(templates, key, mode=mode, serial_lookup=serials, serial_key=key)


def scan_context(uow: UnitOfWork, mode: str | None) -> ReadContext:
    """What the reader must know to read pages of the active campaign (an empty context, which
    rejects every page as of an unknown layout, when there is no campaign yet)."""
    from app.errors import UserError
    from app.services.base import Service

    try:
        campaign_id: str | None = Service(uow).active_campaign_id()
    except UserError:
        campaign_id = None
    with uow() as s:
        if campaign_id is None:
            return ReadContext.create([], None, mode=mode)
        return read_context(s, campaign_id, mode)
