#!/usr/bin/env python3
"""Translation catalogs: extract French source strings, update the English catalog, compile.

    .venv/bin/python tools/i18n.py update    # extract, merge into en/bp_terrain.po, compile .mo
    .venv/bin/python tools/i18n.py check     # list missing or mismatched translations

French is the source language (msgid); English is `resources/locales/en/LC_MESSAGES/bp_terrain.po`.
The test suite runs the same check (tests/test_i18n.py).
"""

from __future__ import annotations

import gettext
import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "ui", "ballots", "scanner", "sync")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LOCALES = ROOT / "resources" / "locales"
PO = LOCALES / "en" / "LC_MESSAGES" / "bp_terrain.po"
MO = PO.with_suffix(".mo")
FIELD = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}")


def extract() -> Catalog:
    catalog = Catalog(project="BP Terrain", locale="fr", charset="utf-8")
    for package in PACKAGES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")],
            keywords=KEYWORDS,
        ):
            catalog.add(
                message,
                None,
                [(f"{package}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def load_po() -> Catalog:
    if not PO.exists():
        return Catalog(locale="en", project="BP Terrain", charset="utf-8")
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def fields(text: str) -> set[str]:
    return set(FIELD.findall(text))


def problems(source: Catalog, english: Catalog) -> list[str]:
    """Every source string needs an English translation with the same {fields}."""
    found = []
    for message in source:
        if not message.id:
            continue
        translated = english.get(message.id)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if (
            translated is None
            or not translated.string
            or (isinstance(translated.string, tuple) and not all(translated.string))
        ):
            found.append(f"missing: {ids[0]!r}")
            continue
        strings = (
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        )
        want = set().union(*(fields(i) for i in ids))
        for s in strings:
            if fields(s) != want:
                found.append(f"fields differ: {ids[0]!r} -> {s!r}")
    return found


def compile_mo(catalog: Catalog) -> bytes:
    buf = BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def mo_messages(data: bytes) -> dict[object, str]:
    """The translations held by compiled `.mo` bytes, without the header entry.

    The header records the Babel version that wrote the file (and its creation date), which
    changes from one set-up to another while every translation stays the same.
    """
    messages = dict(gettext.GNUTranslations(BytesIO(data))._catalog)  # type: ignore[attr-defined]
    messages.pop("", None)
    return messages


def mo_is_current(data: bytes, catalog: Catalog) -> bool:
    """True when the compiled bytes hold exactly the translations of the `.po` catalog."""
    return mo_messages(data) == mo_messages(compile_mo(catalog))


def update() -> None:
    source = extract()
    english = load_po()
    created = english.creation_date  # kept: a new date on every update made parallel work conflict
    english.update(source, no_fuzzy_matching=True)
    english.creation_date = created
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(
            f,
            english,
            width=100,
            no_location=True,
            omit_header=False,
            sort_output=True,
            ignore_obsolete=True,
        )
    english = load_po()
    MO.write_bytes(compile_mo(english))


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action == "update":
        update()
    issues = problems(extract(), load_po())
    for line in issues:
        print(line)
    print(f"{len(issues)} problem(s)")
    return 1 if issues and action == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
