"""The Dépouillement screen on real printed, marked and scanned ballots."""
# ruff: noqa: F811 - pytest fixtures imported from count_support

from __future__ import annotations

import shutil

from count_support import (  # noqa: F401 - fixtures
    PASSPHRASE,
    count_ctx,
    count_services,
    printed,
    printed_template,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.services.counting.view import COUNTED, EMPTY, REVIEW
from ui.screens.count.screen import CountScreen


def _screen(qtbot, ctx):  # type: ignore[no-untyped-def]
    screen = CountScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1140, 760)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _open(screen, printed):  # type: ignore[no-untyped-def]
    panel = screen.open_panel
    panel.residence.setCurrentIndex(panel.residence.findData(printed.residence_id))
    panel.officer.setText("Agnès Martin")
    panel.witnesses.setText("Karim Benali, Lucie Moreau")
    panel.passphrase.setText(PASSPHRASE)
    panel.acknowledge.setChecked(bool(panel.warnings))  # the warnings were read
    if panel.new_officer():  # the first session of this officer creates their key
        panel.passphrase_again.setText(PASSPHRASE)
    panel.open_button.click()
    assert screen.session is not None
    return screen.session


def test_without_session_the_screen_offers_the_opening_form(qtbot, count_ctx):
    screen = _screen(qtbot, count_ctx)
    assert screen.stack.currentIndex() == 0
    assert not screen.add_button.isEnabled()
    screen.open_panel.officer.setText("")
    screen.open_panel.passphrase.setText(PASSPHRASE)
    screen.open_panel.open_button.click()
    assert "agent" in screen.open_panel.form.errors()["officer"]
    assert count_ctx.services.counting.list_sessions() == []


def test_count_end_to_end_ingest_review_by_key_seal(qtbot, count_ctx, printed):
    screen = _screen(qtbot, count_ctx)
    session = _open(screen, printed)
    assert screen.stack.currentIndex() == 1 and session.witnesses == (
        "Karim Benali",
        "Lucie Moreau",
    )
    screen.ingest_files(printed.scans)
    values = screen.counters.values()
    assert (values["read"], values["valid"], values["blank"], values["review"]) == (10, 8, 1, 1)
    assert screen.ctx.tasks.progress_log[-1] == (10, 10)
    # the doubtful sheet is shown large, its faint box outlined "à revoir"
    item = screen.review.current()
    assert item is not None and "uncertain_mark" in item.reasons
    states = {b.number: b.state for b in screen.sheet_view.picture.boxes}
    assert states == {1: COUNTED, 2: EMPTY, 3: REVIEW, 4: EMPTY}
    assert "n° 3 ⚠ à revoir" in screen.sheet_view.describe()
    assert screen.review.key_buttons[Qt.Key.Key_M].text().startswith("M")
    screen.review.witness.setCurrentIndex(1)
    qtbot.keyClick(screen.review, Qt.Key.Key_M)
    assert screen.review.current() is None and screen.review.done.isVisible()
    assert screen.counters.values()["valid"] == 9 and screen.counters.values()["review"] == 0
    decided = count_ctx.services.counting.status(session.id).tally
    assert decided.votes[item.boxes[0].project_id] == 3
    # seal: typed confirmation of the residence's name, then the passphrase
    dialog = screen.ask_seal()
    ok = dialog.ok
    assert not dialog.confirmed() and not ok.isEnabled()
    why = f"tapez le nom de la résidence : « {session.residence_name} »"
    assert why in ok.toolTip() and why in dialog.why.text()  # the disabled button says why
    dialog.confirm.setText(f"  {session.residence_name.upper()}  ")  # case and spaces: same name
    assert dialog.confirmed() and ok.isEnabled() and not ok.toolTip()
    dialog.passphrase.setText("pas la bonne phrase")
    ok.click()  # a wrong passphrase: the dialog stays open, the error under the field
    assert dialog.isVisible() and "phrase" in dialog.form.errors()["passphrase"].lower()
    assert dialog.passphrase.text() == "pas la bonne phrase"
    assert dialog.confirm.text() == f"  {session.residence_name.upper()}  "
    assert not count_ctx.services.counting.get_session(session.id).sealed
    dialog.passphrase.setText(PASSPHRASE)
    ok.click()
    assert not dialog.isVisible()
    assert count_ctx.services.counting.get_session(session.id).sealed
    assert "scellée" in screen.header.subtitle_label.text()
    assert not screen.add_button.isEnabled()
    slip = screen.slip.text.toPlainText()
    assert f"Session : {session.id}" in slip and "Agent : Agnès Martin" in slip


def test_same_files_twice_are_ignored_and_wrong_passphrase_does_not_sign(qtbot, count_ctx, printed):
    screen = _screen(qtbot, count_ctx)
    session = _open(screen, printed)
    screen.ingest_files(printed.scans[:3])
    screen.ingest_files(printed.scans[:3])
    assert screen.counters.values()["read"] == 3
    assert "déjà enregistrée" in count_ctx.notices[-1]
    dialog = screen.ask_close_batch()
    dialog.passphrase.setText("pas la bonne phrase")
    dialog.ok.click()
    assert dialog.form.errors()["passphrase"]
    assert count_ctx.services.counting.status(session.id).batches == 0
    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok.click()
    assert count_ctx.services.counting.status(session.id).batches == 1
    assert f"Session : {session.id}" in screen.slip.text.toPlainText()


def test_watched_folder_reads_new_files_once_their_size_settled(
    qtbot, count_ctx, printed, tmp_path
):
    screen = _screen(qtbot, count_ctx)
    _open(screen, printed)
    folder = tmp_path / "scanner"
    folder.mkdir()
    screen.set_folder(folder)
    assert screen.watcher.active()
    for path in printed.scans[:2]:
        shutil.copy(path, folder / path.name)
    assert screen.watcher.poll() == []  # first look: sizes noted, not yet settled
    assert len(screen.watcher.poll()) == 2
    assert screen.counters.values()["read"] == 2
    assert screen.watcher.poll() == []  # never twice
    screen.sources.watch.setChecked(False)
    assert not screen.watcher.active()


def test_hand_keyed_ballot_and_reconciliation_differences(qtbot, count_ctx, printed):
    screen = _screen(qtbot, count_ctx)
    session = _open(screen, printed)
    screen.ingest_files(printed.scans[:4])
    hand = screen.hand
    hand.record()
    assert "raison" in hand.form.errors()["reason"]
    first = next(iter(hand.checks))
    hand.checks[first].setChecked(True)
    hand.reason.setText("Bulletin dechire")
    assert hand.record() is not None
    assert screen.counters.values()["valid"] == 4
    rec = screen.reconcile
    rec.handed_out.setValue(0)  # nothing handed out, 5 in the box: a difference, not "Aucun écart"
    assert "Aucun écart" not in rec.differences.text()
    assert "Écart urne / émargement : +5 bulletins (urne : 5, remis : 0)." in rec.differences.text()
    rec.handed_out.setValue(7)
    assert any("+" in line or "-" in line for line in rec.differences_text())
    assert "Écart urne / émargement : -2 bulletins (urne : 5, remis : 7)." in rec.differences.text()
    rec.handed_out.setValue(6)
    assert "Écart urne / émargement : -1 bulletin (urne : 5, remis : 6)." in rec.differences_text()
    rec.handed_out.setValue(7)
    assert rec.record()
    stored = count_ctx.services.counting.get_session(session.id).reconciliation
    assert (stored.handed_out, stored.returned) == (7, 5)


def test_webcam_option_is_disabled_with_an_explanation_without_camera(qtbot, count_ctx, printed):
    screen = _screen(qtbot, count_ctx)
    _open(screen, printed)
    camera = screen.sources.camera
    assert not camera.isEnabled()
    assert "webcam" in camera.toolTip().lower() and "Ajouter des fichiers" in camera.toolTip()


def test_count_screen_renders_to_png(qtbot, count_ctx, printed, tmp_path):
    screen = _screen(qtbot, count_ctx)
    _open(screen, printed)
    screen.ingest_files(printed.scans)
    path = tmp_path / "count.png"
    assert screen.grab().save(str(path))
    assert path.stat().st_size > 20_000


def test_rejected_sheet_says_which_corner_and_offers_rescan_or_hand_keying(
    qtbot, count_ctx, printed, tmp_path
):
    import cv2

    screen = _screen(qtbot, count_ctx)
    _open(screen, printed)
    grey = cv2.imread(str(printed.scans[0]), cv2.IMREAD_GRAYSCALE)
    cut = grey[:, int(grey.shape[1] * 30 / 210) :]  # the left 30 mm (two markers, boxes) missing
    path = tmp_path / "coupee.png"
    cv2.imwrite(str(path), cut)
    screen.ingest_files([path])
    bar = screen.rejected_bar
    assert bar.isVisible()
    text = bar.text.text()
    assert "coin en haut à gauche est coupé" in text and "rescannez" in text
    assert "coupee.png" in text  # shown to the officer in this window, never stored
    chosen: list[bool] = []
    screen.ask_files = lambda: chosen.append(True)  # the file dialog would block the test
    bar.rescan_button.click()
    assert chosen == [True]
    bar.hand_button.click()
    assert screen.tabs.currentWidget() is screen.hand_tab
    reason = screen.hand.reason.text()
    assert "rejetée par le lecteur" in reason and "coupee" not in reason  # stored: no name
    next(iter(screen.hand.checks.values())).setChecked(True)
    assert screen.hand.record() is not None
    assert screen.counters.values()["valid"] == 1
    screen.ingest_files(printed.scans[1:2])  # a sheet read well: no bar
    assert not bar.isVisible()


def test_a_new_officer_types_the_passphrase_twice(qtbot, count_ctx, printed):
    screen = _screen(qtbot, count_ctx)
    panel = screen.open_panel
    panel.residence.setCurrentIndex(panel.residence.findData(printed.residence_id))
    panel.officer.setText("Nadia Benchikh")
    assert panel.new_officer() and panel.form.rows["passphrase_again"].isVisible()
    panel.passphrase.setText(PASSPHRASE)
    panel.acknowledge.setChecked(bool(panel.warnings))  # the warnings were read
    panel.passphrase_again.setText(PASSPHRASE + "x")  # a typo would mean no seal
    panel.open_button.click()
    assert "diffèrent" in panel.form.errors()["passphrase_again"]
    assert count_ctx.services.counting.list_sessions() == []
    assert not count_ctx.services.counting.has_officer_key("Nadia Benchikh")
    panel.passphrase_again.setText(PASSPHRASE)
    panel.open_button.click()
    assert screen.session is not None
    assert count_ctx.services.counting.has_officer_key("Nadia Benchikh")
    panel.officer.setText("Nadia Benchikh")  # her key exists: once is enough from now on
    assert not panel.form.rows["passphrase_again"].isVisible()


def test_the_demo_passphrase_is_shown_to_a_demo_user(qtbot, count_ctx, printed):
    from app.services.counting.keys import write_demo_passphrase
    from app.services.demo.count import DEMO_OFFICER, DEMO_PASSPHRASE

    screen = _screen(qtbot, count_ctx)
    panel = screen.open_panel
    panel.officer.setText(DEMO_OFFICER)
    assert not panel.demo_hint.isVisible()  # not a demo folder
    write_demo_passphrase(count_ctx.services.data_dir, DEMO_OFFICER, DEMO_PASSPHRASE)
    panel.officer.setText("")
    panel.officer.setText(DEMO_OFFICER)
    assert panel.demo_hint.isVisible() and f"« {DEMO_PASSPHRASE} »" in panel.demo_hint.text()
    session = _open(screen, printed)
    dialog = screen.ask_seal()
    assert any(f"« {DEMO_PASSPHRASE} »" in label.text() for label in dialog.findChildren(QLabel))
    assert session.officer == DEMO_OFFICER


def test_opening_a_live_count_that_looks_wrong_warns_with_the_reason(qtbot, count_ctx, printed):
    screen = _screen(qtbot, count_ctx)
    panel = screen.open_panel
    other = next(
        r for r in count_ctx.services.campaigns.list_residences() if r.id != printed.residence_id
    )
    panel.residence.setCurrentIndex(panel.residence.findData(other.id))
    text = panel.advice.text()
    assert f"Aucun bulletin réel n'a été imprimé pour « {other.name} »" in text
    assert "fige la règle de résultats de la campagne" in text  # what an open live count locks
    assert panel.form.rows["acknowledge"].isVisible() and not panel.acknowledge.isChecked()
    panel.officer.setText("Agnès Martin")
    panel.passphrase.setText(PASSPHRASE)
    if panel.new_officer():
        panel.passphrase_again.setText(PASSPHRASE)
    panel.open_button.click()
    assert "avertissements" in panel.form.errors()["acknowledge"]
    assert count_ctx.services.counting.list_sessions() == []
    panel.test_mode.setChecked(True)  # a test count locks nothing and needs no live ballot
    assert not panel.form.rows["acknowledge"].isVisible() and not panel.advice.isVisible()
    panel.test_mode.setChecked(False)
    panel.acknowledge.setChecked(True)
    panel.open_button.click()
    assert screen.session is not None and screen.session.residence_id == other.id
