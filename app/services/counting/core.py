"""The count's core: the unit of work, the data folder, the audit log and the session plumbing.

Every part of this package that needs the service is a class holding a `CountingCore`, never the
`CountingService` facade, which is built on this class and imports the parts: the arrows point
one way (`service` -> parts -> `core`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain import signing
from app.domain.audit import SessionSealed
from app.domain.counting import models as cm
from app.domain.counting.tally import tally as compute_tally
from app.i18n import _
from app.services.base import Service, get_live
from app.services.counting.context import campaign_templates
from app.services.counting.keys import officer_key
from app.services.counting.lock import take_write_lock
from app.services.counting.log import AuditLog, Writer
from app.services.counting.read import outcomes, session_data
from app.storage.count_tables import CountSessionRow
from app.storage.uow import UnitOfWork


class CountingCore(Service):
    """What the parts of the count share: the store, the data folder and the audit log."""

    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)
        self.log = AuditLog(self.data_dir)

    # --- plumbing --------------------------------------------------------------------------

    def open_row(self, session: Session, session_id: str) -> CountSessionRow:
        """The session's row, refusing a sealed or superseded session."""
        row = get_live(session, CountSessionRow, session_id, _("Session de dépouillement"))
        if row.sealed_at is not None or row.superseded_by:
            raise SessionSealed(
                _(
                    "La session {id} est scellée : plus aucune modification n'est possible. "
                    "Pour corriger, ouvrez une nouvelle session qui reprend celle-ci."
                ).format(id=session_id)
            )
        return row

    @contextmanager
    def writing(self, session_id: str, *, after_seal: bool = False) -> Iterator[Writer]:
        """One transaction on an open session (`after_seal`: or a sealed one, for exports),
        with its verified log head read under the database's write lock. The copy's lock is
        taken before the commit and kept until the entries are in the copy, so another
        writer's entries always land after ours (see `counting_lock`)."""
        with ExitStack() as stack:
            with self.uow() as s:
                take_write_lock(s)
                if after_seal:
                    row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
                else:
                    row = self.open_row(s, session_id)
                writer = Writer(s, session_id, self.log.head(s, session_id), row.officer)
                yield writer
                s.flush()
                stack.enter_context(self.log.locks.hold(session_id))
            if writer.head is not None:
                self.log.committed(session_id, writer.head, writer.entries)

    # --- reading a session ------------------------------------------------------------------

    def get_session(self, session_id: str) -> cm.CountSession:
        with self.uow() as s:
            row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            return session_data(s, row)

    def status(self, session_id: str) -> cm.SessionStatus:
        """Sheets by status, pending reviews and totals; verifies the chain first."""
        with self.uow() as s:
            row = get_live(s, CountSessionRow, session_id, _("Session de dépouillement"))
            head = self.log.head(s, session_id)
            assert head is not None
            sheets, _d, results = outcomes(s, session_id, campaign_templates(s, row.campaign_id))
            by_status: dict[str, int] = {}
            for sheet in sheets:
                key = "hand_keyed" if sheet.hand_keyed else sheet.status
                by_status[key] = by_status.get(key, 0) + 1
            totals = compute_tally(sheets, results)
            return cm.SessionStatus(
                session=session_data(s, row),
                tally=totals,
                by_status=by_status,
                pending_reviews=totals.pending,
                head_seq=head.seq,
                head_hash=head.hash,
                batches=head.batches,
            )

    def signing_key(self, officer: str, passphrase: str | None) -> signing.Ed25519PrivateKey:
        return officer_key(self.data_dir, officer, passphrase)[0]
