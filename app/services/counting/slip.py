"""The printed batch slip of a checkpoint (batch close, checkpoint or seal), as a PDF.

Everything printed comes from the signed checkpoint entry itself (its counts, tally, time,
hash and the officer's key fingerprint), not from the live tables: a slip reprinted later says
exactly what the log said at that moment. Printing a slip adds nothing to the log: it is a copy
of a signed entry, and a later slip for the same entry is byte-identical.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.domain.audit import AuditEntry, EventType
from app.domain.audit.entry import parse_time
from app.domain.audit.slip import _COUNT_LABELS, _TALLY_LABELS, french_datetime, slip_code
from app.errors import UserError
from app.i18n import _
from app.services.base import library_errors
from app.services.counting.log import load_entries
from ballots.slip import BATCH, CHECKPOINT, SEAL, BatchSlip, render_slip

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.storage.uow import UnitOfWork

log = logging.getLogger(__name__)

_KINDS = {
    EventType.BATCH_CLOSED: BATCH,
    EventType.CHECKPOINT: CHECKPOINT,
    EventType.SESSION_SEALED: SEAL,
}


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


class BatchSlips:
    """The printed slip of a signed checkpoint (`Services.count_slips`)."""

    def __init__(
        self, *, campaigns: CampaignService, counting: CountingService, uow: UnitOfWork
    ) -> None:
        self.campaigns = campaigns
        self.counting = counting
        self.uow = uow

    def checkpoint_entry(self, session_id: str, seq: int | None = None) -> AuditEntry:
        """The latest checkpoint of the session's verified log, or the checkpoint entry at `seq`."""
        with self.uow() as s:
            entries = load_entries(s, session_id)
        if seq is None:
            for entry in reversed(entries):
                if entry.event in _KINDS:
                    return entry
            raise UserError(
                _(
                    "Cette session n'a encore aucun point signé : closez d'abord un lot ou scellez-la."
                )
            )
        found = next((e for e in entries if e.seq == seq), None)
        if found is None or found.event not in _KINDS:
            raise UserError(
                _(
                    "L'entrée n° {seq} du journal n'est pas un point signé (clôture de lot, point de "
                    "contrôle ou scellement) : elle n'a pas de bordereau."
                ).format(seq=seq),
                field="seq",
            )
        return found

    def build_slip(self, session_id: str, *, seq: int | None = None) -> BatchSlip:
        """The slip's data, from the checkpoint entry and the session's names."""
        entry = self.checkpoint_entry(session_id, seq)
        session = self.counting.get_session(session_id)
        campaign = self.campaigns.get_campaign(session.campaign_id)
        zone = ZoneInfo(campaign.timezone or "Europe/Paris")
        payload = entry.payload
        code = slip_code(entry, session_id)
        tally, counts = payload.get("tally", {}), payload.get("counts", {})
        return BatchSlip(  # the tally is stored with sorted keys: print it in the labels' order
            campaign=campaign.name,
            residence=session.residence_name,
            session_id=session_id,
            officer=session.officer,
            witnesses=session.witnesses,
            kind=_KINDS[entry.event],
            batch=int(payload.get("batch", 0)),
            seq=entry.seq,
            moment=_local(parse_time(entry.time), zone),
            counts=tuple((_(label), int(tally[key])) for key, label in _TALLY_LABELS.items()
                         if key in tally),
            sheets=tuple((_(label), int(counts.get(key, 0))) for key, label in _COUNT_LABELS
                         if not (key == "sheet_rejected" and "rejected" in tally))
            # the log's length, signed: a log cut after this slip no longer reaches it
            + (((_("Entrées du journal"), int(payload["entries"])),) if "entries" in payload
               else ()),
            entry_hash=entry.hash,
            key_fingerprint=str(payload.get("key_fingerprint", session.key_fingerprint)),
            code=code,
            verify_command=_("bp-terrain verify PAQUET.zip --slip <code du bordereau>"),
            test_mode=session.mode == "test",
            when=french_datetime(entry.time, zone),  # the same words as the slip on screen
        )  # fmt: skip

    def write_slip(self, session_id: str, out: Path, *, seq: int | None = None) -> Path:
        """Write the slip PDF of the latest checkpoint (or of the entry `seq`) atomically."""
        slip = self.build_slip(session_id, seq=seq)
        out = Path(out)
        try:
            with library_errors():  # disk full, read-only folder: already said in French
                render_slip(slip, out)
        except OSError as error:
            raise UserError(
                _("Impossible d'écrire le bordereau {path} : {error}").format(
                    path=out, error=error.strerror or error
                )
            ) from error
        log.info("slip of session %s, entry %d, written to %s", session_id, slip.seq, out)
        return out
