"""`bp-terrain sync export|import`: synchronise through a file (a USB key) when there is no network.

On the laptop, `sync export --data-dir LAPTOP --out F.bpsync`; on the server (or the hub laptop
running it), `sync import F.bpsync --data-dir SERVER`, which writes `F.reponse.bpsync`; back on
the laptop, `sync import F.reponse.bpsync --data-dir LAPTOP`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _, ngettext
from ui.cli.common import data_dir, out_file, print_json
from ui.cli.sync_report import FILE_LINES, print_sync_report


def register_actions(sync_parser: argparse.ArgumentParser) -> None:
    """The options of `sync export` and `sync import` (the actions are `sync`'s first argument)."""
    sync_parser.add_argument("--out", help=_("export : fichier à écrire (.bpsync)"))
    sync_parser.add_argument(
        "--db", help=_("import sur le serveur : sa base (URL SQLAlchemy) au lieu de --data-dir")
    )
    sync_parser.add_argument(
        "--reply",
        help=_("import sur le serveur : fichier de réponse (par défaut FICHIER.reponse.bpsync)"),
    )


def run_bundle(args: argparse.Namespace) -> int:
    from app.errors import UserError

    if args.action == "export":
        if not args.out:
            raise UserError(
                _("Indiquez le fichier à écrire : bp-terrain sync export --out F.bpsync")
            )
        return run_export(args)
    if not args.conflict:
        raise UserError(_("Indiquez le fichier à importer : bp-terrain sync import F.bpsync"))
    args.file = args.conflict
    return run_import(args)


def run_export(args: argparse.Namespace) -> int:
    from sync.client.bundle import export_bundle

    report = export_bundle(data_dir(args), out_file(args.out))
    if args.json:
        print_json(report.__dict__)
        return 0
    print(
        ngettext(
            "{n} modification exportée dans {path} ({size} octets).",
            "{n} modifications exportées dans {path} ({size} octets).",
            report.changes,
        ).format(n=report.changes, path=report.path, size=report.size)
    )
    print_sync_report(report.__dict__, ("files", "keys_sealed"), always=frozenset())
    print(
        _(
            "Importez ce fichier sur le serveur (bp-terrain sync import), puis rapportez sa "
            "réponse sur ce poste."
        )
    )
    return 0


def _reply_path(args: argparse.Namespace) -> Path:
    if args.reply:
        return out_file(args.reply)
    source = Path(args.file)
    stem = source.name[: -len(".bpsync")] if source.name.endswith(".bpsync") else source.name
    return source.with_name(f"{stem}.reponse.bpsync")


def run_import(args: argparse.Namespace) -> int:
    from sync.client.bundle import import_reply, read_bundle_file
    from sync.core.bundle import open_envelope
    from sync.core.errors import SyncError
    from sync.server import is_server_folder

    source = Path(args.file)
    envelope = open_envelope(read_bundle_file(source))
    if envelope.kind == "reply":
        if args.db or is_server_folder(data_dir(args)):
            raise SyncError(
                _(
                    "Ce paquet est une réponse du serveur : il s'importe sur le poste {device} "
                    "(bp-terrain sync import --data-dir DOSSIER_DU_POSTE), pas sur le serveur."
                ).format(device=envelope.device_id)
            )
        report = import_reply(data_dir(args), source)
        if args.json:
            print_json(report.__dict__)
            return 0
        print_sync_report(
            report.__dict__,
            ("acknowledged", "received", *FILE_LINES, "keys_received"),
            always=frozenset({"acknowledged", "received"}),
        )
        return 0
    return _import_on_server(args, source)


def _import_on_server(args: argparse.Namespace, source: Path) -> int:
    from sync.client.bundle import read_bundle_file, write_atomically
    from sync.server import server_db_url
    from sync.server.bundle import import_bundle
    from sync.server.store import open_engine

    engine = open_engine(args.db or server_db_url(data_dir(args)))
    try:
        report, reply = import_bundle(engine, read_bundle_file(source))
    finally:
        engine.dispose()
    target = _reply_path(args)
    write_atomically(target, reply)
    result: dict[str, Any] = {**report.__dict__, "reply": str(target)}
    if args.json:
        print_json(result)
        return 0
    print_sync_report(
        report.__dict__,
        ("accepted", "conflicts", "refused", *FILE_LINES),
        device=report.device_id,
        always=frozenset({"accepted"}),
    )
    print(_("Réponse à rapporter sur le poste : {path}").format(path=target))
    return 0
