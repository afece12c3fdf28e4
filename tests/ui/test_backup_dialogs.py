"""Fichier › Sauvegarder la campagne… and Restaurer…: passphrase twice, preview, confirmation."""

from __future__ import annotations

from app.services import open_services
from app.services.campaigns import CampaignInput
from ui.screens.backup.dialogs import RestoreDialog, SaveDialog

PHRASE = "la phrase de la sauvegarde"


def test_the_file_menu_offers_save_and_restore(main_window):
    file_menu = main_window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts[:2] == ["&Sauvegarder la campagne…", "&Restaurer…"]


def test_save_asks_twice_then_restore_previews_and_needs_confirmation(ctx, qtbot, tmp_path):
    out = tmp_path / "cle" / "campagne.bpsave"
    save = SaveDialog(ctx, out)
    qtbot.addWidget(save)
    save.passphrase.setText(PHRASE)
    save.again.setText(PHRASE + " ")  # a typo: nothing written
    save.ok.click()
    assert "diffèrent" in save.form.errors()["again"] and not out.exists()
    save.again.setText(PHRASE)
    save.ok.click()
    assert out.exists() and save.info is not None
    assert f"Sauvegarde écrite : {out}" in ctx.notices[-1]

    # another laptop, with a campaign of its own
    other = open_services(tmp_path / "other")
    other.campaigns.create_campaign(CampaignInput(name="Campagne de l'autre portable"))
    closed: list[bool] = []
    ctx2 = type(ctx)(services=other, events=ctx.events, tasks=ctx.tasks, settings=ctx.settings)
    dialog = RestoreDialog(ctx2, out, lambda: (other.close(), closed.append(True)))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText("pas la bonne phrase")
    dialog.ok.click()  # wrong: the error under the field, the dialog stays
    assert "Phrase incorrecte" in dialog.form.errors()["passphrase"] and dialog.isVisible()
    dialog.passphrase.setText(PHRASE)
    dialog.ok.click()  # the preview: nothing changed yet
    preview = dialog.preview.text()
    assert "Campagne : Budget participatif des habitants 2026" in preview
    assert "Résidences : Les Hauts de Bel-Air, Les Tilleuls, Résidence du Parc" in preview
    assert dialog.ok.text() == "Restaurer" and dialog.replace_row.isVisible()
    assert "« Campagne de l'autre portable »" in dialog.replace.text()
    dialog.ok.click()  # not confirmed: refused, nothing closed
    assert "Cochez la case" in dialog.form.errors()["replace"] and not closed
    dialog.replace.setChecked(True)
    dialog.ok.click()
    assert closed and dialog.restored is not None and not dialog.isVisible()
    assert dialog.restored.kept_aside is not None  # the other campaign was set aside
    with open_services(tmp_path / "other") as restored:
        assert restored.campaigns.get_campaign().name == "Budget participatif des habitants 2026"


def test_a_restore_that_fails_late_gives_the_current_campaign_back(main_window, ctx, tmp_path):
    from app.services.backup import create_backup

    save = tmp_path / "abime.bpsave"
    create_backup(ctx.services.data_dir, save, PHRASE)
    blob = bytearray(save.read_bytes())
    blob[-100] ^= 0x01  # the preview opens (its block is first); the data's last chunk does not
    save.write_bytes(bytes(blob))
    dialog = main_window.restore_campaign(save)
    dialog.passphrase.setText(PHRASE)
    dialog.ok.click()
    assert "Campagne : Budget participatif des habitants 2026" in dialog.preview.text()
    dialog.replace.setChecked(True)
    dialog.ok.click()
    assert "abîmé" in ctx.errors[-1] and dialog.restored is None
    # the database was closed for the restore, then opened again: work goes on
    assert ctx.services.campaigns.get_campaign().name == "Budget participatif des habitants 2026"
    assert not list(ctx.services.data_dir.parent.glob("*-avant-restauration-*"))
    ctx.services.close()  # the fixture closes the first one
