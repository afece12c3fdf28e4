"""`bp-terrain backup create|show|restore` in French, the passphrase never on the command line."""

from __future__ import annotations

import json

from app.services import open_services
from app.services.campaigns import CampaignInput
from ui.cli import main


def test_backup_create_show_and_restore(tmp_path, capsys, monkeypatch):
    data, other = tmp_path / "data", tmp_path / "other"
    with open_services(data) as services:
        services.campaigns.create_campaign(CampaignInput(name="Budget des Lilas"))
        services.campaigns.add_residence("Les Lilas", budget_cents=500_000)
    save = tmp_path / "cle" / "lilas.bpsave"  # the folder is created
    monkeypatch.setenv("BP_TERRAIN_BACKUP_PASSPHRASE", "la phrase des Lilas")
    assert main(["backup", "create", "--data-dir", str(data), "--out", str(save)]) == 0
    out = capsys.readouterr().out
    assert f"Sauvegarde écrite : {save}" in out and "Campagne : Budget des Lilas" in out
    assert main(["backup", "show", str(save), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["campaign"] == "Budget des Lilas" and shown["residences"] == ["Les Lilas"]

    with open_services(other) as services:
        services.campaigns.create_campaign(CampaignInput(name="Autre campagne"))
    assert main(["backup", "restore", str(save), "--data-dir", str(other)]) == 2
    assert "contient déjà une campagne" in capsys.readouterr().err
    assert main(["backup", "restore", str(save), "--data-dir", str(other), "--replace"]) == 0
    assert "Les données précédentes sont gardées dans" in capsys.readouterr().out

    monkeypatch.setenv("BP_TERRAIN_BACKUP_PASSPHRASE", "une autre phrase")
    assert main(["backup", "show", str(save)]) == 2
    err = capsys.readouterr().err
    assert "Phrase incorrecte" in err and "Traceback" not in err
