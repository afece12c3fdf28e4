"""The error taxonomy shared by every layer.

`UserError` carries a message already translated for the person in front of the screen; the user
interfaces show it as is. `Cancelled` is raised when a person cancels long work and is never shown
as an error. Anything else that escapes is a bug: it is logged with its traceback and the user sees
a short apology.
"""

from __future__ import annotations

from typing import Protocol


class AppError(Exception):
    """Base class of the errors that BP Terrain raises on purpose."""


class UserError(AppError):
    """Something the user can fix; `message` is translated and shown as is.

    `field` names the form field concerned (for an inline red line), when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    """A record named by the user does not exist."""


class StorageError(UserError):
    """The database file cannot be used (corrupt, read-only, newer version, disk full)."""


class Cancelled(AppError):
    """The user cancelled long work. Never shown as an error."""


class CancelFlag(Protocol):
    """What long work reads between units of work: a `CancelToken`, or any object with a
    `cancelled` property (the one type every long function takes as `cancel`)."""

    @property
    def cancelled(self) -> bool: ...


class CancelToken:
    """A flag that long work checks between units of work (see `check`)."""

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def check(self) -> None:
        """Raise `Cancelled` when cancellation was asked for."""
        if self._cancelled:
            raise Cancelled()
