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
from ui.cli.common import add_command, print_json


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
    from app.i18n import _
    from app.verify import verify_bundle

    report = verify_bundle(Path(args.bundle), reinterpret_images=args.reinterpret, slips=args.slip)
    if args.json:
        print_json(report.as_dict())
        return 0 if report.ok else 1
    for step in report.steps:
        print(f"✓ {step.summary}")
    for warning in report.warnings:
        print(_("Attention : {w}").format(w=warning))
    if report.failure is not None:
        print(
            _("✗ ÉCHEC — {where} : {message}").format(
                where=report.failure.where, message=report.failure.message
            )
        )
        return 1
    print(_("Paquet vérifié : le résultat scellé est bien celui des bulletins lus et décidés."))
    return 0
