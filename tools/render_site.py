#!/usr/bin/env python3
"""Screenshots of every page of a campaign's public site, at phone and desktop widths.

    .venv/bin/python tools/render_site.py --out /tmp/site              # demo on a fresh server
    .venv/bin/python tools/render_site.py --url http://host:8765 --campaign hs26 --out DIR

Without --url it builds the demo (with a count) in a temporary folder, starts `bp-terrain serve`
on a free loopback port, pushes the demo to it with the real sync client, then renders
`<page>-phone.png` (390 px) and `<page>-desktop.png` (1280 px) for each page, in French and
(with `--lang en`) in English. Needs Debian's chromium and chromium-driver (tools/bootstrap.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.browser import DESKTOP, PHONE, chromium, full_page_png  # noqa: E402
from tests.helpers.site import published_demo_server, site_pages  # noqa: E402


def render(base: str, campaign: str, out: Path, lang: str) -> list[Path]:
    made = []
    driver = chromium()
    try:
        for name, path in site_pages(base, campaign):
            url = base + path + ("?lang=en" if lang == "en" else "")
            driver.get(url)
            for label, (width, _h) in (("phone", PHONE), ("desktop", DESKTOP)):
                suffix = "" if lang == "fr" else "-en"
                made.append(full_page_png(driver, width, out / f"{name}{suffix}-{label}.png"))
    finally:
        driver.quit()
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--url", help="a running server (default: the demo on a fresh server)")
    parser.add_argument("--campaign", default="hs26", help="the campaign's address (slug)")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    args = parser.parse_args()
    if args.url:
        made = render(args.url.rstrip("/"), args.campaign, args.out, args.lang)
    else:
        with tempfile.TemporaryDirectory(prefix="bp-site-") as folder:
            with published_demo_server(Path(folder)) as (base, campaign):
                made = render(base, campaign, args.out, args.lang)
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
