"""The sync errors, in the application's error tree (French messages shown as is)."""

from __future__ import annotations

from app.errors import UserError


class SyncError(UserError):
    """A synchronisation could not be done; the message says why and what to do."""


class ProtocolMismatch(SyncError):
    """The two sides do not speak the same version of the sync protocol."""


class SyncRefused(SyncError):
    """The server refused the request (unknown, revoked or forged token, role, bad data)."""


class SyncUnavailable(SyncError):
    """The server could not be reached (no network, server stopped, reply lost)."""


class SyncRejected(SyncError):
    """The server answered that it refuses the request as sent (4xx): nothing was written."""
