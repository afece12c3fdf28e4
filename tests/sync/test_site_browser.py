"""Every page of the public site in a real headless browser (Debian's Chromium via Selenium):
it renders, logs no console error, and axe-core (vendored, tests/data/axe) finds 0 violations
of WCAG 2.1 A/AA and best practices, at phone and desktop widths, in French and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from tests.helpers.browser import DESKTOP, PHONE, axe_violations, chromium, console_errors
from tests.helpers.site import CAMPAIGN, published_demo_server, site_pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with published_demo_server(tmp_path_factory.mktemp("browser")) as (base, _campaign):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = chromium()
    yield driver
    driver.quit()


def _summary(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']}: {v.get('help')} ({[n.get('target') for n in v.get('nodes', [])][:3]})"
        for v in violations
    ]


@pytest.mark.parametrize("width", [PHONE[0], DESKTOP[0]], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_passes_axe_without_console_errors(
    site: str, browser: WebDriver, width: int, lang: str
) -> None:
    browser.set_window_size(width, 900)
    pages = site_pages(site, CAMPAIGN)
    assert len(pages) >= 12
    for _name, path in pages:
        browser.get(site + path + ("?lang=en" if lang == "en" else ""))
        assert browser.find_element("tag name", "h1").text.strip(), path
        assert browser.execute_script("return document.documentElement.lang") == lang
        width_used = browser.execute_script("return document.documentElement.scrollWidth")
        assert width_used <= width, (path, "scrolls sideways")
        assert _summary(axe_violations(browser)) == [], path
        assert console_errors(browser) == [], path


def test_contact_form_works_with_the_keyboard(site: str, browser: WebDriver) -> None:
    browser.set_window_size(*PHONE)
    browser.get(f"{site}/c/{CAMPAIGN}/contact")
    browser.find_element("id", "message").send_keys("Bonjour, une question sur le vote.")
    browser.find_element("id", "message").submit()
    assert "votre message a bien été envoyé" in browser.page_source
    assert _summary(axe_violations(browser)) == []


def test_online_idea_form_works_with_the_keyboard(site: str, browser: WebDriver) -> None:
    """The form "Proposer une idée" (the demo opens online ideas): its errors and its thanks
    pass axe-core too, in French and English."""
    from selenium.webdriver.common.keys import Keys

    pages = dict(site_pages(site, CAMPAIGN))
    assert "idee" in pages
    for lang in ("fr", "en"):
        browser.set_window_size(*PHONE)
        browser.get(site + pages["idee"] + ("?lang=en" if lang == "en" else ""))
        # as an old browser would: the server checks the form (no description: an error)
        browser.execute_script("document.querySelector('main form').noValidate = true")
        browser.find_element("id", "title").send_keys("Un banc" + Keys.RETURN)
        assert browser.execute_script("return document.documentElement.lang") == lang
        assert browser.find_element("css selector", ".error[role=alert]").text
        assert _summary(axe_violations(browser)) == [], lang
        assert all("400" in e for e in console_errors(browser))  # the refused form's status
        browser.find_element("id", "description").send_keys("Près de l'arrêt de bus.")
        browser.find_element("id", "description").submit()
        thanks = "votre idée a bien été envoyée" if lang == "fr" else "your idea has been sent"
        assert thanks in browser.page_source
        assert _summary(axe_violations(browser)) == [] and console_errors(browser) == []


def test_text_zoomed_to_200_percent_stays_readable(site: str, browser: WebDriver) -> None:
    browser.set_window_size(*DESKTOP)
    for path in (f"/c/{CAMPAIGN}/", f"/c/{CAMPAIGN}/resultats"):
        browser.get(site + path)
        browser.execute_script("document.documentElement.style.fontSize = '200%'")
        used = browser.execute_script("return document.documentElement.scrollWidth")
        assert used <= DESKTOP[0], path  # nothing cut or scrolling sideways at 200 %


def test_screenshots_render(site: str, browser: WebDriver, tmp_path: Path) -> None:
    from tests.helpers.browser import full_page_png

    browser.get(f"{site}/c/{CAMPAIGN}/")
    shot = full_page_png(browser, PHONE[0], tmp_path / "home-phone.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
