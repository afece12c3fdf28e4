"""The verification bundle hosted on the results page (docs/platform.md): publishing a sealed
count's results builds its bundle on the laptop; the zip travels to the server as a file named
by its SHA-256 (`/v1/files`); the site offers it with its SHA-256 and the command to run; the
downloaded zip passes `python -m app.verify` (in-process) — on a real server process."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.services import open_services
from app.services.demo.count import DEMO_PASSPHRASE
from app.verify import verify_bundle
from sync.core.tables import Role
from tests.helpers.site import CAMPAIGN, demo_laptop, push
from tests.sync.conftest import Server

RESULTS = f"/c/{CAMPAIGN}/resultats"


@pytest.fixture(scope="module")
def laptop(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo with its count decided and sealed, then its results published (the officer's
    laptop), pushed to the server."""
    folder = demo_laptop(tmp_path_factory.mktemp("officer") / "data")
    with open_services(folder) as services:
        counting = services.counting
        [session] = counting.list_sessions()
        for item in counting.review_queue(session.id):
            counting.decide(session.id, item.sheet_id, "unmarked", "Trait involontaire",
                            project_id=item.boxes[0].project_id)  # fmt: skip
        counting.seal(session.id, DEMO_PASSPHRASE)
        services.site_results.publish_results(session.residence_id)
    push(server, folder, Role.OFFICER)
    yield folder


def test_the_results_page_offers_the_bundle_that_verifies(
    server: Server, laptop: Path, tmp_path: Path
) -> None:
    with open_services(laptop) as services:
        [session] = services.counting.list_sessions()
    page = httpx.get(server.url + RESULTS).text
    assert "Dépouillement scellé : ces résultats sont définitifs." in page
    link = f"/c/{CAMPAIGN}/verification/{session.id}.zip"
    assert f'href="{link}"' in page and "Télécharger le dossier de vérification" in page
    assert "bp-terrain verify dossier.zip" in page and "python -m app.verify" in page
    [shown] = re.findall(r"SHA-256 du fichier : <code>([0-9a-f]{64})</code>", page)
    reply = httpx.get(server.url + link, timeout=60)
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/zip"
    assert "attachment" in reply.headers["content-disposition"]
    assert hashlib.sha256(reply.content).hexdigest() == shown  # the page's SHA-256 is the file's
    bundle = tmp_path / "dossier.zip"
    bundle.write_bytes(reply.content)
    report = verify_bundle(bundle)  # what `python -m app.verify dossier.zip` runs
    assert report.ok, report.as_dict()
    english = httpx.get(server.url + RESULTS + "?lang=en").text
    assert "Download the verification bundle" in english and f"{link}?lang=en" in english


def test_no_bundle_without_published_results(server: Server, laptop: Path) -> None:
    with open_services(laptop) as services:
        [session] = services.counting.list_sessions()
        assert (
            httpx.get(f"{server.url}/c/{CAMPAIGN}/verification/{'0' * 36}.zip").status_code == 404
        )
        services.site.unpublish_results(session.residence_id)
    push(server, laptop, Role.OFFICER)
    link = f"{server.url}/c/{CAMPAIGN}/verification/{session.id}.zip"
    assert httpx.get(link).status_code == 404
    assert "Télécharger le dossier" not in httpx.get(server.url + RESULTS).text
    with open_services(laptop) as services:
        services.site_results.publish_results(session.residence_id)  # the same bundle again
    push(server, laptop, Role.OFFICER)
    assert httpx.get(link, timeout=60).status_code == 200
