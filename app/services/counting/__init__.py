"""The count (dépouillement): sessions, sheets, review decisions, reconciliation, seal, results.

`CountingService` (in `service`) is the facade reached from `Services.counting`; it is built on
`core.CountingCore`, which every part takes. The parts never import the facade or this package:
`context` (templates and read context of a campaign), `keys` (officers' signing keys), `lock`
(write lock and log copy locks), `log` (the audit log in the database and its copy), `read`
(queries), `store` (scanned images), `ingest` and `watch` (recording scans), `decide` (review
decisions, hand keying), `seal` (reconciliation, checkpoints, seal), `reopen` (corrections after
a seal), `results` (a residence's results), `election` and `export` (the verification bundle),
`report` and `slip` (the printed documents), `view` (what the count screens show).
The pure rules of the count (models, tally) live in `app.domain.counting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.counting.badges import sheets_to_review
    from app.services.counting.service import CountingService, sheets_counted

__all__ = ["CountingService", "sheets_counted", "sheets_to_review"]


def __getattr__(name: str) -> Any:
    """The facade on first use (PEP 562): importing one part of the count (`context` for the
    `scan` command) does not import every part."""
    if name == "sheets_to_review":
        from app.services.counting.badges import sheets_to_review

        return sheets_to_review
    if name in ("CountingService", "sheets_counted"):
        from app.services.counting import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
