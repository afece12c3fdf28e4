"""Reconciliation, batch close and seal: the moments the officer signs.

A batch close and the seal are signed checkpoints of the log (Ed25519, the officer's key);
their slip text is printed for the witnesses to sign. Sealing computes the session's tally
first (a `tally_computed` entry whose canonical JSON hash the seal repeats), and is refused
while sheets wait for a person: a sealed count is final.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.audit import EventType, canonical_hash
from app.domain.audit.slip import slip_code, slip_text
from app.domain.counting import models as cm
from app.domain.counting.tally import tally as compute_tally
from app.domain.dates import DEFAULT_TZ, utc_now
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.counting.bundle import sealed_files
from app.services.counting.context import campaign_templates
from app.services.counting.core import CountingCore
from app.services.counting.description import sync_election
from app.services.counting.read import outcomes
from app.storage.count_tables import CountSessionRow, ResultsRuleRow
from app.storage.tables import CampaignRow
from app.verify.sealed import sealed_manifest_hash

log = logging.getLogger(__name__)


def campaign_rule(s: Session, campaign_id: str) -> ResultsRuleRow | None:
    return s.scalars(
        select(ResultsRuleRow).where(
            ResultsRuleRow.campaign_id == campaign_id, ResultsRuleRow.deleted_at.is_(None)
        )
    ).first()


def rule_code(s: Session, campaign_id: str) -> str:
    row = campaign_rule(s, campaign_id)
    return (row.rule if row else "greedy").replace("-", "_")


def session_tally(s: Session, row: CountSessionRow) -> cm.Tally:
    sheets, _d, results = outcomes(s, row.id, campaign_templates(s, row.campaign_id))
    return compute_tally(sheets, results)


def session_results(s: Session, row: CountSessionRow, totals: cm.Tally) -> dict[str, Any]:
    """The canonical results object of a session, whose hash the seal repeats."""
    return {
        "session_id": row.id,
        "residence_id": row.residence_id,
        "rule": rule_code(s, row.campaign_id),
        "tally": totals.counts(),
        "votes": dict(sorted(totals.votes.items())),
    }


def _supersede_parent(s: Session, row: CountSessionRow) -> None:
    """A sealed reopening replaces the sealed session it took over (in the same transaction)."""
    if row.parent_session_id is None:
        return
    parent = s.get(CountSessionRow, row.parent_session_id)
    if parent is not None:
        parent.superseded_by = row.id
        log.info("session %s superseded by %s", parent.id, row.id)


def checkpoint_data(entry: Any, session_id: str, zone: ZoneInfo | None = None) -> cm.Checkpoint:
    return cm.Checkpoint(
        seq=entry.seq,
        hash=entry.hash,
        code=slip_code(entry, session_id),
        slip=slip_text(entry, session_id=session_id, zone=zone),
    )


class Sealing:
    """Reconciliation, checkpoints (batch close) and the seal (a part of `CountingService`)."""

    def __init__(self, core: CountingCore) -> None:
        self.core = core

    def record_reconciliation(
        self,
        session_id: str,
        *,
        handed_out: int,
        printed: int | None = None,
        returned: int | None = None,
        spoiled: int = 0,
        note: str = "",
    ) -> cm.Reconciliation:
        """Record the figures; `printed` defaults to the print batches, `returned` to the sheets
        counted as ballots (valid, blank, invalid, set aside or waiting)."""
        with self.core.writing(session_id) as w:
            row = self.core.open_row(w.session, session_id)
            totals = session_tally(w.session, row)
            counted = (
                totals.valid + totals.blank + totals.invalid + totals.set_aside + totals.pending
            )
            figures = {
                "printed": printed if printed is not None else (row.printed or 0),
                "handed_out": handed_out,
                "returned": returned if returned is not None else counted,
                "spoiled": spoiled,
            }
            for name, value in figures.items():
                if not isinstance(value, int) or value < 0:
                    raise UserError(
                        _("Le nombre « {name} » doit être un entier positif ou nul.").format(
                            name=name
                        ),
                        field=name,
                    )
            payload: dict[str, Any] = dict(figures)
            if note.strip():
                payload["note"] = note.strip()
            w.append(EventType.RECONCILIATION_RECORDED, payload)
            row.printed = figures["printed"]
            row.handed_out = handed_out
            row.returned = figures["returned"]
            row.spoiled = spoiled
            row.reconciliation_note = note.strip()
        return cm.Reconciliation(
            figures["printed"], handed_out, figures["returned"], spoiled, note.strip()
        )

    def close_batch(self, session_id: str, passphrase: str | None) -> cm.Checkpoint:
        """Sign a checkpoint after the sheets read so far; returns the slip to print."""
        officer = self.core.get_session(session_id).officer
        key = self.core.signing_key(officer, passphrase)
        with self.core.writing(session_id) as w:
            row = self.core.open_row(w.session, session_id)
            sync_election(w, row.residence_id)
            counts = session_tally(w.session, row).slip_counts()
            entry = w.checkpoint(EventType.BATCH_CLOSED, key, tally=counts)
        return checkpoint_data(entry, session_id, self.campaign_zone(session_id))

    def seal(self, session_id: str, passphrase: str | None) -> cm.Checkpoint:
        """Compute the tally and seal the session; refused while reviews are pending."""
        officer = self.core.get_session(session_id).officer
        key = self.core.signing_key(officer, passphrase)
        with self.core.writing(session_id) as w:
            row = self.core.open_row(w.session, session_id)
            totals = session_tally(w.session, row)
            if totals.pending:
                raise UserError(
                    ngettext(
                        "Impossible de sceller : {n} bulletin attend encore une décision. "
                        "Traitez d'abord les bulletins à revoir.",
                        "Impossible de sceller : {n} bulletins attendent encore une décision. "
                        "Traitez d'abord les bulletins à revoir.",
                        totals.pending,
                    ).format(n=totals.pending)
                )
            sync_election(w, row.residence_id)
            results = session_results(w.session, row, totals)
            w.append(
                EventType.TALLY_COMPUTED,
                {
                    "results_sha256": canonical_hash(results),
                    "rule": results["rule"],
                    "tally": results["tally"],
                    "votes": results["votes"],
                },
            )
            # the seal signs the hash of the bundle's files that can no longer change
            files = sealed_files(w.session, row, results)
            entry = w.checkpoint(
                EventType.SESSION_SEALED,
                key,
                tally=totals.slip_counts(),
                manifest_sha256=sealed_manifest_hash(files),
            )
            row.sealed_at = utc_now()
            row.sealed_hash = entry.hash
            _supersede_parent(w.session, row)
        log.info("session %s sealed at entry %d", session_id, entry.seq)
        return checkpoint_data(entry, session_id, self.campaign_zone(session_id))

    def campaign_zone(self, session_id: str) -> ZoneInfo:
        """The campaign's time zone: every time shown or printed is local (the log stays UTC)."""
        with self.core.uow() as s:
            row = s.get(CountSessionRow, session_id)
            campaign = s.get(CampaignRow, row.campaign_id) if row is not None else None
            return ZoneInfo((campaign.timezone if campaign else "") or DEFAULT_TZ)
