"""Typed errors of the ballots library.

The library is pure (it cannot import `app.errors`), so it defines its own small taxonomy. Every
error carries a French message ready to show (`message`) and a stable `code` that callers can map
to their own error types, e.g. the app wraps `BallotError` into its `UserError`.
"""

from __future__ import annotations


class BallotError(Exception):
    """Base class: something about the ballots that a person can understand and fix."""

    code = "ballot_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class LayoutError(BallotError):
    """The ballot cannot be laid out (no project, too many projects, bad rule...)."""

    code = "layout"


class NoProjectError(LayoutError):
    code = "no_project"


class TooManyProjectsError(LayoutError):
    code = "too_many_projects"


class MissingCostError(LayoutError):
    code = "missing_cost"


class RuleError(LayoutError):
    code = "bad_rule"


class LayoutFileError(BallotError):
    """A layout file cannot be read: not JSON, wrong format, or its template hash does not match."""

    code = "bad_layout_file"


class PayloadError(BallotError):
    """A QR payload cannot be trusted: see the subclasses for why."""

    code = "bad_payload"


class BadFormatError(PayloadError):
    code = "bad_format"


class BadVersionError(PayloadError):
    code = "bad_version"


class BadMacError(PayloadError):
    code = "bad_mac"


class SerialError(BallotError):
    """No fresh serial could be drawn: the caller's `serial_ok` refuses nearly every serial."""

    code = "serial_exhausted"


class PictureError(BallotError):
    """A project's picture is not an image, or is too large to print."""

    code = "bad_picture"


class CountError(BallotError):
    """The number of ballots asked for is out of range."""

    code = "bad_count"


class WriteError(BallotError):
    """The PDF could not be written (disk full, read-only folder...)."""

    code = "write_failed"


class DiskFullError(WriteError):
    code = "disk_full"


class Cancelled(BallotError):
    """The person cancelled long work. Callers treat it as silent, never as an error."""

    code = "cancelled"
