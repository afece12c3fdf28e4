"""`bp-terrain backup create|show|restore`: the whole campaign in one encrypted file.

The passphrase comes from `--passphrase-file F` (first line) or the `BP_TERRAIN_BACKUP_PASSPHRASE`
variable, never from an argument (it would show in `ps`); at a terminal it is asked (twice to
create). `restore` refuses a folder that already holds a campaign unless `--replace` is given;
the previous data is then moved aside, never deleted. See app/services/backup.py.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, data_dir, out_file, print_json

PASSPHRASE_VARIABLE = "BP_TERRAIN_BACKUP_PASSPHRASE"


def register(sub: Any) -> None:
    group = sub.add_parser(
        "backup",
        help=_("Sauvegarder ou restaurer toute la campagne (un fichier chiffré)."),
        description=_("Sauvegarder ou restaurer toute la campagne (un fichier chiffré)."),
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = add_command(actions, "create", _("Écrire la sauvegarde chiffrée."), run_create)
    create.add_argument("--out", required=True, type=out_file, help=_("fichier à écrire"))
    show = add_command(actions, "show", _("Dire ce que contient une sauvegarde."), run_show)
    show.add_argument("file", help=_("fichier de sauvegarde"))
    show.add_argument("--json", action="store_true", help=_("un objet JSON"))
    restore = add_command(
        actions, "restore", _("Restaurer une sauvegarde dans le dossier de données."), run_restore
    )
    restore.add_argument("file", help=_("fichier de sauvegarde"))
    restore.add_argument(
        "--replace",
        action="store_true",
        help=_("remplacer la campagne du dossier (mise de côté, pas effacée)"),
    )
    for parser in (create, show, restore):
        parser.add_argument(
            "--passphrase-file",
            help=_("fichier dont la première ligne est la phrase de la sauvegarde"),
        )


def _passphrase(args: argparse.Namespace, *, twice: bool) -> str:
    from app.errors import UserError

    if args.passphrase_file:
        try:
            text = Path(args.passphrase_file).expanduser().read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(
                _("Impossible de lire le fichier de phrase secrète {path} : {error}").format(
                    path=args.passphrase_file, error=error.strerror or error
                )
            ) from error
        return (text.splitlines() or [""])[0]
    if os.environ.get(PASSPHRASE_VARIABLE):
        return os.environ[PASSPHRASE_VARIABLE]
    if not sys.stdin.isatty():
        raise UserError(
            _(
                "La phrase de la sauvegarde est nécessaire : donnez-la avec --passphrase-file "
                "ou la variable {var}."
            ).format(var=PASSPHRASE_VARIABLE)
        )
    first = getpass.getpass(_("Phrase de la sauvegarde : "))
    if twice and getpass.getpass(_("La même phrase, une seconde fois : ")) != first:
        raise UserError(_("Les deux phrases diffèrent : rien n'a été écrit."))
    return first


def run_create(args: argparse.Namespace) -> int:
    from app.services.backup import create_backup, describe

    info = create_backup(data_dir(args), args.out, _passphrase(args, twice=True))
    print(_("Sauvegarde écrite : {path}").format(path=args.out))
    for line in describe(info):
        print("  " + line)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from app.services.backup import describe, read_backup_info

    info = read_backup_info(Path(args.file), _passphrase(args, twice=False))
    if args.json:
        print_json(info.as_dict())
        return 0
    for line in describe(info):
        print(line)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from app.services.backup import describe, restore_backup

    done = restore_backup(
        Path(args.file), _passphrase(args, twice=False), data_dir(args), replace=args.replace
    )
    print(_("Sauvegarde restaurée dans {path}.").format(path=done.data_dir))
    if done.kept_aside is not None:
        print(_("Les données précédentes sont gardées dans {path}.").format(path=done.kept_aside))
    for line in describe(done.info):
        print("  " + line)
    return 0
