"""The `bp-terrain` console command: the outermost layer, beside the GUI.

Each sub-command lives in its own module of this package with a `register(subparsers)` function;
`COMMAND_MODULES` lists them in help order. Qt is imported only by the commands that need it (the
GUI and `screenshots`), so headless commands run on machines without a display.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "ui.cli.base",
    "ui.cli.scan",
    "ui.cli.count",
    "ui.cli.ballots",
    "ui.cli.rules",
    "ui.cli.verify",
    "ui.cli.report",
    "ui.cli.pabulib",
    "ui.cli.participants",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bp-terrain",
        description="BP Terrain : budget participatif sur le terrain.",
    )
    parser.add_argument("--data-dir", help="dossier des données (par défaut : dossier utilisateur)")
    parser.add_argument("--lang", choices=("fr", "en"), default=None, help="langue de l'interface")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from app.errors import Cancelled, UserError
    from app.i18n import set_language

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    if args.lang:
        set_language(args.lang)
    handler = getattr(args, "handler", None)
    if handler is None:
        from ui.cli.base import run_gui

        handler = run_gui
    try:
        return int(handler(args) or 0)
    except UserError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 2
    except Cancelled:
        print("Annulé.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
