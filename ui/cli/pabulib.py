"""`bp-terrain pabulib import FILE.pb` and `bp-terrain pabulib export`: past votes in, public
results out, in the pabulib format (https://pabulib.org/format)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file, print_json


def register(sub: Any) -> None:
    pb = sub.add_parser(
        "pabulib", help=_("Importer un vote passé, exporter les résultats publics.")
    )
    actions = pb.add_subparsers(dest="pabulib_command", metavar="ACTION", required=True)
    imp = add_command(
        actions,
        "import",
        _("Créer une résidence avec le budget et les projets d'un fichier .pb."),
        run_import,
    )
    imp.add_argument("file", metavar=_("FICHIER.pb"))
    imp.add_argument(
        "--residence-name", help=_("nom de la résidence (par défaut : celui du fichier)")
    )
    imp.add_argument("--json", action="store_true", help=_("sortie JSON"))
    exp = add_command(
        actions,
        "export",
        _("Résultats publics d'une résidence : .pb (bulletins mélangés), .json ou .csv."),
        run_export,
    )
    exp.add_argument("--residence", required=True, help=_("nom ou identifiant de la résidence"))
    exp.add_argument("--out", required=True, help=_("fichier à écrire (.pb, .json ou .csv)"))
    exp.add_argument("--format", choices=("pb", "json", "csv"), help=_("par défaut : l'extension"))


def run_import(args: argparse.Namespace) -> int:
    from app.i18n import _, ngettext

    with open_data(args) as services:
        done = services.pabulib.import_file(Path(args.file), residence_name=args.residence_name)
    if args.json:
        print_json({
            "campaign_id": done.campaign_id, "created_campaign": done.created_campaign,
            "residence_id": done.residence_id, "residence": done.residence_name,
            "budget_cents": done.budget_cents, "rule": done.rule, "voters": done.voters,
            "projects": [
                {"project_id": p.project_id, "source_id": p.source_id, "number": p.number,
                 "title": p.title, "cost_cents": p.cost_cents}
                for p in done.projects
            ],
        })  # fmt: skip
        return 0
    n = len(done.projects)
    print(
        ngettext(
            "Résidence « {name} » créée avec {n} projet recevable.",
            "Résidence « {name} » créée avec {n} projets recevables.",
            n,
        ).format(name=done.residence_name, n=n)
    )
    if done.rule:
        print(_("Règle de résultats déclarée : {rule}.").format(rule=done.rule))
    print(done.residence_id)
    return 0


def run_export(args: argparse.Namespace) -> int:

    with open_data(args) as services:
        residence = services.campaigns.find_residence(args.residence)
        path = services.public_results.export_public(residence.id, out_file(args.out), args.format)
    print(path)
    return 0
