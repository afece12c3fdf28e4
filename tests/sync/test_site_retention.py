"""What residents write on the site is erased a year after the campaign (docs/platform.md), on
the server and on the laptops, as tombstones that sync. The clock is injected: no sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.domain.site import KEEP_DAYS
from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.ideas import IdeaFilter
from sync.client.service import list_conflicts
from sync.core.protocol import DELETED
from sync.core.tables import Role
from sync.server.public.retention import erase_expired
from sync.server.store import open_engine
from tests.helpers.site import push
from tests.sync.conftest import Server
from tests.sync.test_site import server_records

TODAY = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture(scope="module")
def laptop(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A consultant's laptop: a published campaign with no dates yet, online ideas open."""
    folder = tmp_path_factory.mktemp("consultant") / "data"
    with open_services(folder) as services:
        services.campaigns.create_campaign(CampaignInput(name="BP Les Saules", short_code="BPS"))
        services.campaigns.add_residence("Les Saules", dwellings=40)
        services.site.publish_campaign(True)
        services.campaigns.set_online_ideas(True)
    push(server, folder, Role.CONSULTANT)
    yield folder


def send(server: Server, text: str, sender: str) -> None:
    headers = {"X-Forwarded-For": sender}
    reply = httpx.post(server.url + "/c/bps/contact", headers=headers, timeout=30,
                       data={"message": text, "name": "Awa", "reply_how": "email",
                             "contact": "awa@example.org"})  # fmt: skip
    assert reply.status_code == 200
    reply = httpx.post(server.url + "/c/bps/residences/les-saules/idee", headers=headers,
                       data={"title": f"Idée {text}", "description": "d", "name": "Awa",
                             "contact": "awa@example.org", "consent": "1"}, timeout=30)  # fmt: skip
    assert reply.status_code == 200


def test_the_server_erases_a_year_after_receipt_and_the_laptops_follow(
    server: Server, laptop: Path
) -> None:
    """A campaign without dates: 365 days after the message arrived."""
    send(server, "sans dates", "10.2.0.1")
    push(server, laptop, Role.CONSULTANT)
    with open_services(laptop) as services:
        [message] = services.inbox.messages()
        assert message.erase_on == TODAY.date() + timedelta(days=KEEP_DAYS)
    engine = open_engine(server.db_url)
    try:
        assert erase_expired(engine, TODAY + timedelta(days=KEEP_DAYS - 1)) == (0, 0)
        assert erase_expired(engine, TODAY + timedelta(days=KEEP_DAYS)) == (1, 1)
        assert erase_expired(engine, TODAY + timedelta(days=KEEP_DAYS)) == (0, 0)  # done once
    finally:
        engine.dispose()
    [stored] = [v for _id, v in server_records(server, "site_message")]
    assert stored[DELETED] and stored["message"] == stored["name"] == stored["contact"] == ""
    [idea] = [v for _id, v in server_records(server, "idea")]
    assert idea["title"] == "Idée sans dates"  # the idea stays, its proposer's details go
    assert idea["online_name"] == idea["online_contact"] == "" and not idea["name_public"]
    push(server, laptop, Role.CONSULTANT)  # the tombstones travel
    with open_services(laptop) as services:
        assert services.inbox.messages(include_handled=True) == []
        [pending] = services.ideas.list_ideas(IdeaFilter(online="pending"))
        assert pending.online_name == pending.online_contact == ""
        services.ideas.accept_idea(pending.id)  # so that the next test starts clean
    push(server, laptop, Role.CONSULTANT)


def test_a_laptop_erases_a_year_after_the_campaign_and_the_server_follows(
    server: Server, laptop: Path
) -> None:
    """A campaign with dates: a year after its last key date, on the laptop at its next sync
    (no conflict when the server erases the same record)."""
    send(server, "avec dates", "10.2.0.2")
    end = date(2026, 6, 30)
    with open_services(laptop) as services:
        campaign = services.campaigns.get_campaign()
        services.campaigns.update_campaign(campaign.id, CampaignInput(
            name=campaign.name, short_code=campaign.short_code, vote_start=date(2026, 6, 1),
            vote_end=date(2026, 6, 14), results_date=end,
        ))  # fmt: skip
    push(server, laptop, Role.CONSULTANT)
    due = datetime(2027, 6, 30, 9, tzinfo=UTC)
    with open_services(laptop) as services:
        [message] = services.inbox.messages()
        assert message.message == "avec dates" and message.erase_on == end + timedelta(days=365)
        erased = services.inbox.erase_expired(due - timedelta(days=1))
        assert (erased.messages, erased.idea_contacts) == (0, 0)
        erased = services.inbox.erase_expired(due)
        assert (erased.messages, erased.idea_contacts) == (1, 1)
        assert services.inbox.messages(include_handled=True) == []
    push(server, laptop, Role.CONSULTANT)  # the laptop's erasure reaches the server
    kept = [v for _id, v in server_records(server, "site_message") if not v.get(DELETED)]
    assert kept == []
    assert all(v["message"] == "" for _id, v in server_records(server, "site_message"))
    ideas = [v for _id, v in server_records(server, "idea") if v["title"] == "Idée avec dates"]
    assert ideas and ideas[0]["online_name"] == ""
    engine = open_engine(server.db_url)
    try:
        assert erase_expired(engine, due) == (0, 0)  # nothing left to erase, nothing rewritten
    finally:
        engine.dispose()
    assert list_conflicts(laptop) == []  # both sides erased alike: no conflict
