"""`check-deck`: a counted test deck compared with its expectation file (`FILE.expected.json`,
written beside the deck when it was printed). The comparison is `app.domain.counting.deck`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.counting.deck import DeckCheck, compare_deck
from app.errors import UserError
from app.i18n import _
from ballots.testdeck import ExpectedCount, expected_from_json

if TYPE_CHECKING:
    from app.services.counting.service import CountingService


def read_expected(path: Path) -> ExpectedCount:
    """The expectation file, or a French error saying what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(
            _("Fichier introuvable ou illisible : {path}").format(path=path), field="expected"
        ) from exc
    try:
        return expected_from_json(text)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise UserError(
            _(
                "{name} n'est pas le résultat attendu d'un jeu d'essai (le fichier "
                ".expected.json écrit à côté du jeu imprimé)."
            ).format(name=path.name),
            field="expected",
        ) from exc


class DeckCheckService:
    """A counted test deck compared with what it should give (`Services.deck_check`)."""

    def __init__(self, *, counting: CountingService) -> None:
        self.counting = counting

    def check_test_deck(self, session_id: str, expected_path: Path) -> DeckCheck:
        """Compare the session's current tally (its chain verified first) with the deck's."""
        expected = read_expected(expected_path)
        return compare_deck(expected, self.counting.status(session_id))
