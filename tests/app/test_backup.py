"""Saving the whole campaign to one encrypted file and restoring it (real files, real disks)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.errors import StorageError
from app.services import open_services
from app.services.backup import (
    BackupError,
    create_backup,
    holds_campaign,
    read_backup_info,
    restore_backup,
)
from app.services.campaigns import CampaignInput
from app.services.counting.keys import key_path
from app.services.counting.log import jsonl_path
from tests.helpers.counting import PASSPHRASE, make_setup

SAVE_PHRASE = "la phrase de la sauvegarde"


@pytest.fixture
def campaign_dir(tmp_path):
    """A campaign with a count under way (key, log, hand-keyed ballot) and a picture file."""
    data = tmp_path / "data"
    with open_services(data) as services:
        setup = make_setup(services)
        session = services.counting.open_session(
            setup.residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
        )
        services.counting.hand_key(session.id, [setup.project_ids[0]], "Bulletin déchiré")
    (data / "pictures").mkdir(exist_ok=True)
    (data / "pictures" / "jardin.jpg").write_bytes(os.urandom(300_000))
    return data, session.id


def test_round_trip_restores_the_campaign_its_keys_logs_and_pictures(campaign_dir, tmp_path):
    data, session_id = campaign_dir
    progress: list[tuple[int, int]] = []
    save = tmp_path / "out" / "campagne.bpsave"
    info = create_backup(data, save, SAVE_PHRASE, progress=lambda d, t: progress.append((d, t)))
    assert info.campaign == "Budget participatif 2027" and info.residences == ("Les Tilleuls",)
    assert (info.counts, info.sealed) == (1, 0) and info.files >= 4
    assert progress[-1][0] == progress[-1][1]
    blob = save.read_bytes()
    assert b"Budget participatif" not in blob and b"SQLite format" not in blob  # encrypted
    assert read_backup_info(save, SAVE_PHRASE) == info  # the preview, before restoring

    target = tmp_path / "other-laptop" / "data"
    done = restore_backup(save, SAVE_PHRASE, target)
    assert done.kept_aside is None and done.info == info
    assert (target / "pictures" / "jardin.jpg").read_bytes() == (
        data / "pictures" / "jardin.jpg"
    ).read_bytes()
    key = key_path(target, "Agnès Martin")
    assert key.read_bytes() == key_path(data, "Agnès Martin").read_bytes()
    log = jsonl_path(target, session_id)
    assert log.read_bytes() == jsonl_path(data, session_id).read_bytes()
    with open_services(target) as services:
        assert services.campaigns.get_campaign().name == "Budget participatif 2027"
        services.counting.verify_session(session_id)  # the chain verifies on the copy
        assert services.counting.status(session_id).tally.valid == 1
        services.counting.close_batch(session_id, PASSPHRASE)  # the key opens on the copy


def test_a_wrong_passphrase_says_so_and_restores_nothing(campaign_dir, tmp_path):
    data, _session = campaign_dir
    save = tmp_path / "s.bpsave"
    create_backup(data, save, SAVE_PHRASE)
    with pytest.raises(BackupError, match="Phrase incorrecte") as caught:
        read_backup_info(save, "pas la bonne phrase")
    assert caught.value.field == "passphrase"
    target = tmp_path / "new"
    with pytest.raises(BackupError, match="Phrase incorrecte"):
        restore_backup(save, "pas la bonne phrase", target)
    assert not holds_campaign(target)
    with pytest.raises(BackupError, match="au moins 8 caractères"):
        create_backup(data, tmp_path / "t.bpsave", "court")


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign"])
def test_a_damaged_file_is_refused_with_a_clear_message(campaign_dir, tmp_path, damage):
    data, _session = campaign_dir
    save = tmp_path / "s.bpsave"
    create_backup(data, save, SAVE_PHRASE)
    blob = bytearray(save.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 0x40
    elif damage == "truncate":
        del blob[len(blob) - 5000 :]
    else:
        blob = bytearray(b"PK\x03\x04 un zip ordinaire, pas une sauvegarde")
    save.write_bytes(bytes(blob))
    target = tmp_path / "new"
    with pytest.raises(BackupError, match="abîmé") as caught:
        restore_backup(save, SAVE_PHRASE, target)
    assert "s.bpsave" in caught.value.message and "rien n'a été restauré" in caught.value.message
    assert not target.exists() or not any(target.iterdir())
    assert not list(tmp_path.glob(".bp-restore-*"))  # no leftovers


def test_restoring_over_another_campaign_needs_confirmation_and_keeps_it_aside(
    campaign_dir, tmp_path
):
    data, _session = campaign_dir
    save = tmp_path / "s.bpsave"
    create_backup(data, save, SAVE_PHRASE)
    here = tmp_path / "laptop" / "data"
    with open_services(here) as services:
        services.campaigns.create_campaign(CampaignInput(name="Une autre campagne"))
    before = (here / "bp-terrain.sqlite3").read_bytes()
    with pytest.raises(BackupError, match="contient déjà une campagne") as caught:
        restore_backup(save, SAVE_PHRASE, here)
    assert caught.value.field == "replace"
    assert (here / "bp-terrain.sqlite3").read_bytes() == before  # untouched
    done = restore_backup(save, SAVE_PHRASE, here, replace=True)
    assert done.kept_aside is not None and done.kept_aside.name.startswith(
        "data-avant-restauration-"
    )
    assert (done.kept_aside / "bp-terrain.sqlite3").read_bytes() == before  # kept, not deleted
    with open_services(here) as services:
        assert services.campaigns.get_campaign().name == "Budget participatif 2027"


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_save_cleanly(campaign_dir, small_disk):
    data, _session = campaign_dir
    (data / "pictures" / "grand.bin").write_bytes(os.urandom(3_000_000))  # more than the disk
    out = small_disk / "cle-usb" / "campagne.bpsave"
    with pytest.raises(StorageError, match="disque est plein"):
        create_backup(data, out, SAVE_PHRASE)
    assert not out.exists()
    leftovers = [p for p in small_disk.rglob("*") if p.is_file()]
    assert leftovers == []  # neither the partial file nor the work folder stays behind
    assert Path(data / "bp-terrain.sqlite3").exists()
