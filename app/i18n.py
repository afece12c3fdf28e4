"""Translations with gettext; French is the source language.

Source strings are written in French. English is a catalog in
`resources/locales/en/LC_MESSAGES/bp_terrain.po` (compiled to `.mo`). `set_language` switches the
process-wide language; `_`, `ngettext` and `N_` always look up the current catalog, so modules can
import them once at the top.
"""

from __future__ import annotations

import gettext as _gettext
from importlib import resources
from pathlib import Path

DOMAIN = "bp_terrain"
LANGUAGES = ("fr", "en")

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "fr"


def locale_dir() -> Path:
    return Path(str(resources.files("resources") / "locales"))


def set_language(language: str) -> None:
    """Select "fr" (the source strings) or "en" (the English catalog)."""
    global _current, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _language = language
    if language == "fr":
        _current = _gettext.NullTranslations()
    else:
        _current = _gettext.translation(DOMAIN, locale_dir(), languages=[language], fallback=True)


def language() -> str:
    return _language


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural lookup; without a catalog apply the French rule (0 and 1 are singular)."""
    if isinstance(_current, _gettext.GNUTranslations):
        return _current.ngettext(singular, plural, n)
    return singular if n in (0, 1) or (-1 <= n <= 1) else plural


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def _install_in_libraries() -> None:
    """Route the pure libraries' strings (which cannot import app) through this catalog."""
    from ballots import i18n as ballots_i18n

    ballots_i18n.install(_, ngettext)


_install_in_libraries()
