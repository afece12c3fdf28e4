"""Ballots and vote materials in the application: styles, print batches, preview, minutes.

`BallotService` (in `service`) is the facade reached from `Services.ballots`. Its parts: `types`
(the plain data objects and choices), `specs` (building the library's ballot specifications),
`styles` (ballot styles per residence), `preview` (PNG previews), `materials` (posters, sheets,
sign-in lists), `minutes` (the commission's minutes) and `files` (where documents are written).
The paper itself is drawn by the pure `ballots` library; this package is named `printing` so
that it is not mistaken for it.
"""

from __future__ import annotations

from app.services.printing.service import BallotService

__all__ = ["BallotService"]
