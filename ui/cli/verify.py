"""`bp-terrain verify BUNDLE.zip [--reinterpret] [--slip CODE]... [--json]`: check a count from
its bundle alone, and the batch slips signed on paper against its log.

Needs no data folder: anyone given the bundle (a witness, a resident, an auditor) can run it.
Exit 0 only when everything holds; 1 when the bundle fails, naming the first file or log entry
that does; 2 for a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command


def register(sub: Any) -> None:
    cmd = add_command(
        sub,
        "verify",
        _("Vérifier un dépouillement à partir de son paquet de vérification (zip)."),
        run_verify,
    )
    cmd.add_argument(
        "bundle", metavar=_("PAQUET.zip"), help=_("paquet exporté par « count export »")
    )
    cmd.add_argument(
        "--reinterpret",
        action="store_true",
        help=_("relire chaque image et exiger des lectures identiques (paquet avec images)"),
    )
    cmd.add_argument(
        "--slip",
        action="append",
        default=[],
        metavar="CODE",
        help=_(
            "code d'un bordereau signé (BPTA1:…, texte du QR) : il doit correspondre au journal "
            "(répétable)"
        ),
    )
    cmd.add_argument("--json", action="store_true", help=_("un objet JSON"))


def run_verify(args: argparse.Namespace) -> int:
    from app.verify import verify_bundle
    from app.verify.output import print_report

    report = verify_bundle(Path(args.bundle), reinterpret_images=args.reinterpret, slips=args.slip)
    return print_report(report, as_json=args.json)
