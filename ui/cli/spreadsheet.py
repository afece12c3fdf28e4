"""`bp-terrain spreadsheet import-residences F.csv|F.xlsx [--dry-run]` and `bp-terrain
spreadsheet export --what ideas|projects|meetings|results|appointments --out F.xlsx|F.csv` (docs/interop.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file, print_json

WHATS = ("ideas", "projects", "meetings", "results", "appointments")


def register(sub: Any) -> None:
    sp = sub.add_parser(
        "spreadsheet", help=_("Tableurs : importer des résidences, exporter en CSV ou XLSX.")
    )
    actions = sp.add_subparsers(dest="spreadsheet_command", metavar="ACTION", required=True)
    imp = add_command(
        actions,
        "import-residences",
        _("Créer ou mettre à jour les résidences d'un fichier CSV ou XLSX (nom, adresse, "
          "logements, budget) : tout ou rien."),
        run_import,
    )  # fmt: skip
    imp.add_argument("file", metavar=_("FICHIER.csv|FICHIER.xlsx"))
    imp.add_argument(
        "--dry-run", action="store_true", help=_("aperçu seulement : rien n'est enregistré")
    )
    imp.add_argument("--json", action="store_true", help=_("sortie JSON"))
    exp = add_command(
        actions,
        "export",
        _(
            "Exporter les idées, les projets, les réunions, les résultats ou les rendez-vous "
            "(CSV ou XLSX)."
        ),
        run_export,
    )
    exp.add_argument("--what", required=True, choices=WHATS, help=_("quoi exporter"))
    exp.add_argument("--out", required=True, help=_("fichier à écrire (.csv ou .xlsx)"))


def run_import(args: argparse.Namespace) -> int:
    from app.i18n import _, ngettext
    from app.services.interop.residences import Action

    with open_data(args) as services:
        done = services.residence_import.import_residences(Path(args.file), dry_run=args.dry_run)
    if args.json:
        print_json({
            "applied": done.applied,
            "columns": list(done.columns),
            "ignored_columns": list(done.ignored_columns),
            "lines": [
                {"line": x.line, "action": x.action.value, "name": x.name, "address": x.address,
                 "dwellings": x.dwellings, "budget_cents": x.budget_cents,
                 "residence_id": x.residence_id, "changed": list(x.changed)}
                for x in done.lines
            ],
        })  # fmt: skip
        return 0
    words = {
        Action.CREATE: _("création"),
        Action.UPDATE: _("mise à jour"),
        Action.UNCHANGED: _("inchangée"),
    }
    for x in done.lines:
        if x.action is not Action.UNCHANGED:
            print(_("ligne {line} : {action} — {name}").format(
                line=x.line, action=words[x.action], name=x.name))  # fmt: skip
    if done.ignored_columns:
        print(_("Colonnes ignorées : {names}.").format(names=", ".join(done.ignored_columns)))
    created, updated = done.count(Action.CREATE), done.count(Action.UPDATE)
    unchanged = done.count(Action.UNCHANGED)
    summary = ngettext(
        "{created} résidence à créer, {updated} à mettre à jour, {unchanged} inchangée(s).",
        "{created} résidences à créer, {updated} à mettre à jour, {unchanged} inchangée(s).",
        created,
    ) if not done.applied else ngettext(
        "{created} résidence créée, {updated} mise(s) à jour, {unchanged} inchangée(s).",
        "{created} résidences créées, {updated} mise(s) à jour, {unchanged} inchangée(s).",
        created,
    )  # fmt: skip
    print(summary.format(created=created, updated=updated, unchanged=unchanged))
    if not done.applied:
        print(_("Aperçu seulement (--dry-run) : rien n'a été enregistré."))
    return 0


def run_export(args: argparse.Namespace) -> int:

    with open_data(args) as services:
        path, _count = services.sheets.export_sheet(args.what, out_file(args.out))
    print(path)
    return 0
