"""`bp-terrain sync`: enrol this laptop (first time) and synchronise it once with the server."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.i18n import _
from ui.cli.bundle import register_actions, run_bundle
from ui.cli.common import add_command, data_dir, print_json
from ui.cli.sync_report import FILE_LINES, print_sync_report


def register(sub: Any) -> None:
    cmd = add_command(
        sub, "sync", _("Synchroniser ce poste avec le serveur (l'inscrire la première fois)."), run
    )
    cmd.add_argument(
        "action",
        nargs="?",
        choices=("conflicts", "resolve", "export", "import"),
        help=_(
            "conflicts : lister les conflits ; resolve ID : résoudre un conflit (consultant) ; "
            "export --out F : écrire un paquet pour une clé USB ; import F : l'importer"
        ),
    )
    cmd.add_argument(
        "conflict",
        nargs="?",
        help=_("identifiant du conflit (ses premiers caractères), ou fichier .bpsync (import)"),
    )
    cmd.add_argument("--server", help=_("adresse du serveur, par exemple http://10.0.0.2:8765"))
    cmd.add_argument("--code", help=_("code d'inscription à usage unique (première fois)"))
    cmd.add_argument(
        "--keep",
        choices=("mine", "theirs"),
        help=_("garder la valeur de ce poste (mine) ou l'autre (theirs)"),
    )
    cmd.add_argument("--value", help=_("écrire cette valeur (JSON, ou texte)"))
    cmd.add_argument("--json", action="store_true", help=_("sortie JSON"))
    register_actions(cmd)  # the options of sync export | sync import (ui/cli/bundle.py)


def _value(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


def run(args: argparse.Namespace) -> int:
    if args.action == "conflicts":
        return run_conflicts(args)
    if args.action == "resolve":
        return run_resolve(args)
    if args.action in ("export", "import"):
        return run_bundle(args)  # ui/cli/bundle.py
    from sync.client import sync_once

    report = sync_once(data_dir(args), server=args.server, code=args.code)
    if args.json:
        print_json(report.as_dict())
        return 0
    print_sync_report(
        {**report.as_dict(), "conflicts": report.conflicts},
        ("server", "sent", "received", "refused", "conflicts", *FILE_LINES),
    )
    for refusal in report.refusals:
        print("  " + refusal["message"], file=sys.stderr)
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    from sync.client.service import list_conflicts

    conflicts = list_conflicts(data_dir(args))
    if args.json:
        print_json(conflicts)
        return 0
    if not conflicts:
        print(_("Aucun conflit à résoudre."))
    for c in conflicts:
        mine, theirs = c["kept_value"], c["other_value"]
        if c["mine_is_other"]:
            mine, theirs = theirs, mine
        print(
            _(
                "{id}  {table} {record}, champ « {field} » : ce poste {mine}, l'autre {theirs}"
            ).format(
                id=c["conflict_id"][:8],
                table=c["table"],
                record=c["record_id"],
                field=c["field"],
                mine=mine,
                theirs=theirs,
            )
        )
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from sync.client.service import resolve_conflict
    from sync.core.errors import SyncError

    if not args.conflict or (args.keep is None) == (args.value is None):
        raise SyncError(
            _(
                "Indiquez le conflit et une seule décision : bp-terrain sync resolve ID "
                "--keep mine|theirs, ou --value VALEUR."
            )
        )
    value = None if args.value is None else _value(args.value)
    done = resolve_conflict(data_dir(args), args.conflict, args.keep, value)
    if args.json:
        print_json(done)
        return 0
    print(
        _(
            "Conflit {id} résolu : « {field} » vaut {value}. La décision part à la prochaine "
            "synchronisation."
        ).format(id=done["conflict_id"][:8], field=done["field"], value=done["resolved_value"])
    )
    return 0
