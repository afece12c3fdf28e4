"""Translation hooks for the ballots library.

Source strings are French. The library cannot import `app.i18n`, so the application installs its
translation functions here (`install`); until then the French source strings are used as is,
with the French plural rule (0 and 1 are singular).
"""

from __future__ import annotations

from collections.abc import Callable

_gettext: Callable[[str], str] = lambda message: message  # noqa: E731
_ngettext: Callable[[str, str, int], str] | None = None


def install(
    gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str] | None = None
) -> None:
    """Route this library's strings through the application's catalog."""
    global _gettext, _ngettext
    _gettext = gettext
    _ngettext = ngettext


def _(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _ngettext is not None:
        return _ngettext(singular, plural, n)
    return singular if -1 <= n <= 1 else plural


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message
