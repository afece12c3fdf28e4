"""The Campagne screen's « Règle de résultats » tab on the demo data: declare, inline errors,
the drawn lot read out by number and title, read-only once a live count is open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from ui.screens.campaign.screen import CampaignScreen

PASSPHRASE = "une phrase secrète assez longue pour les tests"


@pytest.fixture
def screen(ctx, qtbot) -> CampaignScreen:
    widget = CampaignScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    widget.refresh()
    widget.tabs.setCurrentIndex(3)
    return widget


def declared(ctx):  # type: ignore[no-untyped-def]
    campaign = ctx.services.campaigns.get_campaign()
    return ctx.services.counting.get_results_rule(campaign.id)


def test_tab_shows_the_default_rule_in_plain_french(screen):
    panel = screen.rule
    assert screen.tabs.tabText(3) == "Règle de résultats"
    assert panel.rule_buttons["greedy"].isChecked()
    assert "on passe un projet trop cher" in panel.rule_buttons["greedy"].text()
    assert not panel.top_up.isEnabled()  # Equal Shares options only for that rule
    assert "Pas encore de tirage" in panel.lot.text()
    assert panel.locked.isHidden() and panel.save_button.isEnabled()


def test_choose_equal_shares_with_options_and_a_seed_then_save(screen, ctx, qtbot):
    panel = screen.rule
    mes = panel.rule_buttons["mes"]  # click on its circle: the row is wider than its text
    qtbot.mouseClick(mes, Qt.MouseButton.LeftButton, pos=QPoint(6, mes.height() // 2))
    assert panel.top_up.isEnabled()
    panel.top_up.setChecked(True)
    panel.overspend_only.setChecked(True)
    panel.threshold.selectAll()
    qtbot.keyClicks(panel.threshold, "4")
    qtbot.keyClicks(panel.seed, "7 12 31")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    rule = declared(ctx)
    assert (rule.rule, rule.threshold, rule.top_up, rule.add1_exhaustive_stop) == (
        "mes",
        4,
        True,
        False,
    )
    assert rule.lot_seed == "7 12 31" and rule.lot
    text = panel.lot.text()
    assert "Ordre tiré" in text
    for place in rule.lot:
        assert f"n° {place.number} {place.title}" in text and place.residence in text
    assert "Enregistré" in panel.hint.text()


def test_bad_threshold_is_shown_under_its_field_and_nothing_saved(screen, ctx, qtbot):
    panel = screen.rule
    panel.threshold.selectAll()
    qtbot.keyClicks(panel.threshold, "abc")
    assert panel.save() is False
    assert "nombre entier" in panel.form.errors()["threshold"]
    assert declared(ctx).declared is False


def test_open_count_makes_the_tab_read_only_with_the_reason(screen, ctx, qtbot):
    residence = ctx.services.campaigns.list_residences()[0]
    ctx.services.counting.open_session(residence.id, "Agent", passphrase=PASSPHRASE)
    ctx.changed("count")
    screen.refresh()
    panel = screen.rule
    assert "déclarez la règle avant d'ouvrir le dépouillement" in panel.locked.text()
    assert panel.locked.isVisible()
    assert not panel.save_button.isEnabled() and not panel.form.isEnabled()


def test_service_refusal_appears_in_the_tab(screen, ctx, qtbot):
    """A count opened elsewhere after the tab was shown: the refusal is shown, not lost."""
    residence = ctx.services.campaigns.list_residences()[0]
    ctx.services.counting.open_session(residence.id, "Agent", passphrase=PASSPHRASE)
    assert screen.rule.save() is False
    assert "avant d'ouvrir le dépouillement" in screen.rule.locked.text()
    assert declared(ctx).declared is False
