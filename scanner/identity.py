"""Check what the QR code says: format, campaign, layout, MAC, page, mode and serial.

Every failure is a typed reason; a ballot whose identity is in doubt is rejected, never counted.
The binary format is the ballots library's (`ballots.payload`), so printer and reader cannot
drift apart.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

from ballots.payload import (
    PayloadError,
    parse_payload,
    text_to_payload,
    verify_payload,
)
from scanner.context import ReadContext, keyed_serial_hash
from scanner.reasons import Reason
from scanner.template import Template

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Identity:
    """The outcome of the QR checks. `template` is None when the layout could not be trusted."""

    reasons: tuple[Reason, ...]
    template: Template | None = None
    mode: str | None = None
    batch: int | None = None
    serial_check: str = "none"
    serial_hash: str | None = None
    page: int | None = None

    @property
    def fatal(self) -> bool:
        return bool(self.reasons)


def _parse(texts: list[str]) -> tuple[bytes, object] | None:
    found = []
    for text in texts:
        try:
            raw = text_to_payload(text)
            payload, _mac = parse_payload(raw)
        except (PayloadError, ValueError):
            continue
        found.append((raw, payload))
    distinct = {raw for raw, _ in found}
    if len(distinct) != 1:
        return None
    return found[0]


def check_identity(texts: list[str], ctx: ReadContext) -> Identity:
    """Turn decoded QR texts into an identity, or the reason it cannot be trusted."""
    parsed = _parse(texts)
    if parsed is None:
        return Identity((Reason.QR_INVALID,))
    raw, payload = parsed
    tag: bytes = payload.campaign_tag  # type: ignore[attr-defined]
    if tag not in ctx.campaign_tags():
        return Identity((Reason.WRONG_CAMPAIGN,))
    if ctx.campaign_key is not None:
        try:
            verify_payload(raw, ctx.campaign_key)
        except PayloadError:
            return Identity((Reason.QR_MAC_INVALID,), serial_check="forged")
    template = ctx.by_prefix(payload.template_prefix)  # type: ignore[attr-defined]
    if template is None or not hmac.compare_digest(template.campaign_tag, tag):
        return Identity((Reason.LAYOUT_UNKNOWN,))
    return _modes_and_serial(payload, template, ctx)


def _modes_and_serial(payload: object, template: Template, ctx: ReadContext) -> Identity:
    test: bool = payload.test  # type: ignore[attr-defined]
    serial: int | None = payload.serial  # type: ignore[attr-defined]
    batch: int = payload.batch  # type: ignore[attr-defined]
    page: int = payload.page  # type: ignore[attr-defined]
    style: int = payload.style_index  # type: ignore[attr-defined]
    reasons: list[Reason] = []
    if page != template.page_number or style != template.style_index:
        reasons.append(Reason.PAGE_MISMATCH)
    mode = "test" if test else "live"
    if ctx.mode == "live" and test:
        reasons.append(Reason.TEST_BALLOT)
    if ctx.mode == "test" and not test:
        reasons.append(Reason.LIVE_BALLOT_IN_TEST)
    check, digest = _serial(serial, batch, ctx)
    if check == "forged":
        reasons.append(Reason.SERIAL_NOT_IN_BATCH)
    return Identity(tuple(reasons), template, mode, batch, check, digest, page)


def _serial(serial: int | None, batch: int, ctx: ReadContext) -> tuple[str, str | None]:
    if serial is None:
        return "none", None
    digest = None if ctx.serial_key is None else keyed_serial_hash(ctx.serial_key, serial)
    if ctx.campaign_key is None or ctx.serial_lookup is None:
        return "unknown", digest
    known = ctx.serial_lookup(batch, serial)
    if known is None:
        return "unknown", digest
    return ("ok" if known else "forged"), digest
