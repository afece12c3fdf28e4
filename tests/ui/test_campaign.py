"""The Campagne screen: save-as-you-type, inline errors, residences and criteria with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow
from ui.screens.campaign.screen import CampaignScreen


@pytest.fixture
def screen(ctx, qtbot) -> CampaignScreen:
    widget = CampaignScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def test_typing_saves_the_campaign_and_says_so(screen, ctx, qtbot):
    form = screen.form
    form.name.selectAll()
    qtbot.keyClicks(form.name, "BP Tilleuls 2026")
    qtbot.waitUntil(
        lambda: ctx.services.campaigns.get_campaign().name == "BP Tilleuls 2026", timeout=3000
    )
    assert "Enregistré" in screen.hint.text()
    assert form.name.text() == "BP Tilleuls 2026"  # not overwritten by the reload


def test_empty_name_is_refused_under_the_field_and_nothing_is_lost(screen, ctx, qtbot):
    before = ctx.services.campaigns.get_campaign().name
    form = screen.form
    form.name.clear()
    form._touched()
    assert form.saver.flush() is False
    assert "name" in form.form.errors()
    assert ctx.services.campaigns.get_campaign().name == before
    assert "Non enregistré" in screen.hint.text()


def test_bad_dates_are_shown_under_the_date_concerned(screen, ctx):
    form = screen.form
    form.dates["vote_end"].setText("31/02/2027")
    form._touched()
    assert form.saver.flush() is False
    assert "31/02/2027" in form.form.errors()["vote_end"]
    form.dates["vote_end"].set_value(ctx.services.campaigns.get_campaign().vote_end)
    commission = ctx.services.campaigns.get_campaign().commission_date
    form.dates["vote_start"].setText(commission.replace(day=1).strftime("%d/%m/%Y"))
    form._touched()
    assert form.saver.flush() is False
    assert "avant la commission" in form.form.errors()["vote_start"]


def test_themes_one_per_line(screen, ctx):
    screen.form.themes.setPlainText("Jardins\nJeux\n\nJardins")
    assert screen.form.saver.flush()
    assert ctx.services.campaigns.get_campaign().themes == ("Jardins", "Jeux")


def test_add_a_residence_with_enter_and_refuse_a_duplicate(screen, ctx, qtbot):
    screen.tabs.setCurrentWidget(screen.residences)
    panel = screen.residences
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.detail_title.text() == "Nouvelle résidence"
    qtbot.keyClicks(panel.name, "Le Belvedere")  # keyClicks is ASCII-only (Qt asserts)
    qtbot.keyClicks(panel.budget, "12 500,50")
    qtbot.keyClick(panel.name, Qt.Key.Key_Return)
    added = next(r for r in ctx.services.campaigns.list_residences() if r.name == "Le Belvedere")
    assert added.budget_cents == 12_500_50
    assert panel.model.row_of(lambda r: r.id == added.id) >= 0
    assert "4 résidences" in panel.total.text()
    panel.start_new()
    qtbot.keyClicks(panel.name, "le belvedere")
    panel.create()
    assert "existe" in panel.form.errors()["name"] or "déjà" in panel.form.errors()["name"]


def test_residence_budget_is_checked_inline(screen, ctx):
    panel = screen.residences
    panel.reload()
    panel.budget.setText("-5")
    panel._touched()
    assert panel.saver.flush() is False
    assert "négatif" in panel.form.errors()["budget_cents"]


def test_delete_an_empty_residence_then_undo(screen, ctx, qtbot):
    panel = screen.residences
    empty = ctx.services.campaigns.add_residence("Résidence vide", budget_cents=1000_00)
    panel.reload()
    assert panel.table.select_row_where(lambda r: r.id == empty.id)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert empty.id not in {r.id for r in ctx.services.campaigns.list_residences()}
    assert ctx.notices[-1] == "Résidence « Résidence vide » supprimée."
    panel.undo_delete()
    assert empty.id in {r.id for r in ctx.services.campaigns.list_residences()}


def test_a_residence_with_ideas_cannot_be_deleted(screen, ctx):
    panel = screen.residences
    panel.reload()
    used = ctx.services.campaigns.list_residences()[0]
    assert panel.table.select_row_where(lambda r: r.id == used.id)
    panel.delete()
    assert "ne peut pas être supprimée" in panel.action_error.error_text()
    assert used.id in {r.id for r in ctx.services.campaigns.list_residences()}


def test_criteria_edit_add_remove_and_undo(screen, ctx, qtbot):
    panel = screen.criteria
    panel.reload()
    first = ctx.services.campaigns.list_criteria()[0]
    assert panel.label.text() == first.label
    panel.description.setPlainText("Vérifié sur place.")
    assert panel.saver.flush()
    assert ctx.services.campaigns.list_criteria()[0].description == "Vérifié sur place."
    panel.start_new()
    qtbot.keyClicks(panel.label, "Accessible a tous")
    qtbot.keyClick(panel.label, Qt.Key.Key_Return)
    labels = [c.label for c in ctx.services.campaigns.list_criteria()]
    assert labels[-1] == "Accessible a tous"
    panel.remove()
    assert "Accessible a tous" not in [c.label for c in ctx.services.campaigns.list_criteria()]
    panel.undo_remove()
    assert [c.label for c in ctx.services.campaigns.list_criteria()][-1] == "Accessible a tous"


def test_create_the_first_campaign(empty_ctx, qtbot):
    window = MainWindow(empty_ctx)
    qtbot.addWidget(window)
    window.show()
    window.go_to("campaign")
    screen = window.screen("campaign")
    assert screen.form.create_button.isVisible()
    assert not screen.tabs.isTabEnabled(1)
    qtbot.mouseClick(screen.form.create_button, Qt.MouseButton.LeftButton)
    assert "name" in screen.form.form.errors()
    qtbot.keyClicks(screen.form.name, "Budget des Lilas")
    window.activateWindow()  # a real window has the focus: the click leaves it on the button
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    screen.form.create_button.setFocus()
    assert QApplication.focusWidget() is screen.form.create_button
    qtbot.mouseClick(screen.form.create_button, Qt.MouseButton.LeftButton)
    assert empty_ctx.services.campaigns.get_campaign().name == "Budget des Lilas"
    assert screen.tabs.isTabEnabled(1)
    assert not screen.form.create_button.isVisible()  # it stayed after the field test's click
    window.go_to("home")
    window.go_to("campaign")
    assert not screen.form.create_button.isVisible()
    qtbot.waitUntil(lambda: "Budget des Lilas" in window.status.campaign.text(), timeout=2000)


def test_date_fields_are_named_with_whole_translated_sentences(ctx, qtbot):
    from app.i18n import set_language
    from ui.screens.campaign.form import CampaignForm
    from ui.widgets import SavedHint

    french = CampaignForm(ctx, SavedHint())
    qtbot.addWidget(french)
    assert french.dates["workshops_start"].accessibleName() == "Ateliers : début"
    assert french.dates["workshops_end"].accessibleName() == "Ateliers : fin"
    assert french.dates["results_date"].accessibleName() == "Résultats : date"
    set_language("en")
    try:
        english = CampaignForm(ctx, SavedHint())
        qtbot.addWidget(english)
    finally:
        set_language("fr")
    assert english.dates["workshops_start"].accessibleName() == "Workshops: start"
    assert english.dates["workshops_end"].toolTip() == "Workshops: end"
