"""`bp-terrain appointments list|open|book|answer|sheet`: the hot line's appointment book.

A resident's name and contact are taken only with `--consent`; without it the booking is
anonymous. `list --json` prints one object per slot (names only where consented).
"""

from __future__ import annotations

import argparse
from datetime import date, time
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, data_dir, out_file, print_json

CHANNELS = ("room", "phone", "video")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("date attendue au format AAAA-MM-JJ : {value}").format(value=text)
        ) from exc


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("heure attendue au format HH:MM : {value}").format(value=text)
        ) from exc


def register(sub: Any) -> None:
    sp = sub.add_parser(
        "appointments", help=_("Permanences : créneaux, rendez-vous, questions et suites.")
    )
    actions = sp.add_subparsers(dest="appointments_command", metavar="ACTION", required=True)
    ls = add_command(actions, "list", _("Lister les créneaux et les rendez-vous."), run_list)
    ls.add_argument("--from", dest="start", type=_day, help=_("premier jour (AAAA-MM-JJ)"))
    ls.add_argument("--to", dest="end", type=_day, help=_("dernier jour (AAAA-MM-JJ)"))
    ls.add_argument("--booked", action="store_true", help=_("seulement les rendez-vous pris"))
    ls.add_argument("--json", action="store_true", help=_("sortie JSON"))
    op = add_command(actions, "open", _("Ouvrir des créneaux consécutifs un jour donné."), run_open)
    op.add_argument("--consultant", required=True, help=_("nom du consultant"))
    op.add_argument("--channel", required=True, choices=CHANNELS, help=_("salle, téléphone, visio"))
    op.add_argument("--day", required=True, type=_day, help=_("jour (AAAA-MM-JJ)"))
    op.add_argument("--start", required=True, type=_time, help=_("début (HH:MM)"))
    op.add_argument("--end", required=True, type=_time, help=_("fin (HH:MM)"))
    op.add_argument("--minutes", type=int, default=30, help=_("durée d'un créneau (30 par défaut)"))
    op.add_argument("--place", default="", help=_("salle, numéro ou lien"))
    op.add_argument("--residence", help=_("résidence (nom ou id)"))
    bk = add_command(actions, "book", _("Réserver un créneau pour un habitant."), run_book)
    bk.add_argument("slot", help=_("id du créneau"))
    bk.add_argument("--question", default="", help=_("la question posée"))
    bk.add_argument("--theme", default="", help=_("thème"))
    bk.add_argument("--consent", action="store_true", help=_("la personne accepte d'être nommée"))
    bk.add_argument("--name", default="", help=_("nom (seulement avec --consent)"))
    bk.add_argument("--contact", default="", help=_("téléphone ou courriel (avec --consent)"))
    bk.add_argument("--residence", help=_("résidence (nom ou id)"))
    an = add_command(
        actions, "answer", _("Noter la réponse donnée et la suite à donner."), run_answer
    )
    an.add_argument("slot", help=_("id du créneau"))
    an.add_argument("--answer", default="", help=_("la réponse donnée"))
    an.add_argument("--follow-up", default="", help=_("la suite à donner"))
    an.add_argument("--done", action="store_true", help=_("la suite est faite"))
    sh = add_command(actions, "sheet", _("Imprimer la feuille de la semaine (PDF)."), run_sheet)
    sh.add_argument("--week", required=True, type=_day, help=_("un jour de la semaine"))
    sh.add_argument("--out", required=True, help=_("fichier PDF à écrire"))


def _as_dict(a: Any, residences: dict[str, str]) -> dict[str, object]:
    return {
        "id": a.meta.id,
        "starts_at": a.starts_at.isoformat(),
        "minutes": a.minutes,
        "consultant": a.consultant,
        "channel": a.channel.value,
        "place": a.place,
        "residence": residences.get(a.residence_id or "", None),
        "booked": a.booked,
        "anonymous": a.anonymous,
        "resident_name": a.resident_name,
        "resident_contact": a.resident_contact,
        "question": a.question,
        "theme": a.theme,
        "answer": a.answer,
        "follow_up": a.follow_up,
        "follow_up_done": a.follow_up_done,
    }


def run_list(args: argparse.Namespace) -> int:
    from app.domain.appointments import CHANNEL_LABELS
    from app.domain.dates import format_datetime
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        slots = services.appointments.list_appointments(
            args.start, args.end, booked_only=args.booked
        )
        residences = {r.id: r.name for r in services.campaigns.list_residences()}
        zone = services.campaigns.get_campaign().timezone
    finally:
        services.close()
    if args.json:
        print_json([_as_dict(a, residences) for a in slots])
        return 0
    if not slots:
        print(_("Aucun créneau."))
    for a in slots:
        who = _("libre")
        if a.booked:
            who = _("anonyme") if a.anonymous else a.resident_name or _("nommé")
        print(
            _("{when} — {consultant} — {channel} — {who} — {id}").format(
                when=format_datetime(a.starts_at, zone), consultant=a.consultant,
                channel=_(CHANNEL_LABELS[a.channel]), who=who, id=a.meta.id,
            )
        )  # fmt: skip
        if a.question:
            print("    " + _("Question : {q}").format(q=a.question))
    return 0


def run_open(args: argparse.Namespace) -> int:
    from app.domain.appointments import Channel
    from app.services import open_services
    from app.services.appointments import SlotsInput

    services = open_services(data_dir(args))
    try:
        residence = services.campaigns.find_residence(args.residence) if args.residence else None
        slots = services.appointments.open_slots(
            SlotsInput(
                args.consultant, Channel(args.channel), args.day, args.start, args.end,
                args.minutes, args.place, residence.meta.id if residence else None,
            )
        )  # fmt: skip
    finally:
        services.close()
    for a in slots:
        print(a.meta.id)
    return 0


def run_book(args: argparse.Namespace) -> int:
    from app.services import open_services
    from app.services.appointments import BookingInput

    services = open_services(data_dir(args))
    try:
        residence = services.campaigns.find_residence(args.residence) if args.residence else None
        done = services.appointments.book(
            args.slot,
            BookingInput(
                args.question, args.theme, args.consent, args.name, args.contact,
                residence.meta.id if residence else None,
            ),
        )  # fmt: skip
    finally:
        services.close()
    print(done.meta.id)
    return 0


def run_answer(args: argparse.Namespace) -> int:
    from app.services import open_services
    from app.services.appointments import OutcomeInput

    services = open_services(data_dir(args))
    try:
        done = services.appointments.record_outcome(
            args.slot, OutcomeInput(args.answer, args.follow_up, args.done)
        )
    finally:
        services.close()
    print(done.meta.id)
    return 0


def run_sheet(args: argparse.Namespace) -> int:
    from app.services import open_services

    services = open_services(data_dir(args))
    try:
        campaign = services.campaigns.get_campaign()
        residences = {r.meta.id: r.name for r in services.campaigns.list_residences()}
        path, _pages = services.appointments.print_week(
            args.week, out_file(args.out),
            campaign=campaign.name, residences=residences, timezone=campaign.timezone,
        )  # fmt: skip
    finally:
        services.close()
    print(path)
    return 0
