"""`bp-terrain ballots ...`: print ballots, the test deck and the other vote materials; list batches.

Every command names a residence by its name (accents and case ignored) or its id. Progress goes
to stderr so that stdout holds only the summary (or JSON).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file, print_json

ORDERS = ("fixed", "alphabetical", "random")
KINDS = ("sheets", "poster", "signin")


def register(sub: Any) -> None:
    group = sub.add_parser(
        "ballots",
        help=_("Bulletins de vote et documents du vote."),
        description=_("Bulletins de vote et documents du vote."),
    )
    inner = group.add_subparsers(dest="ballots_command", metavar="ACTION", required=True)
    printing = add_command(
        inner, "print", _("Imprimer un lot de bulletins (PDF + mise en page)."), run_print
    )
    _residence_and_out(printing)
    printing.add_argument("--count", type=int, required=True, help=_("nombre de bulletins"))
    printing.add_argument("--test", action="store_true", help=_("bulletins d'essai (ESSAI)"))
    printing.add_argument(
        "--no-serial", action="store_true", help=_("sans numéro de série (urne surveillée)")
    )
    printing.add_argument("--order", choices=ORDERS, default=None, help=_("ordre des projets"))
    printing.add_argument("--style", default=None, help=_("modèle de bulletin (nom ou id)"))
    deck = add_command(
        inner, "test-deck", _("Jeu d'essai pré-rempli et son résultat attendu."), run_test_deck
    )
    _residence_and_out(deck)
    deck.add_argument("--style", default=None, help=_("modèle de bulletin (nom ou id)"))
    materials = add_command(
        inner, "materials", _("Fiches projets, affiche ou feuille d'émargement."), run_materials
    )
    _residence_and_out(materials)
    materials.add_argument("--kind", choices=KINDS, required=True)
    materials.add_argument(
        "--session",
        action="append",
        default=[],
        metavar=_("'JJ/MM/AAAA HH:MM-HH:MM LIEU'"),
        help=_("permanence de vote pour l'affiche (répétable ; gardée pour la résidence)"),
    )
    materials.add_argument(
        "--contact",
        default=None,
        help=_("qui contacter, imprimé sur l'affiche (gardé pour la résidence)"),
    )
    batches = add_command(inner, "batches", _("Lister les lots imprimés."), run_batches)
    batches.add_argument("--json", action="store_true", help=_("une liste JSON"))


def _residence_and_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--residence", required=True, help=_("résidence (nom ou id)"))
    parser.add_argument("--out", required=True, help=_("fichier PDF à écrire"))


class _StderrProgress:
    """Prints "312 / 1 000" on stderr at most every tenth of the work."""

    def __init__(self) -> None:
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        step = max(1, total // 10)
        if done == total or done // step != self.last:
            self.last = done // step
            sys.stderr.write(f"\r{done} / {total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def run_print(args: argparse.Namespace) -> int:
    from app.services.printing.types import PrintOptions, ProjectOrder

    with open_data(args) as services:
        residence = services.campaigns.find_residence(args.residence)
        options = PrintOptions(
            count=args.count,
            test=args.test,
            with_serials=not args.no_serial,
            order=ProjectOrder(args.order) if args.order else None,
        )
        summary = services.ballots.print_for_residence(
            residence.id,
            out_file(args.out),
            options,
            style_name=args.style,
            progress=_StderrProgress(),
        )
    print("\n".join(summary.lines()))
    return 0


def run_test_deck(args: argparse.Namespace) -> int:
    with open_data(args) as services:
        residence = services.campaigns.find_residence(args.residence)
        style = services.ballots.choose_style(residence.id, args.style)
        summary = services.ballots.print_test_deck(
            style.id, out_file(args.out), progress=_StderrProgress()
        )
    print("\n".join(summary.lines()))
    return 0


def run_materials(args: argparse.Namespace) -> int:
    from app.i18n import _
    from app.services.printing.types import MaterialKind

    with open_data(args) as services:
        residence = services.campaigns.find_residence(args.residence)
        if args.session:
            services.ballots.set_vote_sessions(residence.id, "\n".join(args.session))
        if args.contact is not None:
            services.ballots.set_poster_contact(residence.id, args.contact)
        path = services.ballots.materials(
            residence.id, MaterialKind(args.kind), out_file(args.out), progress=_StderrProgress()
        )
    print(_("Document écrit : {path}").format(path=path))
    return 0


def run_batches(args: argparse.Namespace) -> int:
    from app.i18n import _

    with open_data(args) as services:
        batches = services.ballots.list_batches()
    if args.json:
        print_json([batch_json(b) for b in batches])
        return 0
    if not batches:
        print(_("Aucun lot imprimé pour l'instant."))
        return 0
    for b in batches:
        print(batch_line(b))
    return 0


def batch_json(batch: Any) -> dict[str, object]:
    return {
        "id": batch.id,
        "number": batch.number,
        "residence_id": batch.residence_id,
        "residence": batch.residence_name,
        "style_id": batch.style_id,
        "style": batch.style_name,
        "count": batch.count,
        "mode": "test" if batch.test else "live",
        "kind": batch.kind,
        "with_serials": batch.with_serials,
        "serials_recorded": batch.serials_recorded,
        "template_hash": batch.template_hash,
        "merkle_root": batch.merkle_root,
        "printed_at": batch.printed_at.isoformat(),
    }


def batch_line(batch: Any) -> str:
    from app.domain.dates import format_datetime
    from app.i18n import _, ngettext

    mode = _("essai") if batch.test else _("réel")
    count = batch.count
    if batch.kind == "test_deck":
        ballots = ngettext(
            "jeu d'essai de {count} bulletin", "jeu d'essai de {count} bulletins", count
        )
    else:
        ballots = ngettext("{count} bulletin", "{count} bulletins", count)
    return _("Lot n° {n} — {date} — {residence} ({style}) — {ballots}, {mode}").format(
        n=batch.number,
        date=format_datetime(batch.printed_at),
        residence=batch.residence_name,
        style=batch.style_name,
        ballots=ballots.format(count=count),
        mode=mode,
    )
