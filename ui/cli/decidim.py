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
    vote = add_command(
        actions,
        "import-vote",
        _("Lire le vote en ligne d'une résidence (budgets Decidim exporté en .pb) et le combiner "
          "au dépouillement papier selon la règle de la campagne."),
        run_import_vote,
    )  # fmt: skip
    vote.add_argument("file", metavar=_("FICHIER"))
    vote.add_argument("--residence", required=True, help=_("la résidence de ce vote"))
    vote.add_argument(
        "--dry-run", action="store_true", help=_("aperçu seulement : rien n'est enregistré")
    )
    vote.add_argument("--json", action="store_true", help=_("sortie JSON"))


def run_export(args: argparse.Namespace) -> int:

    with open_data(args) as services:
        path, _count = services.decidim_export.export_decidim(args.kind, out_file(args.out))
    print(path)
    return 0


def run_import(args: argparse.Namespace) -> int:
    from app.i18n import _
    from app.services.interop.decidim_import import Action, Kind

    with open_data(args) as services:
        done = services.decidim_import.import_decidim(
            Path(args.file), residence=args.residence, dry_run=args.dry_run
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


def run_import_vote(args: argparse.Namespace) -> int:
    from app.i18n import _

    with open_data(args) as services:
        done = services.online_vote.import_online_vote(
            Path(args.file), args.residence, dry_run=args.dry_run
        )
        both = None if args.dry_run else services.online_vote.combined_results(done.residence_id)
    if args.json:
        print_json({
            "residence": done.residence, "file": done.file_name, "online_ballots": done.ballots,
            "applied": done.applied, "replaced": done.replaced,
            "online_votes": {done.titles[p]: v for p, v in done.votes.items()},
            "combined": None if both is None else {
                "rule": both.rule_label, "paper_ballots": both.paper_ballots,
                "online_ballots": both.online_ballots, "spent_cents": both.spent_cents,
                "projects": [
                    {"number": x.number, "title": x.title, "paper": x.paper, "online": x.online,
                     "votes": x.votes, "status": x.status}
                    for x in both.projects
                ],
            },
        })  # fmt: skip
        return 0
    print(
        _("{residence} : {n} votes en ligne lus dans {file}.").format(
            residence=done.residence, n=done.ballots, file=done.file_name
        )
    )
    if both is None:
        for pid, votes in done.votes.items():
            print(f"  {done.titles[pid]} : {votes}")
        print(_("Aperçu seulement (--dry-run) : rien n'a été enregistré."))
        return 0
    print(
        _("Résultat combiné ({rule}) : {paper} bulletins papier valides + {online} votes en ligne.")
        .format(rule=both.rule_label, paper=both.paper_ballots, online=both.online_ballots)
    )  # fmt: skip
    for x in both.projects:
        print(
            _("  {number}. {title} : {paper} papier + {online} en ligne = {votes} — {status}").format(
                number=x.number, title=x.title, paper=x.paper, online=x.online, votes=x.votes,
                status=x.status_label,
            )
        )  # fmt: skip
    return 0
