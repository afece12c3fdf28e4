"""`bp-terrain count slip --session S --out FILE.pdf [--seq N]`: print a checkpoint's slip.

The latest signed point of the session by default (a batch close, or the seal), or the
checkpoint entry `--seq N` of its log, to reprint the slip of an earlier batch.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.i18n import _
from ui.cli.common import out_file

Command = Callable[..., Any]


def register(actions: Any, cmd: Command) -> None:
    """Add `slip` to `bp-terrain count`; `cmd` builds a sub-command that takes `--session`."""
    p = cmd(actions, "slip", _("Bordereau (PDF) d'un lot clos ou du scellement."), run_slip)
    p.add_argument("--out", required=True, help=_("fichier PDF à écrire"))
    p.add_argument(
        "--seq",
        type=int,
        help=_("numéro de l'entrée du journal (par défaut le dernier point signé)"),
    )


def run_slip(services: Any, args: argparse.Namespace) -> int:

    print(services.count_slips.write_slip(args.session, out_file(args.out), seq=args.seq))
    return 0
