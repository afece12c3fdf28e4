"""The site's contact form on a real server process: a resident's message reaches the
consultants' inbox on a laptop after a sync; a bot filling the honeypot, a flood from one
address, a 10 MB body and HTML in every field are refused or escaped (docs/platform.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.domain.site import MESSAGES_PER_HOUR
from app.services import open_services
from app.services.campaigns import CampaignInput
from sync.core.tables import Role
from tests.helpers.site import push
from tests.sync.conftest import Server
from tests.sync.test_site import server_records

CONTACT = "/c/bpc/contact"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def laptop(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A consultant's laptop with a small published campaign, pushed to the server."""
    folder = tmp_path_factory.mktemp("consultant") / "data"
    services = open_services(folder)
    try:
        services.campaigns.create_campaign(CampaignInput(name="BP Les Cèdres", short_code="BPC"))
        services.campaigns.add_residence("Les Cèdres", dwellings=80)
        services.site.publish_campaign(True)
    finally:
        services.close()
    push(server, folder, Role.CONSULTANT)
    yield folder


def residence_id(laptop: Path) -> str:
    services = open_services(laptop)
    try:
        return services.campaigns.list_residences()[0].id
    finally:
        services.close()


def post(server: Server, data: dict[str, str], sender: str = "10.0.0.1") -> httpx.Response:
    """A form sent from `sender` (the server sits behind a local proxy that names the sender)."""
    return httpx.post(
        server.url + CONTACT, data=data, headers={"X-Forwarded-For": sender}, timeout=30
    )


def messages(server: Server) -> list[dict]:
    return [values for _id, values in server_records(server, "site_message")]


def test_the_form_asks_little_and_says_how_data_is_used(server: Server, laptop: Path) -> None:
    page = httpx.get(server.url + CONTACT).text
    assert 'name="message"' in page and 'name="name"' in page and 'name="residence"' in page
    assert "Votre nom (facultatif)" in page and "effacés au plus tard un an" in page
    assert 'class="hp"' in page  # the honeypot is hidden from people


def test_a_message_reaches_the_inbox_after_a_sync(server: Server, laptop: Path) -> None:
    reply = post(server, {
        "name": "Awa", "residence": residence_id(laptop),
        "message": "Je n'ai pas pu venir à l'atelier.\nUn banc près de l'arrêt de bus ?",
        "reply_how": "email", "contact": "awa@example.org", "site_web": "",
    })  # fmt: skip
    assert reply.status_code == 200 and "votre message a bien été envoyé" in reply.text
    push(server, laptop, Role.CONSULTANT)
    services = open_services(laptop)
    try:
        [message] = services.inbox.messages()
        assert message.name == "Awa" and message.contact == "awa@example.org"
        assert message.message.endswith("Un banc près de l'arrêt de bus ?")
        assert message.residence_id == residence_id(laptop) and message.received_at
        services.inbox.mark_handled(message.id)
        assert services.inbox.messages() == []
    finally:
        services.close()
    push(server, laptop, Role.CONSULTANT)
    [stored] = [m for m in messages(server) if m["name"] == "Awa"]
    assert stored["handled_at"]  # handled on the laptop, known to every laptop


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_kept(server: Server) -> None:
    before = len(messages(server))
    reply = post(server, {"message": "Buy now", "site_web": "http://spam.example"}, "10.0.0.2")
    assert reply.status_code == 200 and "votre message a bien été envoyé" in reply.text
    assert len(messages(server)) == before


def test_a_flood_from_one_address_is_refused(server: Server) -> None:
    before = len(messages(server))
    codes = [post(server, {"message": f"message {n}"}, "10.0.0.3").status_code for n in range(8)]
    assert codes == [200] * MESSAGES_PER_HOUR + [429] * (8 - MESSAGES_PER_HOUR)
    assert len(messages(server)) == before + MESSAGES_PER_HOUR
    assert post(server, {"message": "another neighbour"}, "10.0.0.4").status_code == 200


def test_a_huge_body_is_refused_unread(server: Server) -> None:
    before = len(messages(server))
    reply = post(server, {"message": "x" * 10_000_000}, "10.0.0.5")
    assert reply.status_code == 413 and "Message trop long" in reply.text
    too_long = post(server, {"message": "x" * 3001}, "10.0.0.5")
    assert too_long.status_code == 400 and "trop long" in too_long.text
    assert len(messages(server)) == before


def test_html_in_every_field_is_escaped(server: Server, laptop: Path) -> None:
    fields = {"name": SCRIPT, "residence": SCRIPT, "message": SCRIPT, "reply_how": SCRIPT,
              "contact": SCRIPT}  # fmt: skip
    refused = post(server, fields, "10.0.0.6")
    assert refused.status_code == 400  # an unknown residence, an unknown way to answer
    assert "<script>" not in refused.text and "onerror=alert" not in refused.text.replace(
        "onerror=alert(1)&gt;", ""
    )
    assert "&lt;script&gt;" in refused.text
    kept = post(server, {**fields, "residence": residence_id(laptop), "reply_how": "phone"},
                "10.0.0.6")  # fmt: skip
    assert kept.status_code == 200 and "<script>" not in kept.text
    push(server, laptop, Role.CONSULTANT)
    services = open_services(laptop)
    try:
        [message] = [m for m in services.inbox.messages() if m.name == SCRIPT]
        assert message.message == SCRIPT  # kept as typed: the app shows plain text
    finally:
        services.close()


def test_only_consultants_laptops_receive_the_messages(
    server: Server, laptop: Path, tmp_path: Path
) -> None:
    assert messages(server)
    field = tmp_path / "field"
    push(server, field, Role.FIELD)
    services = open_services(field)
    try:
        assert services.campaigns.get_campaign().name == "BP Les Cèdres"  # the rest arrived
        assert services.inbox.messages(include_handled=True) == []
    finally:
        services.close()
    consultant = tmp_path / "consultant"
    push(server, consultant, Role.CONSULTANT)
    services = open_services(consultant)
    try:
        assert len(services.inbox.messages(include_handled=True)) == len(messages(server))
    finally:
        services.close()
