"""The public site on a real server process, fed by a real laptop: the demo (with its count)
pushed by `bp-terrain sync`. Every page in French and English, the feeds, the pictures, what a
consultant publishes or withdraws, and nothing private on any page (docs/platform.md)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from sqlalchemy import select

from app.services import open_services
from app.services.site import NewsInput
from sync.server.store import ServerRecord, open_engine
from tests.helpers.site import CAMPAIGN, demo_laptop, push, site_pages
from tests.sync.conftest import Server

ROOT = f"/c/{CAMPAIGN}/"


@pytest.fixture(scope="module")
def laptop(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo laptop, pushed to this module's server."""
    template = tmp_path_factory.getbasetemp() / "site-demo-template"
    if not template.exists():
        demo_laptop(template)
    folder = tmp_path_factory.mktemp("laptop") / "demo"
    shutil.copytree(template, folder)
    push(server, folder)
    yield folder


def get(server: Server, path: str) -> httpx.Response:
    return httpx.get(server.url + path, timeout=30)


def server_records(server: Server, table: str) -> list[tuple[str, dict]]:
    engine = open_engine(server.db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(ServerRecord.record_id, ServerRecord.values_json).where(
                    ServerRecord.table_name == table
                )
            )
            return [(rid, json.loads(values)) for rid, values in rows]
    finally:
        engine.dispose()


def everything(server: Server) -> dict[str, str]:
    """Every page, feed and picture address of the campaign, with what it answers."""
    out = {}
    for _name, path in site_pages(server.url, CAMPAIGN):
        for suffix in ("", "?lang=en"):
            out[path + suffix] = get(server, path + suffix).text
    for path in (f"{ROOT}calendrier.ics", f"{ROOT}actualites.xml"):
        out[path] = get(server, path).text
    site = out[ROOT] + out[f"{ROOT}actualites"]
    for path in sorted(set(re.findall(r'<a href="(/c/[^"#?]+)', site))):
        out.setdefault(path, get(server, path).text)
    return out


def test_every_page_answers_in_french_and_english(server: Server, laptop: Path) -> None:
    pages = site_pages(server.url, CAMPAIGN)
    assert {name for name, _ in pages} >= {"index", "home", "regles", "calendrier", "actualites",
                                          "resultats", "suivi", "contact", "projet"}  # fmt: skip
    assert len([n for n, _ in pages if n.startswith("residence-")]) == 3
    for _name, path in pages:
        french, english = get(server, path), get(server, path + "?lang=en")
        assert french.status_code == english.status_code == 200, path
        assert '<html lang="fr">' in french.text and '<html lang="en">' in english.text
        assert "Aller au contenu" in french.text and "Skip to content" in english.text
        assert "Aller au contenu" not in english.text
        for link in re.findall(r'href="(/c/[^"]*)"(?! lang="fr")', english.text):
            if not link.endswith((".ics", ".xml")) and "/images/" not in link:
                assert "lang=en" in link, (path, link)  # the English switch is kept


def test_home_shows_the_stakes_the_calendar_and_the_news(server: Server, laptop: Path) -> None:
    index = get(server, "/").text
    assert f'href="{ROOT}"' in index and "Budget participatif des habitants 2026" in index
    home = get(server, ROOT).text
    for residence in ("Les Tilleuls", "Résidence du Parc", "Les Hauts de Bel-Air"):
        assert residence in home
    assert "95\u202f000\u00a0€" in home  # the three budgets added up
    assert "en cours" in home  # the workshops run today in the demo
    assert "Les ateliers touchent à leur fin" in home
    assert get(server, f"{ROOT}?lang=en").text.count("€95,000") == 1


def test_news_feed_calendar_and_pictures(server: Server, laptop: Path) -> None:
    news = get(server, f"{ROOT}actualites").text
    assert "<strong>84 habitants</strong>" in news and "<li>" in news  # simple formatting
    [picture] = re.findall(rf'src="({ROOT}images/actualite-[0-9a-f-]+\.jpg)"', news)
    image = get(server, picture)
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    assert 'alt="Esquisse du jardin partagé' in news
    feed = ElementTree.fromstring(get(server, f"{ROOT}actualites.xml").content)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in feed.findall(f"{atom}entry")]
    assert sorted(titles) == ["Le jardin partagé des Tilleuls prend forme",
                              "Les ateliers touchent à leur fin"]  # fmt: skip
    ics = get(server, f"{ROOT}calendrier.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.startswith("BEGIN:VCALENDAR\r\n") and ics.text.count("BEGIN:VEVENT") == 5
    assert all(len(line.encode()) <= 75 for line in ics.text.split("\r\n"))


def test_residence_project_and_results(server: Server, laptop: Path) -> None:
    tilleuls = get(server, f"{ROOT}residences/les-tilleuls").text
    assert "Jardin partagé et potager des enfants" in tilleuls
    assert "Table de ping-pong" in tilleuls  # an idea as noted in the workshop
    assert "Conforme à tous les critères." in tilleuls  # the commission's reason
    [garden] = re.findall(rf'href="{ROOT}projets/([0-9a-f-]+)">N° 1 ', tilleuls)
    sheet = get(server, f"{ROOT}projets/{garden}").text
    assert "Six bacs de potager" in sheet and f"images/projet-{garden}.jpg" in sheet
    results = get(server, f"{ROOT}resultats").text
    assert "Les Tilleuls" in results and "Participation" in results
    assert re.search(r"Boîte à livres</a></th><td>900\u00a0€</td><td>3</td><td>oui", results)
    assert "le plus de voix dans la limite du budget" in results
    assert "Empreinte du scellé" in results
    follow = get(server, f"{ROOT}suivi").text
    assert "Travaux en cours" in follow and "Commande passée au fournisseur" in follow
    assert re.search(rf'src="{ROOT}images/suivi-[0-9a-f-]+\.jpg" alt="Esquisse du projet"', follow)
    english = get(server, f"{ROOT}resultats?lang=en").text
    assert "Turnout" in english and "most votes within the budget" in english


def test_nothing_private_on_any_page_or_feed(server: Server, laptop: Path) -> None:
    pages = everything(server)
    # what the server holds and must never show: names, phones, e-mails, serials, sheets, times
    participants = [v for _id, v in server_records(server, "participant")]
    assert {p["name"] for p in participants} >= {"Fatima Benali (nom inventé)"}
    secrets = [p[key] for p in participants for key in ("name", "phone", "email") if p[key]]
    sheets = server_records(server, "count_sheet")
    assert sheets, "the officer's laptop pushed its count"
    secrets += [rid for rid, _v in sheets] + [v["serial_hash"] for _r, v in sheets]
    secrets += [v["created_at"] for _r, v in sheets]
    secrets += [rid for rid, _v in server_records(server, "count_decision")]
    for path, text in pages.items():
        for secret in secrets:
            assert secret not in text, (path, secret)
        if not path.endswith((".xml", ".ics")):  # no time of day of any kind on the pages
            assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text), path


def test_only_what_is_published_is_shown(server: Server, laptop: Path) -> None:
    services = open_services(laptop)
    try:
        draft = services.site.create_news(NewsInput("Brouillon pas encore relu", "Texte"))
        shown = services.site.create_news(NewsInput("Retiré après coup", "Texte"))
        services.site.publish_news(shown.id)
        ping_pong = next(p for p in services.projects.list_projects() if "ping-pong" in p.title)
        services.site.publish_project(ping_pong.id, False)
    finally:
        services.close()
    push(server, laptop)
    assert "Retiré après coup" in get(server, f"{ROOT}actualites").text
    services = open_services(laptop)
    try:
        services.site.publish_news(shown.id, False)
    finally:
        services.close()
    push(server, laptop)
    pages = everything(server)
    for path, text in pages.items():
        for hidden in ("Brouillon pas encore relu", "Retiré après coup", draft.id, ping_pong.id):
            assert hidden not in text, (path, hidden)
    assert (
        "Table de ping-pong"
        not in pages[f"{ROOT}residences/les-tilleuls"].split("Les idées des habitants")[0]
    )  # the project is gone; the idea stays
    assert get(server, f"{ROOT}projets/{ping_pong.id}").status_code == 404

    services = open_services(laptop)
    try:
        services.site.publish_campaign(False)
    finally:
        services.close()
    push(server, laptop)
    assert get(server, ROOT).status_code == 404
    assert get(server, f"{ROOT}actualites.xml").status_code == 404
    assert "Budget participatif des habitants 2026" not in get(server, "/").text
    services = open_services(laptop)
    try:
        services.site.publish_campaign(True)
        services.site.publish_project(ping_pong.id, True)
    finally:
        services.close()
    push(server, laptop)
    assert get(server, ROOT).status_code == 200
