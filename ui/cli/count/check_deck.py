"""`bp-terrain count check-deck SESSION --expected FILE.expected.json`: does a counted test deck
give exactly what it should? Prints a plain verdict, then each difference; exit 0 when the
count matches, 1 when it does not (2 for a usage error)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.i18n import _, ngettext
from ui.cli.common import print_json

Command = Callable[..., Any]


def register(actions: Any, cmd: Command) -> None:
    """Add `check-deck` to `bp-terrain count` (the session as an argument or with --session)."""
    p = cmd(
        actions,
        "check-deck",
        _("Comparer un jeu d'essai dépouillé avec le résultat qu'il doit donner."),
        run_check_deck,
        session=False,
    )
    p.add_argument("session", nargs="?", metavar="SESSION", help=_("identifiant de la session"))
    p.add_argument("--session", dest="session_option", help=_("identifiant de la session"))
    p.add_argument(
        "--expected",
        required=True,
        metavar=_("FICHIER.expected.json"),
        help=_("résultat attendu, écrit à côté du jeu d'essai imprimé"),
    )
    p.add_argument("--json", action="store_true", help=_("sortie JSON"))


def run_check_deck(services: Any, args: argparse.Namespace) -> int:
    from app.errors import UserError

    session = args.session or args.session_option
    if not session:
        raise UserError(_("Indiquez la session de dépouillement du jeu d'essai."), field="session")
    check = services.deck_check.check_test_deck(session, Path(args.expected))
    if args.json:
        print_json(check.as_dict())
    else:
        print_verdict(check)
    return 0 if check.matches else 1


def print_verdict(check: Any) -> None:
    c, n = check.counted, check.expected_ballots
    if check.matches:
        print(
            _(
                "CONFORME : le dépouillement donne exactement le résultat attendu du jeu "
                "d'essai ({n} bulletins : {v} valides, {b} blancs, {i} nuls ; voix identiques "
                "pour les {p} projets)."
            ).format(n=n, v=c["valid"], b=c["blank"], i=c["invalid"], p=len(check.projects))
        )
        return
    d = len(check.differences)
    print(
        ngettext(
            "NON CONFORME : {n} écart avec le résultat attendu du jeu d'essai.",
            "NON CONFORME : {n} écarts avec le résultat attendu du jeu d'essai.",
            d,
        ).format(n=d)
    )
    for difference in check.differences:
        print(f"  – {difference}")
    print(_("Voix par projet (attendues / comptées) :"))
    for p in check.projects:
        mark = "  " if p.expected == p.counted else "✗ "
        print(
            f"  {mark}n° {p.number:<3} {(p.title or p.project_id)[:44]:<44} {p.expected:>4} / {p.counted:>4}"
        )
