"""`bp-terrain report --session S --out FILE.pdf`: the procès-verbal of a sealed count;
`bp-terrain report evaluation --out FILE.pdf [--summary]`: the evaluation report of the campaign
(or its one-page summary for the landlord's board).

A top-level command rather than `count report`, so that the count's own command module stays
with its author; the two read the same way in the help.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file


def register(sub: Any) -> None:
    cmd = add_command(
        sub,
        "report",
        _(
            "Procès-verbal de dépouillement (PDF) d'une session scellée, ou rapport "
            "d'évaluation de la campagne (report evaluation)."
        ),
        run_report,
    )
    cmd.add_argument(
        "kind",
        nargs="?",
        choices=["evaluation"],
        help=_("evaluation : le rapport d'évaluation de la campagne"),
    )
    cmd.add_argument("--session", help=_("identifiant de la session (procès-verbal)"))
    cmd.add_argument("--out", required=True, help=_("fichier PDF à écrire"))
    cmd.add_argument(
        "--summary",
        action="store_true",
        help=_("rapport d'évaluation : la synthèse d'une page seulement"),
    )


def run_report(args: argparse.Namespace) -> int:
    from app.errors import UserError
    from app.i18n import _

    if args.kind == "evaluation":
        return run_evaluation(args)
    if not args.session:
        raise UserError(
            _("Indiquez la session (--session S), ou « evaluation » pour le rapport d'évaluation.")
        )
    with open_data(args) as services:
        path = services.count_report.write_count_report(args.session, out_file(args.out))
    print(_("Procès-verbal écrit : {path}").format(path=path))
    return 0


def run_evaluation(args: argparse.Namespace) -> int:
    from app.i18n import _

    with open_data(args) as services:
        path = services.evaluation.write_report(out_file(args.out), summary=args.summary)
    print(_("Rapport d'évaluation écrit : {path}").format(path=path))
    return 0
