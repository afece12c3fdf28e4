"""The main window: process navigation, keyboard shortcuts, badges, status bar, zoom, home."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from app.errors import UserError
from ui.main import choose_language, install_qt_translations
from ui.main_window import MainWindow
from ui.screens import screen_keys
from ui.screens.placeholder import PlaceholderScreen
from ui.theme import TONE_ICONS


def test_sidebar_follows_the_process_and_ctrl_digits_open_each_phase(main_window, qtbot):
    assert list(main_window.sidebar.buttons) == screen_keys()
    assert screen_keys()[:5] == ["home", "campaign", "meetings", "projects", "commission"]
    assert main_window.current_key() == "home"
    for number, key in enumerate(screen_keys()[:9], start=1):  # Ctrl+1..9: the first nine
        qtbot.keyClick(
            main_window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier
        )
        assert main_window.current_key() == key
        assert main_window.sidebar.buttons[key].isChecked()


def test_clicking_a_phase_in_the_sidebar_shows_it(main_window, qtbot):
    qtbot.mouseClick(main_window.sidebar.buttons["vote"], Qt.MouseButton.LeftButton)
    assert main_window.current_key() == "vote"
    assert "Vote" in main_window.windowTitle()


def test_status_bar_shows_sync_state_database_and_campaign(main_window, services):
    status = services.status.campaign_status()
    assert status.pending_sync_changes > 1
    bar = main_window.status
    # the demo's laptop was never enrolled: no server, so neither "offline" nor a last sync
    assert bar.sync.text().endswith("Pas de serveur de synchronisation"), bar.sync.text()
    assert "Hors ligne" not in bar.sync.text() and "attente" not in bar.sync.text()
    assert TONE_ICONS["info"] in bar.sync.text()  # colour + icon + word
    assert status.campaign_name in bar.campaign.text()
    assert bar.database.toolTip() == str(services.database_path)


def test_home_answers_where_we_are_and_opens_the_next_step(main_window, qtbot):
    home = main_window.screen("home")
    assert home.heading.text() == "Budget participatif des habitants 2026"
    assert "Phase en cours : Ateliers" in home.subheading.text()
    texts = [b.text() for b in home.step_buttons]
    assert texts[0] == "Noter des idées en atelier"
    assert "Examiner 5 projets" in texts
    assert home.step_buttons[0].property("primary") is True
    assert all(b.property("primary") is False for b in home.step_buttons[1:])
    examine = next(b for b in home.step_buttons if b.text() == "Examiner 5 projets")
    qtbot.mouseClick(examine, Qt.MouseButton.LeftButton)
    assert main_window.current_key() == "commission"


def test_badges_follow_data_changes(main_window, ctx, qtbot):
    home_button = main_window.sidebar.buttons["home"]
    assert home_button.badge_text() == "⚠ 1 alerte"
    assert "1 alerte" in home_button.accessibleName()
    ctx.services.campaigns.add_residence("Le Belvédère", budget_cents=0)
    ctx.changed("residences")
    qtbot.waitUntil(lambda: home_button.badge_text() == "⚠ 2 alertes", timeout=2000)


def test_zoom_in_and_out_with_the_keyboard(main_window, ctx, qtbot):
    app = QApplication.instance()
    base = app.font().pointSizeF()
    qtbot.keyClick(main_window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert ctx.settings.zoom == 110
    assert app.font().pointSizeF() > base
    assert "110" in main_window.status.zoom.text()
    qtbot.keyClick(main_window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert ctx.settings.zoom == 100
    assert app.font().pointSizeF() == base


def test_placeholders_name_the_coming_feature(ctx, qtbot):
    vote = PlaceholderScreen(ctx, "vote")
    qtbot.addWidget(vote)
    assert vote.title == "Vote"
    assert vote.empty.title_label.text() == "Bientôt : impression des bulletins QR"
    sync = PlaceholderScreen(ctx, "sync")
    qtbot.addWidget(sync)
    sync.show()  # refreshes on show
    pending = ctx.services.status.campaign_status().pending_sync_changes
    assert f"{pending} modifications sont enregistrées" in sync.empty.text_label.text()
    with qtbot.waitSignal(ctx.events.navigation_requested) as asked:
        qtbot.mouseClick(sync.empty.button, Qt.MouseButton.LeftButton)
    assert asked.args == ["home"]


def test_empty_data_folder_teaches_how_to_start(empty_ctx, qtbot):
    window = MainWindow(empty_ctx)
    qtbot.addWidget(window)
    window.show()
    home = window.screen("home")
    assert home.empty is not None and home.empty.button is not None
    assert "Aucune campagne" in window.status.campaign.text()
    assert window.sidebar.buttons["campaign"].badge_text().endswith("à créer")
    qtbot.mouseClick(home.empty.button, Qt.MouseButton.LeftButton)
    assert window.current_key() == "campaign"


def test_window_remembers_its_screen(main_window, ctx, qtbot):
    main_window.go_to("projects")
    main_window.close()
    assert ctx.settings.current_screen == "projects"
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.restore_state()
    assert again.current_key() == "projects"


def test_unexpected_errors_are_logged_and_shown_as_an_apology(ctx, caplog):
    box = ctx.show_error(UserError("Le nom est obligatoire."))
    assert box is not None and box.text() == "Le nom est obligatoire."
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        box = ctx.show_error(exc)
    assert box is not None and box.text().startswith("Désolé")
    assert "RuntimeError: boom" in box.detailedText()
    assert "boom" in caplog.text


def test_french_is_the_default_and_qt_speaks_french(qapp, ui_settings):
    assert choose_language(ui_settings, None) == "fr"
    ui_settings.language = "en"
    assert choose_language(ui_settings, None) == "en"
    assert choose_language(ui_settings, "fr") == "fr"
    translators = install_qt_translations(qapp, "fr")
    try:
        assert translators
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    finally:
        for t in translators:
            qapp.removeTranslator(t)


def test_home_model_reports_what_is_late(services):
    from ui.screens.home.model import summarize

    campaign = services.campaigns.get_campaign()
    status = services.status.campaign_status()
    residences = services.campaigns.list_residences()
    after_commission = date.fromordinal(campaign.commission_date.toordinal() + 2)
    summary = summarize(campaign, status, residences, after_commission)
    texts = [a.text for a in summary.late]
    assert "5 projets attendent encore l'examen alors que la commission a eu lieu." in texts
    assert summary.next_date is not None and summary.next_date.label == "Début : Vote"
    assert summary.current_phase is None
    before = summarize(campaign, status, residences, campaign.ideas_start)
    assert before.current_phase == "Collecte des idées"
    assert all("examen" not in a.text for a in before.late)
