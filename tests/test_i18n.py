"""Every French source string has an English translation with the same {fields}."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
assert spec and spec.loader
i18n_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n_tool)


def test_every_string_is_translated_with_the_same_fields():
    problems = i18n_tool.problems(i18n_tool.extract(), i18n_tool.load_po())
    assert problems == [], "\n".join(problems[:40]) + "\nRun: .venv/bin/python tools/i18n.py update"


def test_compiled_catalog_is_up_to_date():
    """Compared message by message: another Babel version writes another header."""
    assert i18n_tool.mo_is_current(i18n_tool.MO.read_bytes(), i18n_tool.load_po())


def test_catalog_comparison_ignores_the_header_but_not_a_translation():
    po = i18n_tool.load_po()
    compiled = i18n_tool.compile_mo(po)
    version = re.search(rb"Generated-By: Babel [0-9.]+", compiled)
    assert version is not None
    older = compiled.replace(
        version.group(0), b"Generated-By: Babel 0.0.0".ljust(len(version.group(0)))
    )
    assert older != compiled and i18n_tool.mo_is_current(older, po)
    changed = compiled.replace(b"Meetings", b"Meatings")
    assert changed != compiled and not i18n_tool.mo_is_current(changed, po)


def test_switching_language_translates_and_french_plural_rule():
    from app import i18n

    try:
        i18n.set_language("en")
        assert isinstance(i18n._current, gettext.GNUTranslations)
        assert i18n._("Réunions") != "Réunions" or i18n._("Réunions") == "Meetings"
    finally:
        i18n.set_language("fr")
    assert i18n.ngettext("{n} bulletin lu", "{n} bulletins lus", 0) == "{n} bulletin lu"
    assert i18n.ngettext("{n} bulletin lu", "{n} bulletins lus", 2) == "{n} bulletins lus"
