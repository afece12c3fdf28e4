"""Every character the screens show is drawn by the bundled font (no missing-glyph box).

The results screen showed a box before "Dépouillement scellé": a padlock emoji that DejaVu Sans
lacks. Every non-ASCII character written in the application's code and in the English catalog
must be in both shipped faces (regular and bold), checked in the font files themselves.
"""

from __future__ import annotations

import unicodedata
from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFont, QRawFont

ROOT = Path(__file__).resolve().parents[2]
SHOWN = ("ui", "app")  # every screen's text and the services' messages
CATALOG = ROOT / "resources" / "locales" / "en" / "LC_MESSAGES" / "bp_terrain.po"


def shown_characters() -> dict[str, str]:
    """Each non-ASCII character of the code and the catalog, with one file that uses it."""
    found: dict[str, str] = {}
    files = [p for top in SHOWN for p in sorted((ROOT / top).rglob("*.py"))] + [CATALOG]
    for path in files:
        for char in path.read_text(encoding="utf-8"):
            if ord(char) > 127 and unicodedata.category(char)[0] != "C":
                found.setdefault(char, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("face", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"])
def test_every_character_shown_is_in_the_bundled_font(qapp, face):
    data = (resources.files("resources") / "fonts" / face).read_bytes()
    font = QRawFont()
    font.loadFromData(QByteArray(data), 12, QFont.HintingPreference.PreferDefaultHinting)
    assert font.isValid()
    characters = shown_characters()
    assert "✔" in characters and "€" in characters  # the scan sees the symbols in use
    missing = {
        f"{char} U+{ord(char):04X} {unicodedata.name(char, '?')} ({where})"
        for char, where in characters.items()
        if not font.supportsCharacter(ord(char))
    }
    assert not missing, sorted(missing)
