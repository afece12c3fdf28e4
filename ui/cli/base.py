"""Core sub-commands: start the GUI, create the demo, print the status, render the screens."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.i18n import N_, _
from ui.cli.common import add_command, data_dir, open_data, print_json


def register(sub: Any) -> None:
    gui = add_command(sub, "gui", _("Ouvrir l'application (par défaut sans commande)."), run_gui)
    gui.add_argument(
        "--demo",
        action="store_true",
        help=_("utiliser la campagne de démonstration (créée si le dossier est vide)"),
    )
    gui.add_argument("--with-count", action="store_true", help=_(WITH_COUNT_HELP))
    demo = add_command(
        sub, "demo", _("Créer une campagne de démonstration (sans écran)."), run_demo
    )
    demo.add_argument("--with-count", action="store_true", help=_(WITH_COUNT_HELP))
    status = add_command(sub, "status", _("Résumé de la campagne."), run_status)
    status.add_argument("--json", action="store_true", help=_("un objet JSON de compteurs"))
    shots = add_command(
        sub,
        "screenshots",
        _("Enregistrer chaque écran principal en PNG (hors écran)."),
        run_screenshots,
    )
    shots.add_argument("--out", required=True, help=_("dossier où écrire les PNG"))
    shots.add_argument("--width", type=int, default=1366)
    shots.add_argument("--height", type=int, default=800)


WITH_COUNT_HELP = N_(
    "ajouter un dépouillement en cours (bulletins imprimés, lus, un à revoir) pour s'entraîner"
)


def _demo_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "data_dir", None):
        return data_dir(args)
    from app.paths import default_data_dir

    return default_data_dir() / "demo"


def ensure_demo(path: Path, *, with_count: bool = False) -> bool:
    """Create the demo campaign in `path` unless a campaign is already there; True if created.

    `with_count` adds a count under way (real printed ballots, read, one left to review) when
    the folder has none: the training ground of the tally officer, and what the screenshots of
    the Dépouillement and Résultats screens show.
    """
    from app.services import open_services

    with open_services(path) as services:
        created = not services.campaigns.has_campaign()
        if created:
            services.demo.create_demo()
        if with_count and not services.counting.list_sessions():
            session = services.demo.create_demo_count(path / "demo-scans")
            services.demo.publish_demo_results(session.residence_id)
        if with_count and services.demo.demo_survey_unread():
            services.demo.create_demo_survey_answers(path / "demo-scans")
        return created


def run_gui(args: argparse.Namespace) -> int:
    from ui.main import run_app

    path = _demo_dir(args) if getattr(args, "demo", False) else data_dir(args)
    if getattr(args, "demo", False):
        ensure_demo(path, with_count=args.with_count)
    return run_app(path, language=getattr(args, "lang", None))


def run_demo(args: argparse.Namespace) -> int:
    from app.i18n import _

    path = data_dir(args)
    if not ensure_demo(path, with_count=args.with_count):
        print(
            _("Le dossier {path} contient déjà une campagne : rien n'a été ajouté.").format(
                path=path
            )
        )
        return 0
    print(_("Campagne de démonstration créée dans {path}.").format(path=path))
    if args.with_count:
        from app.services.demo.count import DEMO_OFFICER, DEMO_PASSPHRASE

        print(
            _("Démonstration : la phrase secrète de {officer} est « {passphrase} ».").format(
                officer=DEMO_OFFICER, passphrase=DEMO_PASSPHRASE
            )
        )
    return 0


STATUS_LABELS = (
    ("residences", N_("Résidences")),
    ("meetings", N_("Réunions")),
    ("attendees", N_("Participations aux réunions")),
    ("participants", N_("Participants nommés (avec consentement)")),
    ("questions", N_("Questions posées")),
    ("ideas", N_("Idées")),
    ("ideas_unassigned", N_("Idées pas encore dans un projet")),
    ("projects", N_("Projets")),
    ("projects_to_review", N_("Projets à examiner")),
    ("reviews", N_("Examens de la commission")),
    ("admissible_projects", N_("Projets recevables")),
    ("ballots_printed", N_("Bulletins imprimés")),
    ("sheets_counted", N_("Bulletins dépouillés")),
    ("pending_sync_changes", N_("Modifications à synchroniser")),
    ("conflicts", N_("Conflits de synchronisation à résoudre")),
)


def run_status(args: argparse.Namespace) -> int:
    from app.i18n import _

    with open_data(args) as services:
        status = services.status.campaign_status().as_dict()
    if args.json:
        print_json(status)
        return 0
    if not status["campaign_id"]:
        print(_("Aucune campagne dans ce dossier. Créez-en une, ou lancez « bp-terrain demo »."))
        return 0
    print(_("Campagne : {name}").format(name=status["campaign_name"]))
    for key, label in STATUS_LABELS:
        if key in status:
            print(f"  {_(label):<42} {status[key]:>6}")
    last = status.get("last_sync") or _("jamais")
    label = _("Dernière synchronisation")
    print(f"  {label:<42} {last}")
    return 0


def run_screenshots(args: argparse.Namespace) -> int:
    from ui.screenshots import render_all

    path = _demo_dir(args)
    ensure_demo(path, with_count=True)
    files = render_all(
        path, Path(args.out), size=(args.width, args.height), language=getattr(args, "lang", None)
    )
    for f in files:
        print(f)
    sys.stdout.flush()
    return 0
