"""`bp-terrain sync`: enrol this laptop (first time) and synchronise it once with the server."""

from __future__ import annotations

import argparse
from typing import Any

from app.i18n import _, ngettext
from ui.cli.bundle import register_actions
from ui.cli.common import add_command, data_dir, print_json


def register(sub: Any) -> None:
    cmd = add_command(
        sub, "sync", _("Synchroniser ce poste avec le serveur (l'inscrire la première fois)."), run
    )
    cmd.add_argument("--server", help=_("adresse du serveur, par exemple http://10.0.0.2:8765"))
    cmd.add_argument("--code", help=_("code d'inscription à usage unique (première fois)"))
    cmd.add_argument("--json", action="store_true", help=_("sortie JSON"))
    register_actions(cmd)  # sync export | sync import (ui/cli/bundle.py)


def run(args: argparse.Namespace) -> int:
    from sync.client import sync_once

    report = sync_once(data_dir(args), server=args.server, code=args.code)
    if args.json:
        print_json(report.as_dict())
        return 0
    print(_("Synchronisé avec {server}.").format(server=report.server))
    print(
        ngettext("{n} modification envoyée", "{n} modifications envoyées", report.sent).format(
            n=report.sent
        )
    )
    print(
        ngettext("{n} enregistrement reçu", "{n} enregistrements reçus", report.received).format(
            n=report.received
        )
    )
    if report.refused:
        print(
            ngettext(
                "{n} modification refusée par le serveur",
                "{n} modifications refusées par le serveur",
                report.refused,
            ).format(n=report.refused)
        )
    conflicts = len(report.conflicts)
    print(
        ngettext("{n} conflit à résoudre", "{n} conflits à résoudre", conflicts).format(n=conflicts)
    )
    for conflict in report.conflicts:
        print(
            "  "
            + _("{table} {record}, champ « {field} » : gardé {kept}, autre valeur {other}").format(
                table=conflict["table"],
                record=conflict["record_id"],
                field=conflict["field"],
                kept=conflict["kept_value"],
                other=conflict["other_value"],
            )
        )
    return 0
