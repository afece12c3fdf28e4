"""`bp-terrain participants list|export|erase`: the rights of a named participant, headless.

`list [--json]` shows the people recorded with their consent; `export --id ID --out FILE.json`
answers a right-of-access request; `erase --id ID --yes` a right-to-erasure request (refused
without `--yes`: it cannot be undone). The JSON written here is the same as the GUI's export.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, open_data, out_file, print_json


def export_file_name(name: str) -> str:
    """ "donnees-fatima-benali.json": a plain file name from the person's name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "personne"
    return f"donnees-{slug}.json"


def write_export(data: dict[str, object], path: Path) -> None:
    """Write the right-of-access export as readable UTF-8 JSON; disk errors become UserErrors."""
    from app.errors import UserError
    from app.i18n import _

    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(
            _("Impossible d'écrire le fichier {path} : {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc


def register(sub: Any) -> None:
    group = sub.add_parser(
        "participants",
        help=_("Personnes nommées avec leur accord : liste, export, effacement."),
        description=_("Personnes nommées avec leur accord : liste, export, effacement."),
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = add_command(actions, "list", _("Lister les personnes enregistrées."), run_list)
    listing.add_argument("--json", action="store_true", help=_("une liste JSON"))
    export = add_command(
        actions, "export", _("Exporter les données d'une personne (droit d'accès)."), run_export
    )
    export.add_argument("--id", required=True, help=_("identifiant de la personne (voir « list »)"))
    export.add_argument(
        "--out", required=True, metavar=_("FICHIER.json"), help=_("fichier à écrire")
    )
    erase = add_command(
        actions, "erase", _("Effacer les données d'une personne (définitif)."), run_erase
    )
    erase.add_argument("--id", required=True, help=_("identifiant de la personne (voir « list »)"))
    erase.add_argument("--yes", action="store_true", help=_("confirmer l'effacement définitif"))


def _as_dict(person: Any, residences: dict[str, str]) -> dict[str, object]:
    return {
        "id": person.id,
        "name": person.name,
        "residence": residences.get(person.residence_id or "", ""),
        "building": person.building,
        "consent_at": person.consent_at.isoformat() if person.consent_at else None,
    }


def run_list(args: argparse.Namespace) -> int:
    from app.i18n import ngettext

    with open_data(args) as services:
        residences = {r.id: r.name for r in services.campaigns.list_residences()}
        people = services.participants.list_participants()
    if args.json:
        print_json([_as_dict(p, residences) for p in people])
        return 0
    count = ngettext("{n} personne nommée", "{n} personnes nommées", len(people))
    print(count.format(n=len(people)))
    for person in people:
        print(_line(person, residences))
    return 0


def _line(person: Any, residences: dict[str, str]) -> str:
    """ "ID  Fatima Benali  (Les Tilleuls, Bât. A)  accord du 17 octobre 2026"."""
    from app.domain.dates import format_date
    from app.i18n import _

    place = (residences.get(person.residence_id or "", ""), person.building)
    consent = format_date(person.consent_at, weekday=False) if person.consent_at else "—"
    return _("{id}  {name}  ({where})  accord du {consent}").format(
        id=person.id,
        name=person.name or _("(sans nom)"),
        where=", ".join(x for x in place if x) or "—",
        consent=consent,
    )


def run_export(args: argparse.Namespace) -> int:
    from app.i18n import _

    with open_data(args) as services:
        data = services.participants.export_participant(args.id)
    path = out_file(args.out)
    write_export(data, path)
    print(_("Données exportées : {path}").format(path=path))
    return 0


def run_erase(args: argparse.Namespace) -> int:
    from app.errors import UserError
    from app.i18n import _

    if not args.yes:
        raise UserError(
            _(
                "L'effacement est définitif : relancez la commande avec --yes pour confirmer "
                "(exportez d'abord les données si la personne les demande)."
            )
        )
    with open_data(args) as services:
        services.participants.erase_participant(args.id)
    print(_("Données de la personne effacées."))
    return 0
