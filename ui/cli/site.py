"""`bp-terrain site ...`: publish to the public site, write news, read the site's messages
(docs/platform.md). What is published travels to the server at the next `bp-terrain sync`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, data_dir, print_json


def register(sub: Any) -> None:
    site = sub.add_parser("site", help=_("Le site public : publier, actualités, messages reçus."))
    actions = site.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    status = add_command(actions, "status", _("Ce que le site public montre."), run_status)
    status.add_argument("--json", action="store_true", help=_("sortie JSON"))
    publish = add_command(actions, "publish", _("Publier (ou retirer) sur le site."), run_publish)
    publish.add_argument("--campaign", action="store_true", help=_("la campagne elle-même"))
    publish.add_argument("--projects", action="store_true", help=_("tous les projets"))
    publish.add_argument("--results", metavar="RESIDENCE", help=_("les résultats d'une résidence"))
    publish.add_argument(
        "--provisional", action="store_true",
        help=_("avec --results : publier des résultats provisoires (dépouillement non scellé)"),
    )  # fmt: skip
    publish.add_argument("--news", metavar="ID", help=_("une actualité"))
    publish.add_argument("--withdraw", action="store_true", help=_("retirer au lieu de publier"))
    news = add_command(actions, "news", _("Écrire une actualité."), run_news)
    news.add_argument("--title", required=True, help=_("titre"))
    news.add_argument("--body-file", type=Path, help=_("texte (mise en forme simple)"))
    news.add_argument("--picture", type=Path, help=_("image (JPEG ou PNG)"))
    news.add_argument("--alt", default="", help=_("description de l'image"))
    news.add_argument("--publish", action="store_true", help=_("publier tout de suite"))
    preview = add_command(
        actions, "preview", _("Aperçu du site sur ce poste, avant synchronisation."), run_preview
    )
    preview.add_argument("--port", type=int, default=8766, help=_("port d'écoute"))
    preview.add_argument(
        "--all", action="store_true", help=_("montrer aussi ce qui n'est pas encore publié")
    )
    inbox = add_command(actions, "inbox", _("Les messages reçus par le site."), run_inbox)
    inbox.add_argument("--all", action="store_true", help=_("y compris les messages traités"))
    inbox.add_argument("--done", metavar="ID", help=_("marquer un message comme traité"))
    inbox.add_argument("--json", action="store_true", help=_("sortie JSON"))


def _services(args: argparse.Namespace) -> Any:
    from app.services import open_services

    return open_services(data_dir(args))


def run_status(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        state = services.site.state()
    finally:
        services.close()
    if args.json:
        print_json(asdict(state))
        return 0
    print(_("Campagne publiée : {yes}").format(yes=_("oui") if state.campaign else _("non")))
    print(
        _("Projets publiés : {n} sur {total}").format(n=state.projects, total=state.projects_total)
    )
    print(_("Résultats publiés : {n} résidence(s)").format(n=state.results))
    print(_("Actualités publiées : {n}").format(n=state.news))
    print(_("Suivis publiés : {n}").format(n=state.followups))
    return 0


def run_publish(args: argparse.Namespace) -> int:
    from app.errors import UserError

    if not (args.campaign or args.projects or args.results or args.news):
        raise UserError(_("Dites quoi publier : --campaign, --projects, --results ou --news."))
    published = not args.withdraw
    services = _services(args)
    try:
        site = services.site
        if args.campaign:
            site.publish_campaign(published)
        if args.projects:
            site.publish_projects(published)
        if args.results:
            residence = services.campaigns.find_residence(args.results)
            if published:
                services.site_results.publish_results(residence.id, provisional=args.provisional)
            else:
                site.unpublish_results(residence.id)
        if args.news:
            site.publish_news(args.news, published)
    finally:
        services.close()
    print(_("C'est fait : le site le montrera après la prochaine synchronisation."))
    return 0


def run_news(args: argparse.Namespace) -> int:
    from app.services.site import NewsInput

    body = args.body_file.read_text(encoding="utf-8") if args.body_file else ""
    services = _services(args)
    try:
        post = services.site.create_news(NewsInput(args.title, body, args.alt), args.picture)
        if args.publish:
            post = services.site.publish_news(post.id)
    finally:
        services.close()
    print(post.id)
    return 0


def run_preview(args: argparse.Namespace) -> int:
    """Serve the site as the server will show it, from this laptop's data, on 127.0.0.1 only."""
    import tempfile

    import uvicorn

    from sync.server.app import create_app
    from sync.server.public.preview import build_preview

    with tempfile.TemporaryDirectory(prefix="bp-preview-") as folder:
        db_url = f"sqlite:///{Path(folder) / 'preview.sqlite3'}"
        build_preview(data_dir(args), db_url, everything=args.all)
        print(_("Aperçu du site : http://127.0.0.1:{port}/ (Ctrl+C pour arrêter)").format(
            port=args.port
        ), flush=True)  # fmt: skip
        uvicorn.run(create_app(db_url), host="127.0.0.1", port=args.port, log_level="warning")
    return 0


def run_inbox(args: argparse.Namespace) -> int:
    services = _services(args)
    try:
        if args.done:
            services.inbox.mark_handled(args.done)
        messages = services.inbox.messages(include_handled=args.all)
    finally:
        services.close()
    if args.json:
        print_json([
            {**asdict(m), "received_at": m.received_at.isoformat() if m.received_at else None,
             "handled_at": m.handled_at.isoformat() if m.handled_at else None}
            for m in messages
        ])  # fmt: skip
        return 0
    if not messages:
        print(_("Aucun message à traiter."))
    for m in messages:
        when = f"{m.received_at:%d/%m/%Y %H:%M}" if m.received_at else ""
        print(f"{m.id}  {when}  {m.name or _('(anonyme)')}")
        print(f"    {m.message}")
    return 0
