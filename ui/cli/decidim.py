"""`bp-terrain decidim export --kind proposals|answers|projects|paper-totals --out F.csv` and
`bp-terrain decidim import F [--residence R] [--dry-run]` (docs/interop.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file, print_json

KINDS = ("proposals", "answers", "projects", "paper-totals")


def register(sub: Any) -> None:
    dc = sub.add_parser("decidim", help=_("Échanger avec Decidim : fichiers d'import et d'export."))
    actions = dc.add_subparsers(dest="decidim_command", metavar="ACTION", required=True)
    exp = add_command(
        actions,
        "export",
        _("Écrire un fichier pour un import Decidim (CSV « ; », UTF-8)."),
        run_export,
    )
    exp.add_argument("--kind", required=True, choices=KINDS, help=_("quel fichier"))
    exp.add_argument("--out", required=True, help=_("fichier à écrire (.csv)"))
    imp = add_command(
        actions,
        "import",
        _("Lire un export Decidim (propositions ou projets ; CSV, JSON ou XLSX) : aperçu, puis "
          "tout ou rien."),
        run_import,
    )  # fmt: skip
    imp.add_argument("file", metavar=_("FICHIER"))
    imp.add_argument(
        "--residence", help=_("résidence des nouvelles idées dont la portée n'en nomme aucune")
    )
    imp.add_argument(
        "--dry-run", action="store_true", help=_("aperçu seulement : rien n'est enregistré")
    )
    imp.add_argument("--json", action="store_true", help=_("sortie JSON"))


def run_export(args: argparse.Namespace) -> int:
    from app.services.interop.decidim_export import export_decidim

    with open_data(args) as services:
        path, _count = export_decidim(services, args.kind, out_file(args.out))
    print(path)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from app.i18n import _
    from app.services.interop.decidim_import import Action, Kind, import_decidim

    with open_data(args) as services:
        done = import_decidim(
            services, Path(args.file), residence=args.residence, dry_run=args.dry_run
        )
    if args.json:
        print_json({
            "kind": done.kind.value, "applied": done.applied,
            "lines": [
                {"line": x.line, "decidim_id": x.decidim_id, "title": x.title,
                 "action": x.action.value, "record_id": x.record_id, "residence": x.residence,
                 "note": x.note}
                for x in done.lines
            ],
        })  # fmt: skip
        return 0
    words = {
        Action.CREATE: _("nouvelle idée"),
        Action.LINK: _("associée"),
        Action.UNCHANGED: _("déjà associée"),
        Action.SKIP: _("ignorée"),
    }
    for x in done.lines:
        if x.action is Action.UNCHANGED:
            continue
        where = f" ({x.residence})" if x.residence else ""
        note = f" : {x.note}" if x.note else ""
        print(f"{x.line} · {x.decidim_id} · {words[x.action]}{where} — {x.title}{note}")
    what = _("propositions") if done.kind is Kind.PROPOSALS else _("projets")
    print(
        _(
            "{what} : {create} nouvelle(s) idée(s), {link} association(s), {same} déjà "
            "associée(s), {skip} ignorée(s)."
        ).format(
            what=what.capitalize(),
            create=done.count(Action.CREATE),
            link=done.count(Action.LINK),
            same=done.count(Action.UNCHANGED),
            skip=done.count(Action.SKIP),
        )
    )
    if not done.applied:
        print(_("Aperçu seulement (--dry-run) : rien n'a été enregistré."))
    return 0
