"""Site public screen: write and publish a news post, follow a funded project, read and handle
the messages from the site (on the demo, which is published)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from app.domain import site as d
from app.domain.dates import format_date
from app.storage.site_tables import SiteMessageRow
from ui.screens.site.screen import SiteScreen


def test_news_written_and_published_from_the_screen(ctx, qtbot):  # type: ignore[no-untyped-def]
    screen = SiteScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.reload()
    assert "publiée" in screen.header.subtitle_label.text()
    before = screen.news.list.count()
    screen.news.new()
    screen.news.title.setText("Réunion de rentrée")
    screen.news.body.setPlainText("Rendez-vous **jeudi** à la loge.")
    screen.news.save()
    assert screen.news.list.count() == before + 1
    [post] = [p for p in ctx.services.site.list_news() if p.title == "Réunion de rentrée"]
    assert not post.published
    qtbot.mouseClick(screen.news.publish_button, Qt.MouseButton.LeftButton)
    assert [p.published for p in ctx.services.site.list_news() if p.id == post.id] == [True]
    assert "Retirer du site" == screen.news.publish_button.text()


def test_followup_of_a_project(ctx, qtbot):  # type: ignore[no-untyped-def]
    screen = SiteScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.reload()
    panel = screen.followup
    assert panel.project.count() > 0
    panel.status.setCurrentIndex(panel.status.findData("in_progress"))
    panel.milestones.setPlainText("2027-03-01 ; Commande des bacs ; fait\n2027-04-15 ; Pose")
    panel.save()
    follow = ctx.services.site.followup(panel.project.currentData())
    assert follow.status == "in_progress"
    assert follow.milestones == (
        d.Milestone(datetime(2027, 3, 1).date(), "Commande des bacs", True),
        d.Milestone(datetime(2027, 4, 15).date(), "Pose", False),
    )
    panel.toggle_publish()
    assert ctx.services.site.followup(panel.project.currentData()).published


def test_messages_from_the_site_are_listed_and_handled(ctx, qtbot):  # type: ignore[no-untyped-def]
    campaign_id = ctx.services.campaigns.get_campaign().id
    with ctx.services.uow() as session:  # as a sync would write it
        session.add(SiteMessageRow(
            campaign_id=campaign_id, residence_id="", name="", message="<b>Bonjour</b>",
            reply_how="none", contact="", received_at=datetime.now(UTC),
        ))  # fmt: skip
    screen = SiteScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.reload()
    assert screen.badge() == "1 message(s)"
    assert screen.inbox.model.rowCount() == 1
    screen.inbox.table.selectRow(0)
    assert screen.inbox.text.text() == "<b>Bonjour</b>"  # shown as plain text
    assert screen.inbox.text.textFormat() == Qt.TextFormat.PlainText
    [message] = ctx.services.inbox.messages()
    assert message.erase_on is not None  # a year after the campaign's end (docs/platform.md)
    day = format_date(message.erase_on, weekday=False)
    assert f"Effacé automatiquement le {day}" in screen.inbox.reply.text()
    screen.inbox.toggle_answered()
    assert ctx.services.inbox.messages() == []
    assert screen.badge() is None


def test_preview_serves_the_site_from_this_laptop(ctx, qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    import time

    import httpx
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    screen = SiteScreen(ctx)
    qtbot.addWidget(screen)
    screen.open_preview()
    try:
        deadline, page = time.monotonic() + 60, None
        while time.monotonic() < deadline and page is None:
            try:
                page = httpx.get(screen.preview_url + "c/hs26/", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.3)
        assert page is not None and page.status_code == 200
        assert "Budget participatif des habitants 2026" in page.text
        qtbot.waitUntil(lambda: opened == [screen.preview_url], timeout=10_000)
    finally:
        screen.stop_preview()
    assert screen.preview_process is None
