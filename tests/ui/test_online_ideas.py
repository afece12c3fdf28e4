"""Online ideas in the app (docs/platform.md): the campaign's switch, and the moderation of the
ideas proposed on the site in Réunions & idées → Idées, with the keyboard (pytest-qt)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.domain import models as m
from app.storage.tables import IdeaRow
from ui.screens.campaign.screen import CampaignScreen
from ui.screens.meetings.screen import MeetingsScreen


def show(qtbot, screen):  # type: ignore[no-untyped-def]
    qtbot.addWidget(screen)
    screen.resize(1300, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def proposed_online(services, title: str, name: str = "", public: bool = False) -> str:  # type: ignore[no-untyped-def]
    """An idea as the server writes it from the site's form (arrived by sync)."""
    campaign = services.campaigns.get_campaign()
    residence = services.campaigns.list_residences()[0]
    with services.uow() as session:
        row = IdeaRow(
            campaign_id=campaign.id, residence_id=residence.id, title=title,
            description="Proposée sur le site.", origin="online",
            moderation=m.MODERATION_PENDING, online_name=name,
            online_contact="06 12 34 56 78" if name else "", name_public=public,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def close_if_open(window: QDialog) -> None:
    """A watchdog: close a window a test left open (it may be gone already)."""
    if shiboken6.isValid(window) and window.isVisible():
        window.reject()


def answer_next(qtbot, key: str, text: str = "") -> list[QDialog]:  # type: ignore[no-untyped-def]
    """Answer the next modal window with the keyboard: type `text` in its field (the refusal's
    reason), then press Entrée ("enter") or Échap ("escape"). A window still open two seconds
    later is closed, so that a failing test fails instead of waiting."""
    seen: list[QDialog] = []

    def act() -> None:
        window = QApplication.activeModalWidget()
        if window is None:
            QTimer.singleShot(20, act)
            return
        seen.append(window)  # type: ignore[arg-type]
        if text:
            qtbot.keyClicks(window.reason, text)  # type: ignore[attr-defined]
        qtbot.keyClick(window, Qt.Key.Key_Escape if key == "escape" else Qt.Key.Key_Return)
        QTimer.singleShot(2000, lambda: close_if_open(window))

    QTimer.singleShot(0, act)
    return seen


def test_the_campaign_switch_is_saved_at_once(ctx, qtbot) -> None:
    """(Off for a new campaign: tests/sync/test_site_ideas.py; the demo opens it.)"""
    screen = show(qtbot, CampaignScreen(ctx))
    box = screen.form.online_ideas
    assert box.isChecked() and ctx.services.campaigns.get_campaign().online_ideas  # the demo
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not ctx.services.campaigns.get_campaign().online_ideas
    assert ctx.notices[-1] == "Idées en ligne fermées."
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert ctx.services.campaigns.get_campaign().online_ideas
    assert "Idées en ligne ouvertes" in ctx.notices[-1]


def test_moderate_online_ideas_with_the_keyboard(ctx, qtbot, tmp_path) -> None:
    services = ctx.services
    services.campaigns.set_online_ideas(True)
    compost = proposed_online(services, "Composteur collectif", "Inès Martin", public=True)
    mural = proposed_online(services, "Fresque murale")
    screen = show(qtbot, MeetingsScreen(ctx))
    panel = screen.ideas
    screen.tabs.setCurrentWidget(panel)
    ideas_kept = len(services.ideas.list_ideas())
    assert panel.proxy.rowCount() == ideas_kept  # not among the ideas kept before moderation
    assert panel.online_filter.isVisibleTo(panel)
    assert "à modérer (2)" in panel.online_filter.itemText(1)
    panel.show_pending()
    assert {i.id for i in panel.visible_ideas()} == {compost, mural}
    assert panel.view.select_row_where(lambda i: i.id == compost)
    box = panel.moderation
    assert box.isVisible() and "à modérer" in box.state.text()
    assert "Inès Martin" in box.details.text() and "oui (accord donné)" in box.details.text()
    assert "06 12 34 56 78" in box.details.text()
    assert panel.proxy.index(panel.view.currentIndex().row(), 3).data() == "En ligne"
    path = tmp_path / "moderation.png"
    assert screen.grab().save(str(path)) and path.stat().st_size > 10_000

    box.accept_button.setFocus()
    seen = answer_next(qtbot, "escape")
    qtbot.keyClick(box.accept_button, Qt.Key.Key_Space)
    assert seen and isinstance(seen[0], QMessageBox) and "sans le nom" in seen[0].text()
    assert services.ideas.get_idea(compost).moderation == m.MODERATION_PENDING
    seen = answer_next(qtbot, "enter")
    qtbot.keyClick(box.accept_button, Qt.Key.Key_Space)
    assert services.ideas.get_idea(compost).moderation == m.MODERATION_ACCEPTED
    assert "Idée acceptée." in ctx.notices
    assert compost in {i.id for i in services.ideas.list_ideas()}  # an idea like the others

    panel.show_pending()
    assert [i.id for i in panel.visible_ideas()] == [mural]
    assert panel.view.select_row_where(lambda i: i.id == mural)
    assert "Proposée sans nom." in box.details.text()
    box.refuse_button.setFocus()
    seen = answer_next(qtbot, "enter")  # no reason: Entrée does nothing, the dialog stays
    qtbot.keyClick(box.refuse_button, Qt.Key.Key_Space)
    assert seen and not seen[0].ok.isEnabled()  # type: ignore[attr-defined]
    assert services.ideas.get_idea(mural).moderation == m.MODERATION_PENDING
    seen = answer_next(qtbot, "enter", "Hors du budget")
    qtbot.keyClick(box.refuse_button, Qt.Key.Key_Space)
    refused = services.ideas.get_idea(mural)
    assert refused.moderation == m.MODERATION_REFUSED
    assert refused.moderation_reason == "Hors du budget"
    assert mural not in {i.id for i in services.ideas.list_ideas()}
    assert "à modérer (0)" in panel.online_filter.itemText(1)
