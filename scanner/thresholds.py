"""The mark decision thresholds (pure Python: the count reads them without loading OpenCV)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds, calibrated on the evaluation corpus (docs/scanner.md)."""

    fill_marked: float = 0.30
    fill_unmarked: float = 0.25
    span_marked: float = 4.0
    span_unmarked: float = 3.0
    fill_stroke_min: float = 0.03
    ring_circle_sectors: int = 10
    faint: float = 0.36
    scatter: float = 0.006
    scatter_blobs: int = 3


DEFAULT_THRESHOLDS = Thresholds()
