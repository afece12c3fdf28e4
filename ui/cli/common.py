"""Pieces shared by the sub-commands: the common options and opening the data folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.i18n import _

if TYPE_CHECKING:
    from app.services import Services


def common_parent() -> argparse.ArgumentParser:
    """A parent parser giving every sub-command `--data-dir` and `--lang`.

    Defaults are SUPPRESS so that a value given before the sub-command name is not overwritten.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir", default=argparse.SUPPRESS, help=_("dossier des données de la campagne")
    )
    parent.add_argument(
        "--lang",
        choices=("fr", "en"),
        default=argparse.SUPPRESS,
        help=_("langue : fr (par défaut) ou en"),
    )
    return parent


def add_command(sub: Any, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    """Add a sub-command with the common options and its handler (`help_text` translated)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=help_text, parents=[common_parent()]
    )
    parser.set_defaults(handler=handler)
    return parser


def out_file(value: str) -> Path:
    """The file named by `--out`, its folder created if missing (as `mkdir -p` would)."""
    from app.errors import UserError

    path = Path(value).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            _("Impossible de créer le dossier {folder} : {error}").format(
                folder=path.parent, error=exc.strerror or exc
            ),
            field="out",
        ) from exc
    return path


def data_dir(args: argparse.Namespace) -> Path:
    """The data folder named on the command line, else the platform's user data folder."""
    from app.paths import default_data_dir

    value = getattr(args, "data_dir", None)
    return Path(value).expanduser() if value else default_data_dir()


def open_data(args: argparse.Namespace) -> Services:
    """The services on the data folder of the command line: `with open_data(args) as services:`.

    The services module is imported here, not at the top, so that `--help` and the commands that
    need no data folder start without the storage."""
    from app.services import open_services

    return open_services(data_dir(args))


def print_json(obj: Any) -> None:
    # dumps, not dump: dump streams through the pure-Python encoder (5 times slower on big output)
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")
