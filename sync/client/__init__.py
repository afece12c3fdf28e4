"""The sync client: enrol once, then push the outbox and pull what changed (docs/sync.md)."""

from __future__ import annotations

from sync.client.service import SyncReport, sync_once

__all__ = ["SyncReport", "sync_once"]
