"""What the reader must know about the count in progress: layouts, campaign key, mode, serials.

The context is plain frozen data (plus an optional serial lookup), so it can be sent to worker
processes. The serial lookup answers "does this serial belong to this recorded print batch?"
with True, False, or None when the batch is not recorded here; `KnownSerials` is a picklable
implementation over keyed serial hashes, so the count never needs the serials in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from scanner.template import MarkerSpec, Template, as_template
from scanner.thresholds import DEFAULT_THRESHOLDS, Thresholds

SerialLookup = Callable[[int, int], bool | None]

SERIAL_HASH_DOMAIN = b"bp-terrain/serial/v1"


def keyed_serial_hash(key: bytes, serial: int) -> str:
    """HMAC-SHA256(key, domain || serial), hex; the same as `ballots.serials.keyed_serial_hash`."""
    msg = SERIAL_HASH_DOMAIN + serial.to_bytes(8, "big")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class KnownSerials:
    """Keyed hashes of the serials of each recorded print batch (batch number -> hashes)."""

    key: bytes
    batches: Mapping[int, frozenset[str]]

    def __call__(self, batch: int, serial: int) -> bool | None:
        hashes = self.batches.get(batch)
        if hashes is None:
            return None
        return keyed_serial_hash(self.key, serial) in hashes


@dataclass(frozen=True, slots=True)
class ReadContext:
    """Layouts known to the count, the campaign's MAC key, the count's mode and serial check.

    `mode` is "live" (test ballots are rejected), "test" (live ballots are rejected) or None
    (interpretation only: both are read). `serial_key` keys the serial hash written in the
    reading; without it no hash is written.
    """

    templates: tuple[Template, ...]
    campaign_key: bytes | None = None
    mode: str | None = "live"
    serial_lookup: SerialLookup | None = None
    serial_key: bytes | None = None
    thresholds: Thresholds = field(default=DEFAULT_THRESHOLDS)

    @staticmethod
    def create(
        layouts: Iterable[object],
        campaign_key: bytes | None = None,
        *,
        mode: str | None = "live",
        serial_lookup: SerialLookup | None = None,
        serial_key: bytes | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
    ) -> ReadContext:
        """Build a context from layout dicts, ballots `BallotLayout`s or `Template`s."""
        if mode not in ("live", "test", None):
            raise ValueError(f"unknown count mode {mode!r}")
        return ReadContext(
            templates=tuple(as_template(x) for x in layouts),
            campaign_key=campaign_key,
            mode=mode,
            serial_lookup=serial_lookup,
            serial_key=serial_key,
            thresholds=thresholds,
        )

    def by_prefix(self, prefix: bytes) -> Template | None:
        for t in self.templates:
            if t.hash_prefix == prefix:
                return t
        return None

    def campaign_tags(self) -> frozenset[bytes]:
        return frozenset(t.campaign_tag for t in self.templates)

    def markers_by_page(self) -> dict[int, tuple[MarkerSpec, ...]]:
        """The markers of each page number, from the first layout that has that page."""
        out: dict[int, tuple[MarkerSpec, ...]] = {}
        for t in self.templates:
            out.setdefault(t.page_number, t.markers)
        return out

    def first_for_page(self, page: int) -> Template | None:
        for t in self.templates:
            if t.page_number == page:
                return t
        return None
