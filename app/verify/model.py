"""What the verifier finds: a failure that names the file or log entry, and the report.

The verifier stops at the first failure, like the chain check it builds on: one precise
message ("entrée n° 42", "readings.jsonl ligne 3") is more useful to a witness than a list of
consequences of the same tampering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.errors import UserError


class VerifyFailure(UserError):
    """The bundle does not hold: `where` names the file or the entry, `message` is French.

    A `UserError` of the application's error tree: shown as is, never as a traceback."""

    def __init__(self, code: str, where: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.where = where


@dataclass(frozen=True)
class Step:
    """One check that passed, with a short French summary for the person reading the output."""

    name: str
    summary: str


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of `verify_bundle`: `ok` only when every step passed."""

    steps: tuple[Step, ...]
    failure: VerifyFailure | None
    warnings: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None

    def as_dict(self) -> dict[str, Any]:
        failure = None
        if self.failure is not None:
            failure = {
                "code": self.failure.code,
                "where": self.failure.where,
                "message": self.failure.message,
            }
        return {
            "ok": self.ok,
            "steps": [{"name": s.name, "summary": s.summary} for s in self.steps],
            "failure": failure,
            "warnings": list(self.warnings),
            **self.facts,
        }
