"""Online ideas on a real server process (docs/platform.md): off by default; once a consultant
opens them, a resident's idea posted over HTTP lands as an idea "proposée en ligne", syncs to a
laptop, waits for moderation (never on the site before), and once accepted is shown like the
others (with the proposer's name only if they consented) and can become a project; refused,
it stays off the site. The contact form's protections apply (honeypot, flood, size, HTML)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.domain import models as m
from app.domain.site import MESSAGES_PER_HOUR
from app.errors import UserError
from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.ideas import IdeaFilter
from sync.core.tables import Role
from tests.helpers.site import push
from tests.sync.conftest import Server
from tests.sync.test_site import server_records

RESIDENCE = "/c/bpi/residences/les-pins"
FORM = RESIDENCE + "/idee"
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def laptop(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A consultant's laptop with a small published campaign (online ideas still off)."""
    folder = tmp_path_factory.mktemp("consultant") / "data"
    services = open_services(folder)
    try:
        services.campaigns.create_campaign(CampaignInput(name="BP Les Pins", short_code="BPI"))
        services.campaigns.add_residence("Les Pins", dwellings=60)
        services.site.publish_campaign(True)
    finally:
        services.close()
    push(server, folder, Role.CONSULTANT)
    yield folder


def post(server: Server, data: dict[str, str], sender: str = "10.1.0.1") -> httpx.Response:
    return httpx.post(server.url + FORM, data=data, headers={"X-Forwarded-For": sender}, timeout=30)


def online_ideas(server: Server) -> list[dict]:
    return [v for _id, v in server_records(server, "idea") if v.get("origin") == "online"]


def set_online_ideas(server: Server, laptop: Path, on: bool) -> None:
    services = open_services(laptop)
    try:
        services.campaigns.set_online_ideas(on)
    finally:
        services.close()
    push(server, laptop, Role.CONSULTANT)


def test_off_by_default_then_opened_by_a_consultant(server: Server, laptop: Path) -> None:
    page = httpx.get(server.url + RESIDENCE).text
    assert "Proposer une idée" not in page
    assert httpx.get(server.url + FORM).status_code == 404
    assert post(server, {"title": "Un banc", "description": "Près du hall"}).status_code == 404
    assert online_ideas(server) == []
    set_online_ideas(server, laptop, True)
    page = httpx.get(server.url + RESIDENCE).text
    assert f'href="{FORM}"' in page
    form = httpx.get(server.url + FORM).text
    for name in ("title", "description", "location", "name", "contact", "consent",
                 "name_public"):  # fmt: skip
        assert f'name="{name}"' in form
    assert 'class="hp"' in form and "effacés au plus tard un an" in form
    english = httpx.get(server.url + FORM + "?lang=en").text
    assert 'lang="en"' in english and "Propose an idea" in english


def test_an_idea_is_moderated_on_a_laptop_then_shown(server: Server, laptop: Path) -> None:
    set_online_ideas(server, laptop, True)
    reply = post(server, {
        "title": "Un composteur collectif", "description": "Pour les épluchures.\nPrès du local vélos.",
        "location": "Cour intérieure", "name": "Inès Martin", "contact": "ines@example.org",
        "consent": "1", "name_public": "1", "site_web": "",
    })  # fmt: skip
    assert reply.status_code == 200 and "votre idée a bien été envoyée" in reply.text
    anonymous = post(server, {"title": "Des bancs", "description": "Devant l'entrée."})
    assert anonymous.status_code == 200
    [stored] = [v for v in online_ideas(server) if v["title"] == "Un composteur collectif"]
    assert stored["moderation"] == "pending" and stored["online_contact"] == "ines@example.org"
    residence = httpx.get(server.url + RESIDENCE).text
    assert "composteur" not in residence and "Des bancs" not in residence  # not moderated yet

    push(server, laptop, Role.CONSULTANT)  # the ideas reach the laptop
    services = open_services(laptop)
    try:
        ideas = services.ideas
        assert ideas.pending_count() == 2
        assert [i.title for i in ideas.list_ideas()] == []  # not ideas like the others yet
        pending = {i.title: i for i in ideas.list_ideas(IdeaFilter(online="pending"))}
        compost, benches = pending["Un composteur collectif"], pending["Des bancs"]
        assert compost.online_name == "Inès Martin" and compost.name_public
        assert compost.description == "Pour les épluchures.\nPrès du local vélos."
        assert benches.online_name == "" and benches.online_contact == ""
        with pytest.raises(UserError, match="modérez-la"):
            services.projects.merge_ideas([compost.id])
        ideas.accept_idea(compost.id)
        ideas.refuse_idea(benches.id, "Déjà prévu par le bailleur")
        assert [i.title for i in ideas.list_ideas()] == ["Un composteur collectif"]
        project = services.projects.merge_ideas([compost.id])  # the same path as meeting ideas
        assert project.title == "Un composteur collectif"
        [refused] = ideas.list_ideas(IdeaFilter(online=m.MODERATION_REFUSED))
        assert refused.moderation_reason == "Déjà prévu par le bailleur"
    finally:
        services.close()
    push(server, laptop, Role.CONSULTANT)
    residence = httpx.get(server.url + RESIDENCE).text
    assert (
        "Un composteur collectif" in residence and "proposée en ligne par Inès Martin" in residence
    )
    assert "Des bancs" not in residence and "Déjà prévu" not in residence
    assert "ines@example.org" not in residence


def test_the_name_is_shown_only_with_consent(server: Server, laptop: Path) -> None:
    set_online_ideas(server, laptop, True)
    assert post(server, {"title": "Un potager", "description": "Des bacs.", "name": "Paul Durand",
                         "consent": "1"}, "10.1.0.2").status_code == 200  # fmt: skip
    refused = post(server, {"title": "Une fresque", "description": "Sur le mur.",
                            "name": "Lina", "contact": "06 00 00 00 00"}, "10.1.0.2")  # fmt: skip
    assert refused.status_code == 400 and "Cochez la case" in refused.text
    push(server, laptop, Role.CONSULTANT)
    services = open_services(laptop)
    try:
        [idea] = services.ideas.list_ideas(IdeaFilter(online="pending"))
        assert idea.title == "Un potager" and idea.online_name == "Paul Durand"
        assert not idea.name_public
        services.ideas.accept_idea(idea.id)
    finally:
        services.close()
    push(server, laptop, Role.CONSULTANT)
    residence = httpx.get(server.url + RESIDENCE).text
    assert "Un potager" in residence and "Paul Durand" not in residence
    assert "Lina" not in residence


def test_the_contact_forms_protections(server: Server, laptop: Path) -> None:
    set_online_ideas(server, laptop, True)
    before = len(online_ideas(server))
    bot = post(
        server, {"title": "Buy", "description": "now", "site_web": "http://spam"}, "10.1.0.3"
    )
    assert bot.status_code == 200 and "bien été envoyée" in bot.text
    assert len(online_ideas(server)) == before
    huge = post(server, {"title": "x", "description": "x" * 10_000_000}, "10.1.0.4")
    assert huge.status_code == 413
    long_title = post(server, {"title": "x" * 151, "description": "y"}, "10.1.0.4")
    assert long_title.status_code == 400 and "trop long" in long_title.text
    assert len(online_ideas(server)) == before
    codes = [post(server, {"title": f"idée {n}", "description": "d"}, "10.1.0.5").status_code
             for n in range(MESSAGES_PER_HOUR + 2)]  # fmt: skip
    assert codes == [200] * MESSAGES_PER_HOUR + [429, 429]
    escaped = post(server, {"title": SCRIPT, "description": SCRIPT, "location": SCRIPT,
                            "name": SCRIPT, "contact": SCRIPT}, "10.1.0.6")  # fmt: skip
    assert escaped.status_code == 400 and "<script>" not in escaped.text
    assert "&lt;script&gt;" in escaped.text
