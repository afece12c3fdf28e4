"""argparse's own words ("usage:", "error:", "the following arguments are required"...) in the
language of the command line, through the project's gettext catalog.

argparse writes English and translates through the standard `gettext` domain, which no catalog
fills for French. Each of its messages is mapped here to a French source string marked with
`N_`, so that it is extracted with the others and translated back to English by the catalog
when `--lang en` is chosen. `translated_argparse()` routes argparse's lookups through this map
while the parser is built and used, then puts argparse back as it was.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from app.i18n import N_, _, ngettext

#: argparse's message (Python 3.11 to 3.13) -> our French source string.
MESSAGES: dict[str, str] = {
    "usage: ": N_("utilisation : "),
    "positional arguments": N_("arguments positionnels"),
    "options": N_("options"),
    "optional arguments": N_("options"),
    "show this help message and exit": N_("afficher cette aide et quitter"),
    "%(prog)s: error: %(message)s\n": N_("%(prog)s : erreur : %(message)s\n"),
    "the following arguments are required: %s": N_("ces arguments sont obligatoires : %s"),
    "one of the arguments %s is required": N_("l'un de ces arguments est obligatoire : %s"),
    "argument %(argument_name)s: %(message)s": N_("argument %(argument_name)s : %(message)s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_(
        "choix invalide : %(value)r (choisir parmi %(choices)s)"
    ),
    "unrecognized arguments: %s": N_("arguments non reconnus : %s"),
    "not allowed with argument %s": N_("incompatible avec l'argument %s"),
    "expected one argument": N_("une valeur attendue"),
    "expected at most one argument": N_("une valeur au plus attendue"),
    "expected at least one argument": N_("au moins une valeur attendue"),
    "invalid %(type)s value: %(value)r": N_("valeur invalide (%(type)s attendu) : %(value)r"),
    "ambiguous option: %(option)s could match %(matches)s": N_(
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "ignored explicit argument %r": N_("valeur ignorée : %r"),
    "unexpected option string: %s": N_("option inattendue : %s"),
    "can't open '%(filename)s': %(error)s": N_("impossible d'ouvrir « %(filename)s » : %(error)s"),
    "unknown parser %(parser_name)r (choices: %(choices)s)": N_(
        "commande inconnue %(parser_name)r (choix : %(choices)s)"
    ),
}


def _expected(n: int) -> str:
    return ngettext("%s valeur attendue", "%s valeurs attendues", n)


#: argparse's plural messages -> our French singular and plural, looked up for `n`.
PLURALS: dict[tuple[str, str], Callable[[int], str]] = {
    ("expected %s argument", "expected %s arguments"): _expected,
}


def argparse_gettext(message: str) -> str:
    """argparse's `_`: our translation of its message, or the message itself if unknown."""
    source = MESSAGES.get(message)
    return _(source) if source is not None else message


def argparse_ngettext(singular: str, plural: str, n: int) -> str:
    translate = PLURALS.get((singular, plural))
    if translate is None:
        return singular if n == 1 else plural
    return translate(n)


@contextmanager
def translated_argparse() -> Iterator[None]:
    """argparse speaks the current language until the block ends."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = argparse_ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def language_in(argv: Sequence[str]) -> str | None:
    """The `--lang` value given anywhere on the command line (before or after the command), so
    that the parser and its help are built in that language."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None
