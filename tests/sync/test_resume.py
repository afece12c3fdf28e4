"""A large first sync: progress, cancel, and resume where it stopped (real server process).

Each pulled page is stashed with its cursor in one transaction; the records are applied only
when the last page is in. A sync cancelled after its first pages leaves the laptop's data as
they were, and the next sync asks the server only for what comes after the saved cursor."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import Cancelled, CancelToken
from app.services import open_services
from app.services.campaigns import CampaignInput
from sync.client import sync_once
from sync.client.http import Transport
from sync.client.local import LocalStore
from sync.client.service import SyncReport
from sync.core.protocol import PullRequest
from sync.core.tables import Role
from tests.sync.conftest import Server

RESIDENCES = 120
PAGE = 25


def residences(folder: Path, campaign_id: str) -> int:
    services = open_services(folder)
    try:
        return len(services.campaigns.list_residences(campaign_id))
    finally:
        services.close()


def store_state(folder: Path) -> tuple[int, int]:
    from app.storage.db import open_database
    from app.storage.uow import device_id

    db = open_database(folder)
    try:
        store = LocalStore(db, device_id(db))
        return store.cursor(), store.stashed()
    finally:
        db.close()


def test_a_cancelled_first_sync_resumes_where_it_stopped(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a = open_services(a_dir)
    campaign = a.campaigns.create_campaign(CampaignInput(name="BP Grand", short_code="GRAND"))
    for n in range(RESIDENCES):
        a.campaigns.add_residence(f"Bâtiment {n:03d}", dwellings=n, campaign_id=campaign.id)
    a.close()
    sync_once(a_dir, server=server.url, code=server.code(Role.CONSULTANT))

    # B's first sync is cancelled once three pages are in
    seen: list[tuple[int, int]] = []
    cancel = CancelToken()

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 3 * PAGE:
            cancel.cancel()

    with pytest.raises(Cancelled):
        sync_once(b_dir, server=server.url, code=server.code(Role.FIELD), progress=progress,
                  cancel=cancel, page_size=PAGE)  # fmt: skip
    cursor, stashed = store_state(b_dir)
    assert stashed == 3 * PAGE and cursor > 0
    assert seen[-1][0] == 3 * PAGE and seen[-1][1] > 3 * PAGE  # progress knows what is left
    assert residences(b_dir, campaign.id) == 0  # nothing applied from a partial pull

    # the next sync starts at the saved cursor, not at 0, and ends with everything
    asked: list[int] = []
    post = Transport.post

    def spy(self: Transport, path: str, body: object, reply_type: type) -> object:
        if isinstance(body, PullRequest):
            asked.append(body.cursor)
        return post(self, path, body, reply_type)  # type: ignore[arg-type]

    monkeypatch.setattr(Transport, "post", spy)
    report: SyncReport = sync_once(b_dir, page_size=PAGE)
    assert asked[0] == cursor
    assert residences(b_dir, campaign.id) == RESIDENCES
    assert store_state(b_dir)[1] == 0  # the inbox is empty once applied
    assert report.received >= RESIDENCES + 1  # every record once (the stashed ones included)
    # and nothing is doubled or re-applied by a further sync
    again = sync_once(b_dir, page_size=PAGE)
    assert again.received == 0 and residences(b_dir, campaign.id) == RESIDENCES
