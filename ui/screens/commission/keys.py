"""Keyboard shortcuts of the commission grid, in every language.

The digits 1/2/3 are the primary keys and never change. Each choice also answers to a letter taken
from its translated label, so the letters follow the language: R/N/V for "Respecté", "Non
respecté", "À vérifier" in French, M/N/T for "Met", "Not met", "To check" in English. The letter
is the initial of the label's first real word ("À" is skipped), else the first free letter of the
label; a set of choices whose letters would collide keeps only the letters it can give uniquely.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import Qt

from app.domain import models as m
from app.i18n import _

T = TypeVar("T")

VERDICT_ORDER = (m.Verdict.MET, m.Verdict.NOT_MET, m.Verdict.UNSURE)
DECISION_ORDER = (m.Decision.ADMISSIBLE, m.Decision.INADMISSIBLE, m.Decision.REWORK)
DIGIT_KEYS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)


def _ascii_upper(text: str) -> str:
    """ "À vérifier" -> "A VERIFIER": letters a keyboard types without a dead key."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(c for c in decomposed if c.isascii())


def _candidates(label: str) -> list[str]:
    """Letters to try for a label, best first: initials of real words, any initial, any letter."""
    words = _ascii_upper(label).split()
    initials = [w[0] for w in words if len(w) > 1 and w[0].isalpha()]
    initials += [w[0] for w in words if w[0].isalpha()]
    return initials + [c for w in words for c in w if c.isalpha()]


def shortcut_letters(labels: Sequence[str]) -> tuple[str | None, ...]:
    """One distinct upper-case letter per label (None when none is left), in order."""
    taken: set[str] = set()
    letters: list[str | None] = []
    for label in labels:
        letter = next((c for c in _candidates(label) if c not in taken), None)
        if letter is not None:
            taken.add(letter)
        letters.append(letter)
    return tuple(letters)


def _keys(order: Sequence[T], labels: dict[T, str]) -> dict[int, T]:
    keys: dict[int, T] = {int(k): c for k, c in zip(DIGIT_KEYS, order, strict=True)}
    for choice, letter in zip(order, shortcut_letters([_(labels[c]) for c in order]), strict=True):
        if letter is not None:
            keys[ord(letter)] = choice  # Qt's key code of a letter is its upper-case ASCII code
    return keys


def verdict_keys() -> dict[int, m.Verdict]:
    """Key codes (as `int(event.key())`) that set a criterion's verdict, in the current language."""
    return _keys(VERDICT_ORDER, m.VERDICT_LABELS)


def decision_keys() -> dict[int, m.Decision]:
    """Key codes (as `int(event.key())`) that set the decision, in the current language."""
    return _keys(DECISION_ORDER, m.DECISION_LABELS)


def _choices_help(order: Sequence[T], labels: dict[T, str]) -> str:
    names = [_(labels[c]) for c in order]
    parts = []
    for digit, (name, letter) in enumerate(zip(names, shortcut_letters(names), strict=True), 1):
        if letter is None:
            parts.append(_("{digit} {label}").format(digit=digit, label=name))
        else:
            parts.append(
                _("{digit} ou {letter} {label}").format(digit=digit, letter=letter, label=name)
            )
    return ", ".join(parts)


def keys_help() -> str:
    """The line under the grid that lists the keys, built from the same letters as the keys."""
    return _(
        "Clavier : flèches pour se déplacer · critères : {verdicts} · Décision : {decisions} · "
        "coût et motif : tapez directement · Entrée enregistre la ligne"
    ).format(
        verdicts=_choices_help(VERDICT_ORDER, m.VERDICT_LABELS),
        decisions=_choices_help(DECISION_ORDER, m.DECISION_LABELS),
    )
