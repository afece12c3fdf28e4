"""Translation hooks for the ballots library.

Source strings are French. The library cannot import `app.i18n`, so the application installs its
translation functions here (`install`); until then the French source strings are used as is,
with the French plural rule (0 and 1 are singular).

A document can be printed in another language than the interface's (an English ballot style
printed from a French session): `translated(gettext, ngettext)` installs a catalog for the
duration of a `with` block and puts back whatever was installed before, even on error.
`installed()` reads back the current pair, for callers that manage the swap themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _identity(message: str) -> str:
    return message


_gettext: Gettext = _identity
_ngettext: Ngettext | None = None


def install(gettext: Gettext, ngettext: Ngettext | None = None) -> None:
    """Route this library's strings through the application's catalog.

    Without `ngettext`, plurals follow the French rule on the source strings.
    """
    global _gettext, _ngettext
    _gettext = gettext
    _ngettext = ngettext


def installed() -> tuple[Gettext, Ngettext | None]:
    """The translation functions in use now, as given to `install` (to restore them later)."""
    return _gettext, _ngettext


def uninstall() -> None:
    """Back to the French source strings (what a fresh process uses)."""
    install(_identity, None)


@contextmanager
def translated(gettext: Gettext | None, ngettext: Ngettext | None = None) -> Iterator[None]:
    """Render in another language inside the block, then restore the previous functions.

    `translated(None)` prints the French source strings whatever is installed. The swap is
    process-wide (the library has no per-call language), so do not render two documents in two
    languages at the same time from two threads.
    """
    saved = installed()
    install(gettext or _identity, ngettext if gettext is not None else None)
    try:
        yield
    finally:
        install(*saved)


def _(message: str) -> str:
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _ngettext is not None:
        return _ngettext(singular, plural, n)
    return singular if -1 <= n <= 1 else plural


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message
