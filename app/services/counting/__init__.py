"""The count (dépouillement): sessions, sheets, review decisions, reconciliation, seal, results.

`CountingService` (in `service`) is the facade reached from `Services.counting`; it is built on
`core.CountingCore` and composed of the parts' classes (`Decisions`, `Sealing`, `Reopening`,
`Results`, `Election`, `Exports`, `Ingest`, `Watcher`), each holding the core. The parts never
import the facade or this package:
`context` (templates and read context of a campaign), `keys` (officers' signing keys), `lock`
(write lock and log copy locks), `log` (the audit log in the database and its copy), `read`
(queries), `store` (scanned images), `ingest` and `watch` (recording scans), `decide` (review
decisions, hand keying), `seal` (reconciliation, checkpoints, seal), `reopen` (corrections after
a seal), `results` (a residence's results), `election` and `export` (the verification bundle).
Above the facade, use cases reached from `Services` and built on it: `report` and `slip` (the
printed documents), `view` (what the count screens show), `deck_check` (a counted test deck).
The pure rules of the count (models, tally) live in `app.domain.counting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.lazy import lazy_exports

if TYPE_CHECKING:
    from app.services.counting.badges import sheets_counted, sheets_to_review
    from app.services.counting.service import CountingService

# Loaded on first use (ballots.lazy), so that the status figures (`badges`) do not load the
# whole count (the scanner, OpenCV) for a command that only reads the store.
_WHERE = {
    "CountingService": "app.services.counting.service",
    "sheets_counted": "app.services.counting.badges",
    "sheets_to_review": "app.services.counting.badges",
}
__getattr__ = lazy_exports(__name__, _WHERE)

__all__ = ["CountingService", "sheets_counted", "sheets_to_review"]
