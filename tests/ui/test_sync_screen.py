"""The Synchronisation screen and the status bar, with a real server process on loopback.

The main window on the demo data; the task runner is the inline one (the sync runs at once, on
the calling thread: deterministic). Enrolment from the screen, the status bar's three words,
a conflict resolved side by side, the enrolled laptops for a consultant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.services import open_services
from sync.client import sync_once
from sync.core.tables import Role
from tests.sync.conftest import Server, start_server, stop_server


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "server")
    yield running
    stop_server(running)


def test_enrol_sync_status_bar_and_conflict_side_by_side(  # type: ignore[no-untyped-def]
    main_window, sync_server: Server, tmp_path: Path, qtbot
) -> None:
    bar = main_window.status
    assert bar.sync.text().endswith("Pas de serveur de synchronisation")  # never enrolled
    main_window.go_to("sync")
    screen = main_window.screen("sync")
    assert "pas encore inscrit" in screen.role_label.text()
    assert not screen.sync_button.isEnabled()

    # enrol from the screen: the demo goes up, the status bar says "À jour"
    screen.server.setText(sync_server.url)
    screen.code.setText(sync_server.code(Role.CONSULTANT))
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    assert screen.error_label.text() == ""
    assert bar.sync.text().endswith("À jour"), bar.sync.text()
    assert "consultant, poste n° 1" in screen.role_label.text()
    assert screen.sync_button.isEnabled()
    assert [d.role for d in screen.devices_model.rows()] == ["consultant"]

    # a change waits: "1 modification en attente", until the next sync
    services = main_window.ctx.services
    residence = services.campaigns.list_residences()[0]
    services.campaigns.update_residence(
        residence.id, name=residence.name, dwellings=residence.dwellings + 1
    )
    main_window.ctx.changed("residences")
    main_window.refresh_chrome()
    assert bar.sync.text().endswith("1 modification en attente"), bar.sync.text()

    # another laptop edits the same field: a conflict, side by side on the consultant's screen
    other = tmp_path / "other"
    sync_once(other, server=sync_server.url, code=sync_server.code(Role.FIELD))
    o = open_services(other)
    o.campaigns.update_residence(residence.id, name=residence.name, dwellings=999)
    o.close()
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)  # A's edit first
    sync_once(other)  # the clash
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    assert len(screen.conflicts_model.rows()) == 1
    assert screen.mine_card.value.text() == str(residence.dwellings + 1)
    assert screen.theirs_card.value.text() == "999"
    assert screen.theirs_card.keep.isEnabled()
    qtbot.mouseClick(screen.theirs_card.keep, Qt.MouseButton.LeftButton)
    assert screen.conflicts_model.rows() == []  # resolved, and sent at once
    assert (
        next(r.dwellings for r in services.campaigns.list_residences() if r.id == residence.id)
        == 999
    )
    assert bar.sync.text().endswith("À jour"), bar.sync.text()
    sync_once(other)
    o = open_services(other)
    try:
        assert o.status.campaign_status().conflicts == 0
    finally:
        o.close()

    # the server stops answering: "Hors ligne depuis …", with what waits
    services.campaigns.update_residence(residence.id, name=residence.name, dwellings=5)
    services.uow.set_meta("sync_server", "http://127.0.0.1:9")
    main_window.sync.sync_now()
    main_window.refresh_chrome()
    assert "Hors ligne depuis" in bar.sync.text() and "1 modification en attente" in bar.sync.text()
    assert "ne répond pas" in screen.error_label.text()


def test_a_field_laptop_sees_no_device_list_and_cannot_resolve(  # type: ignore[no-untyped-def]
    main_window, sync_server: Server
) -> None:
    main_window.go_to("sync")
    screen = main_window.screen("sync")
    screen.server.setText(sync_server.url)
    screen.code.setText(sync_server.code(Role.FIELD))
    screen.enrol()
    assert "équipe terrain" in screen.role_label.text()
    assert not screen.devices_view.isVisible()
    assert "poste de consultant" in screen.devices_note.text()
