"""Reading returned ballots: registration, QR, mark recognition (pure library: no DB, no Qt).

Public API::

    ctx = ReadContext.create(layouts, campaign_key, mode="live",
                             serial_lookup=KnownSerials(key, {batch: hashes}), serial_key=key)
    readings = interpret_file("scan.pdf", ctx)          # list[PageReading], one per page
    readings = interpret_files(paths, ctx, progress=..., cancel=...)  # process pool
    reading.to_json_text()                              # deterministic JSON line
    watcher = StillBallotWatcher(ctx); watcher.feed(frame).reading

See docs/scanner.md and the "Reading results" section of docs/ballot-format.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.lazy import lazy_exports

if TYPE_CHECKING:
    from scanner.batch import BatchCancelled, interpret_file, interpret_files
    from scanner.camera import CameraState, StillBallotWatcher
    from scanner.context import KnownSerials, ReadContext, keyed_serial_hash
    from scanner.interpret import interpret_image
    from scanner.reasons import MESSAGES, Reason, message
    from scanner.result import READER_VERSION, MarkReading, PageReading, RegistrationInfo
    from scanner.template import Template, as_template, template_from_json
    from scanner.thresholds import DEFAULT_THRESHOLDS, Thresholds

# The names are loaded on first use (PEP 562), so that `import scanner.template` (pure Python,
# used by the standalone verifier) does not pull OpenCV and numpy in through this package.
_WHERE = {
    "BatchCancelled": "scanner.batch",
    "interpret_file": "scanner.batch",
    "interpret_files": "scanner.batch",
    "CameraState": "scanner.camera",
    "StillBallotWatcher": "scanner.camera",
    "KnownSerials": "scanner.context",
    "ReadContext": "scanner.context",
    "keyed_serial_hash": "scanner.context",
    "interpret_image": "scanner.interpret",
    "DEFAULT_THRESHOLDS": "scanner.thresholds",
    "Thresholds": "scanner.thresholds",
    "MESSAGES": "scanner.reasons",
    "Reason": "scanner.reasons",
    "message": "scanner.reasons",
    "READER_VERSION": "scanner.result",
    "MarkReading": "scanner.result",
    "PageReading": "scanner.result",
    "RegistrationInfo": "scanner.result",
    "Template": "scanner.template",
    "as_template": "scanner.template",
    "template_from_json": "scanner.template",
}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "BatchCancelled",
    "CameraState",
    "DEFAULT_THRESHOLDS",
    "KnownSerials",
    "MESSAGES",
    "MarkReading",
    "PageReading",
    "READER_VERSION",
    "ReadContext",
    "Reason",
    "RegistrationInfo",
    "StillBallotWatcher",
    "Template",
    "Thresholds",
    "as_template",
    "interpret_file",
    "interpret_files",
    "interpret_image",
    "keyed_serial_hash",
    "message",
    "template_from_json",
]
