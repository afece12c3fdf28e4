"""Ballots and vote materials in the application: styles, print batches, preview, minutes.

`BallotService` (in `service`) is the facade reached from `Services.ballots`, composed of the
classes `Styles` (`styles`: ballot styles per residence), `PrintJobs` (`jobs`: what one print
needs), `Previews` (`preview`: PNG previews) and `Materials` (`materials`: posters, sheets,
sign-in lists). Its other parts: `types` (the plain data objects and choices), `specs` (building
the library's ballot specifications), `minutes` (the commission's minutes), `files` (where
documents are written) and `counters` (the printed ballots in `bp-terrain status`).
The paper itself is drawn by the pure `ballots` library; this package is named `printing` so
that it is not mistaken for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.lazy import lazy_exports

if TYPE_CHECKING:
    from app.services.printing.service import BallotService

# Loaded on first use (ballots.lazy): the parts (`specs`, `counters`...) do not load the facade,
# and through it the PDF writer, unless a command prints.
__getattr__ = lazy_exports(__name__, {"BallotService": "app.services.printing.service"})

__all__ = ["BallotService"]
