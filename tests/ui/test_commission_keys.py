"""Commission grid shortcuts: digits in every language, letters from the translated labels."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain import models as m
from app.i18n import set_language
from tests.ui.test_commission import make_screen, pending_row
from ui.screens.commission.keys import decision_keys, keys_help, shortcut_letters, verdict_keys
from ui.screens.commission.screen import CommissionScreen


def test_letters_are_initials_of_real_words_and_never_collide() -> None:
    assert shortcut_letters(["Respecté", "Non respecté", "À vérifier"]) == ("R", "N", "V")
    assert shortcut_letters(["Recevable", "Non recevable", "À retravailler"]) == ("R", "N", "A")
    assert shortcut_letters(["Met", "Not met", "To check"]) == ("M", "N", "T")
    assert shortcut_letters(["Oui", "Ou", "O"]) == ("O", "U", None)  # "O" has nothing left


def test_french_keys_and_help_match() -> None:
    verdicts, decisions = verdict_keys(), decision_keys()
    assert verdicts[int(Qt.Key.Key_3)] is m.Verdict.UNSURE
    assert verdicts[int(Qt.Key.Key_V)] is m.Verdict.UNSURE
    assert decisions[int(Qt.Key.Key_A)] is m.Decision.REWORK
    assert int(Qt.Key.Key_M) not in verdicts
    text = keys_help()
    assert "1 ou R Respecté, 2 ou N Non respecté, 3 ou V À vérifier" in text
    assert "1 ou R Recevable, 2 ou N Non recevable, 3 ou A À retravailler" in text


def test_english_keys_follow_the_english_labels() -> None:
    set_language("en")
    try:
        verdicts, decisions = verdict_keys(), decision_keys()
        text = keys_help()
    finally:
        set_language("fr")
    assert verdicts[int(Qt.Key.Key_1)] is m.Verdict.MET  # digits never change
    assert verdicts[int(Qt.Key.Key_M)] is m.Verdict.MET
    assert verdicts[int(Qt.Key.Key_T)] is m.Verdict.UNSURE
    assert int(Qt.Key.Key_R) not in verdicts and int(Qt.Key.Key_V) not in verdicts
    assert decisions[int(Qt.Key.Key_E)] is m.Decision.ADMISSIBLE
    assert "1 or M Met, 2 or N Not met, 3 or T To check" in text
    assert "Clavier" not in text and " ou " not in text


def test_english_grid_takes_english_letters(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    set_language("en")
    try:
        screen: CommissionScreen = make_screen(ctx, qtbot)
        row = pending_row(screen)
        screen.view.setFocus()
        screen.view.setCurrentIndex(screen.model.index(row, 1))
        qtbot.keyClick(screen.view, Qt.Key.Key_T)
        assert screen.model.drafts[row].verdicts[screen.model.criteria[0].id] is m.Verdict.UNSURE
        screen.view.setCurrentIndex(screen.model.index(row, screen.model.decision_column))
        qtbot.keyClick(screen.view, Qt.Key.Key_E)
        assert screen.model.drafts[row].decision is m.Decision.ADMISSIBLE
        assert "1 or M Met" in screen.keys_help.text()
    finally:
        set_language("fr")
