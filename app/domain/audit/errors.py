"""Errors raised by the audit log core.

They are `UserError`s: their French message is shown as is, because a refused entry or a broken
chain is something the tally officer must see and act on (and never a silent failure).
"""

from __future__ import annotations

from app.errors import UserError


class AuditError(UserError):
    """Base class of the audit log's errors."""


class InvalidPayload(AuditError):
    """An entry's content is refused: bad schema, float, serial in clear or voter data."""


class SessionSealed(AuditError):
    """The session is sealed: nothing may be added except an export record."""


class ChainBroken(AuditError):
    """The chain does not verify; counting must stop until the cause is understood.

    `seq` is the first failing sequence number and `code` a stable reason code.
    """

    def __init__(self, message: str, *, seq: int, code: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.code = code
