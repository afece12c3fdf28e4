"""`bp-terrain serve` and `bp-terrain server enrol|devices|revoke|verify-audit`: the sync server,
headless."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, data_dir, print_json


def register(sub: Any) -> None:
    serve = add_command(sub, "serve", _("Lancer le serveur de synchronisation."), run_serve)
    serve.add_argument("--db", help=_("base du serveur (URL SQLAlchemy) au lieu de --data-dir"))
    serve.add_argument("--host", default="127.0.0.1", help=_("adresse d'écoute"))
    serve.add_argument("--port", type=int, default=8765, help=_("port d'écoute"))
    serve.add_argument(
        "--token-days",
        type=float,
        default=90,
        help=_("durée de vie d'un jeton inutilisé, en jours (renouvelée à chaque usage)"),
    )
    server = sub.add_parser("server", help=_("Administrer le serveur : postes et inscriptions."))
    actions = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    enrol = add_command(
        actions, "enrol", _("Créer un code d'inscription à usage unique."), run_enrol
    )
    enrol.add_argument(
        "--role", required=True, choices=("consultant", "field", "officer"), help=_("rôle du poste")
    )
    enrol.add_argument("--campaign", help=_("campagne concernée"))
    devices = add_command(actions, "devices", _("Lister les postes inscrits."), run_devices)
    devices.add_argument("--json", action="store_true", help=_("sortie JSON"))
    revoke = add_command(actions, "revoke", _("Révoquer un poste."), run_revoke)
    revoke.add_argument("device", help=_("identifiant du poste"))
    audit = add_command(
        actions,
        "verify-audit",
        _("Rejouer tous les journaux d'audit que le serveur détient (signatures comprises)."),
        run_verify_audit,
    )
    audit.add_argument("--json", action="store_true", help=_("sortie JSON"))
    for parser in (enrol, devices, revoke, audit):
        parser.add_argument(
            "--db", help=_("base du serveur (URL SQLAlchemy) au lieu de --data-dir")
        )


def _url(args: argparse.Namespace) -> str:
    from sync.server import db_url_for

    return args.db or db_url_for(data_dir(args))


def _engine(args: argparse.Namespace) -> Any:
    from sync.server.store import open_engine

    return open_engine(_url(args))


def run_serve(args: argparse.Namespace) -> int:
    import gc
    from datetime import timedelta

    import uvicorn

    from sync.server.app import create_app
    from sync.server.public.retention import start_daily

    app = create_app(_url(args), token_lifetime=timedelta(days=args.token_days))
    # what residents wrote on the site, erased a year past the campaign: now, then daily
    start_daily(_engine(args))
    print(
        _("Serveur de synchronisation sur http://{host}:{port}").format(
            host=args.host, port=args.port
        ),
        flush=True,
    )
    # The modules and the app live as long as the server: out of the garbage collector's sight,
    # which otherwise walks them all again and again during a big push (a third of its time).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def run_enrol(args: argparse.Namespace) -> int:
    from sync.core.tables import Role
    from sync.server.devices import new_code

    code = new_code(_engine(args), Role(args.role), args.campaign)
    print(_("Code d'inscription à usage unique (valable 7 jours) :"))
    print(code)
    return 0


def run_devices(args: argparse.Namespace) -> int:
    from sync.server.devices import devices

    rows = devices(_engine(args))
    if args.json:
        print_json([row.__dict__ for row in rows])
        return 0
    if not rows:
        print(_("Aucun poste inscrit."))
    for row in rows:
        state = _("révoqué le {date}").format(date=row.revoked_at) if row.revoked_at else _("actif")
        print(f"{row.device_id}  {row.number:>3}  {row.role:<10}  {row.label}  {state}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from sync.server.devices import revoke

    info = revoke(_engine(args), args.device)
    print(
        _("Poste {device} révoqué le {date}.").format(device=info.device_id, date=info.revoked_at)
    )
    return 0


def run_verify_audit(args: argparse.Namespace) -> int:
    """Every audit chain the server holds, replayed; 1 when one of them is broken."""
    from sync.server.audit import verify_chains

    reports = verify_chains(_engine(args))
    if args.json:
        print_json([{**report.__dict__, "ok": report.ok} for report in reports])
        return 0 if all(report.ok for report in reports) else 1
    if not reports:
        print(_("Le serveur ne détient aucun journal d'audit."))
    for report in reports:
        if report.ok:
            state = _("scellé") if report.sealed else _("non scellé")
            print(
                _("Session {session} : {n} entrées, intègre ({state}).").format(
                    session=report.session_id, n=report.entries, state=state
                )
            )
        else:
            print(
                _("Session {session} : journal rompu. {message}").format(
                    session=report.session_id, message=report.message
                ),
                file=sys.stderr,
            )
    return 0 if all(report.ok for report in reports) else 1
