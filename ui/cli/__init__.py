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

LANGUAGES = ("fr", "en")
COMMAND_MODULES: tuple[str, ...] = (
    "ui.cli.base",
    "ui.cli.scan",
    "ui.cli.count",
    "ui.cli.ballots",
    "ui.cli.rules",
    "ui.cli.verify",
    "ui.cli.report",
    "ui.cli.pabulib",
    "ui.cli.spreadsheet",
    "ui.cli.decidim",
    "ui.cli.participants",
    "ui.cli.appointments",
    "ui.cli.survey",
    "ui.cli.backup",
    "ui.cli.server",
    "ui.cli.sync",
    "ui.cli.site",
)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser, its help texts in the current language (build it inside
    `translated_argparse()` so that argparse's own words follow)."""
    from app.i18n import _

    parser = argparse.ArgumentParser(
        prog="bp-terrain",
        description=_("BP Terrain : budget participatif sur le terrain."),
    )
    parser.add_argument(
        "--data-dir", help=_("dossier des données (par défaut : dossier utilisateur)")
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=None, help=_("langue : fr (par défaut) ou en")
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=_("journal détaillé"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMANDE"))
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli_language import language_in, translated_argparse
    from app.errors import Cancelled, UserError
    from app.i18n import _, set_language

    argv = list(sys.argv[1:] if argv is None else argv)
    language = language_in(argv)
    if language in LANGUAGES:
        set_language(language)
    with translated_argparse():
        args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    handler = getattr(args, "handler", None)
    if handler is None:
        from ui.cli.base import run_gui

        handler = run_gui
    try:
        return int(handler(args) or 0)
    except UserError as exc:
        print(_("Erreur : {message}").format(message=exc.message), file=sys.stderr)
        return 2
    except Cancelled:
        print(_("Annulé."), file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
