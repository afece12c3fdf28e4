"""`bp-terrain report --session S --out FILE.pdf`: the procès-verbal of a sealed count.

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
        _("Procès-verbal de dépouillement (PDF) d'une session scellée."),
        run_report,
    )
    cmd.add_argument("--session", required=True, help=_("identifiant de la session"))
    cmd.add_argument("--out", required=True, help=_("fichier PDF à écrire"))


def run_report(args: argparse.Namespace) -> int:
    from app.i18n import _
    from app.services.counting.report import write_count_report

    with open_data(args) as services:
        path = write_count_report(services, args.session, out_file(args.out))
    print(_("Procès-verbal écrit : {path}").format(path=path))
    return 0
