"""What the reader says about a page, as frozen data with a deterministic JSON form.

The same image bytes read by the same reader version must give byte-identical JSON, because the
count's verifier re-reads every image and compares: so numbers are rounded to fixed decimals,
keys are sorted, and nothing machine-dependent (timings, which QR decoder answered) is written.
No serial is ever written in clear: only its keyed hash, to find photocopies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

#: 1.1.0: pages with fewer than three markers registered on the QR finders and the box outlines
#: (scanner/landmarks.py); markers searched in the image corners first.
READER_VERSION = "1.1.0"

VALID = "valid"
BLANK = "blank"
NEEDS_REVIEW = "needs_review"
REJECTED = "rejected"

MARKED = "marked"
UNMARKED = "unmarked"
REVIEW = "review"


def _r(value: float, digits: int = 4) -> float:
    v = round(float(value), digits)
    return 0.0 if v == 0 else v


@dataclass(frozen=True, slots=True)
class MarkReading:
    """One box: the decision and the measures behind it (see docs/scanner.md)."""

    project_id: str
    number: int | str
    decision: str
    score: float
    span: float
    intensity: float
    ring: float
    ring_sectors: int
    outline: float
    offset_mm: tuple[float, float]
    reasons: tuple[str, ...] = ()
    scatter: float = 0.0
    blobs: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "number": self.number,
            "decision": self.decision,
            "score": _r(self.score),
            "reasons": list(self.reasons),
            "scores": {
                "fill": _r(self.score),
                "span": _r(self.span),
                "intensity": _r(self.intensity),
                "ring": _r(self.ring),
                "ring_sectors": self.ring_sectors,
                "outline": _r(self.outline),
                "scatter": _r(self.scatter),
                "blobs": self.blobs,
                "offset_mm": [_r(self.offset_mm[0], 2), _r(self.offset_mm[1], 2)],
            },
        }


@dataclass(frozen=True, slots=True)
class RegistrationInfo:
    markers: tuple[int, ...]
    rotation: int
    px_per_mm: float
    reproj_error_mm: float

    def to_json(self) -> dict[str, Any]:
        return {
            "markers": list(self.markers),
            "rotation": self.rotation,
            "px_per_mm": _r(self.px_per_mm, 2),
            "reproj_error_mm": _r(self.reproj_error_mm, 3),
        }


@dataclass(frozen=True, slots=True)
class ZoneCrop:
    """A survey form's free-text zone, upright, as PNG bytes (for a person to read)."""

    id: str
    png: bytes

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "png_sha256": hashlib.sha256(self.png).hexdigest()}


@dataclass(frozen=True, slots=True)
class PageReading:
    """The reading of one page of one file."""

    file: str
    page: int
    status: str
    reasons: tuple[str, ...] = ()
    file_sha256: str = ""
    residence: str | None = None
    style: int | None = None
    template_hash: str | None = None
    mode: str | None = None
    batch: int | None = None
    serial_check: str = "none"
    serial_hash: str | None = None
    registration: RegistrationInfo | None = None
    marks: tuple[MarkReading, ...] = field(default=())
    reader_version: str = READER_VERSION
    zones: tuple[ZoneCrop, ...] = field(default=())

    @property
    def marked(self) -> tuple[str, ...]:
        """Project ids decided marked."""
        return tuple(m.project_id for m in self.marks if m.decision == MARKED)

    @property
    def in_review(self) -> tuple[MarkReading, ...]:
        return tuple(m for m in self.marks if m.decision == REVIEW)

    def to_json(self) -> dict[str, Any]:
        data = self._core_json()
        if self.zones:  # survey forms only: a ballot's reading is unchanged
            data["zones"] = [z.to_json() for z in self.zones]
        return data

    def _core_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "page": self.page,
            "status": self.status,
            "reasons": list(self.reasons),
            "file_sha256": self.file_sha256,
            "residence": self.residence,
            "style": self.style,
            "template_hash": self.template_hash,
            "mode": self.mode,
            "batch": self.batch,
            "serial_check": self.serial_check,
            "serial_hash": self.serial_hash,
            "registration": None if self.registration is None else self.registration.to_json(),
            "marks": [m.to_json() for m in self.marks],
            "reader_version": self.reader_version,
        }

    def to_json_text(self) -> str:
        """One line of canonical JSON (sorted keys, no spaces, UTF-8 safe)."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
