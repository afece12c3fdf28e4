"""One printing of a sync's report for `sync`, `sync import` on a laptop and on the server:
the lines each command printed before they shared it, unchanged, plus the files and problems."""

from __future__ import annotations

import pytest

from ui.cli.sync_report import FILE_LINES, print_sync_report

CONFLICT = {"table": "residence", "record_id": "r1", "field": "dwellings", "kept_value": 41,
            "other_value": 43}  # fmt: skip


def test_the_sync_command_prints_what_it_printed(capsys: pytest.CaptureFixture[str]) -> None:
    report = {"server": "http://10.0.0.2:8765", "sent": 3, "received": 1, "refused": 0,
              "conflicts": [CONFLICT], "files_sent": 0, "files_received": 0, "files_pending": 0,
              "problems": []}  # fmt: skip
    print_sync_report(report, ("server", "sent", "received", "refused", "conflicts", *FILE_LINES))
    assert capsys.readouterr().out.splitlines() == [
        "Synchronisé avec http://10.0.0.2:8765.",
        "3 modifications envoyées",
        "1 enregistrement reçu",
        "1 conflit à résoudre",
        "  residence r1, champ « dwellings » : gardé 41, autre valeur 43",
    ]
    report.update(refused=2, conflicts=[], files_received=1, problems=["Le fichier … manque."])
    print_sync_report(report, ("server", "sent", "received", "refused", "conflicts", *FILE_LINES))
    assert capsys.readouterr().out.splitlines()[3:] == [
        "2 modifications refusées par le serveur",
        "0 conflit à résoudre",
        "1 fichier reçu",
        "Le fichier … manque.",
    ]


def test_the_imports_print_what_they_printed(capsys: pytest.CaptureFixture[str]) -> None:
    laptop = {"acknowledged": 0, "received": 0, "conflicts": 1, "refused": 1}
    print_sync_report(laptop, ("acknowledged", "received", *FILE_LINES, "keys_received"),
                      always=frozenset({"acknowledged", "received"}))  # fmt: skip
    assert capsys.readouterr().out.splitlines() == [
        "0 modification confirmée par le serveur.",
        "0 enregistrement reçu",
    ]
    server = {"accepted": 5, "conflicts": 2, "refused": 1}
    print_sync_report(server, ("accepted", "conflicts", "refused", *FILE_LINES), device="p-1",
                      always=frozenset({"accepted"}))  # fmt: skip
    assert capsys.readouterr().out.splitlines() == [
        "5 modifications du poste p-1 enregistrées.",
        "2 conflits à résoudre",
        "1 modification refusée par le serveur",
    ]
