"""Debian's headless Chromium driven by Selenium (the public site's browser tests and
`tools/render_site.py`). chromium and chromium-driver come from tools/bootstrap.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

AXE = Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js"
PHONE = (390, 844)
DESKTOP = (1280, 900)


def chromium(width: int = DESKTOP[0], height: int = DESKTOP[1]) -> webdriver.Chrome:
    """A headless Chromium at this window size, its console log readable."""
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", f"--window-size={width},{height}",
                     "--force-device-scale-factor=1", "--lang=fr-FR"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver_path))


def full_page_png(driver: webdriver.Chrome, width: int, out: Path) -> Path:
    """A screenshot of the whole page at this width (the window grows to the page's height)."""
    driver.set_window_size(width, 800)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(width, min(max(height, 400), 8000))
    out.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(out))
    return out


def axe_violations(driver: webdriver.Chrome) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.0/2.1 A and AA rules, best practices)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e)}]));"
    )
    return list(result)


def console_errors(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
