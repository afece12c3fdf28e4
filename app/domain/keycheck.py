"""The check value of a campaign's ballot key: HMAC-SHA256 of a fixed label under the key.

It travels with the campaign (the field `key_check`) and says nothing of the key, yet lets a
laptop that receives a sealed key refuse one that is not the campaign's (docs/sync.md).
"""

from __future__ import annotations

import hashlib
import hmac

LABEL = b"bp-terrain/ballot-key-check/v1"


def key_check(key: bytes) -> str:
    return hmac.new(bytes(key), LABEL, hashlib.sha256).hexdigest()


def matches(key: bytes, check: str) -> bool:
    return bool(check) and hmac.compare_digest(key_check(key), check)
