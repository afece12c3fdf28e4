"""The printing of a sync's report, one for `bp-terrain sync` and `sync import` (online or by a
bundle): what was sent, received, refused and left in conflict, the files, the problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.i18n import _, ngettext

FILE_LINES = ("files_sent", "files_received", "files_pending")


def _conflict_line(conflict: Mapping[str, Any]) -> str:
    return "  " + _(
        "{table} {record}, champ « {field} » : gardé {kept}, autre valeur {other}"
    ).format(
        table=conflict["table"],
        record=conflict["record_id"],
        field=conflict["field"],
        kept=conflict["kept_value"],
        other=conflict["other_value"],
    )


def print_sync_report(
    counts: Mapping[str, Any],
    order: Sequence[str],
    *,
    device: str = "",
    always: frozenset[str] = frozenset({"sent", "received", "conflicts"}),
) -> None:
    """Print the lines of `counts` in `order`; a count of 0 is printed only if in `always`.

    Keys: `server`, `sent`, `acknowledged`, `accepted` (of `device`), `received`, `refused`,
    `conflicts` (a number, or the list of conflicts, each printed), `files_sent`,
    `files_received`, `files_pending`, `problems` (French messages)."""
    lines = {
        "server": lambda n: _("Synchronisé avec {server}.").format(server=n),
        "sent": lambda n: ngettext(
            "{n} modification envoyée", "{n} modifications envoyées", n
        ).format(n=n),
        "acknowledged": lambda n: ngettext(
            "{n} modification confirmée par le serveur.",
            "{n} modifications confirmées par le serveur.",
            n,
        ).format(n=n),
        "accepted": lambda n: ngettext(
            "{n} modification du poste {device} enregistrée.",
            "{n} modifications du poste {device} enregistrées.",
            n,
        ).format(n=n, device=device),
        "received": lambda n: ngettext(
            "{n} enregistrement reçu", "{n} enregistrements reçus", n
        ).format(n=n),
        "refused": lambda n: ngettext(
            "{n} modification refusée par le serveur",
            "{n} modifications refusées par le serveur",
            n,
        ).format(n=n),
        "conflicts": lambda n: ngettext(
            "{n} conflit à résoudre", "{n} conflits à résoudre", n
        ).format(n=n),
        "files": lambda n: ngettext(
            "{n} fichier joint au paquet", "{n} fichiers joints au paquet", n
        ).format(n=n),
        "keys_sealed": lambda n: ngettext(
            "{n} clé des bulletins scellée pour un autre poste",
            "{n} clés des bulletins scellées pour d'autres postes",
            n,
        ).format(n=n),
        "keys_received": lambda n: ngettext(
            "{n} clé des bulletins reçue", "{n} clés des bulletins reçues", n
        ).format(n=n),
        "files_sent": lambda n: ngettext("{n} fichier envoyé", "{n} fichiers envoyés", n).format(
            n=n
        ),
        "files_received": lambda n: ngettext("{n} fichier reçu", "{n} fichiers reçus", n).format(
            n=n
        ),
        "files_pending": lambda n: ngettext(
            "{n} fichier pas encore arrivé sur le serveur (demandé de nouveau à la prochaine "
            "synchronisation)",
            "{n} fichiers pas encore arrivés sur le serveur (demandés de nouveau à la prochaine "
            "synchronisation)",
            n,
        ).format(n=n),
    }
    for key in order:
        if key not in counts:
            continue
        value = counts[key]
        if key == "server":
            print(lines[key](value))
            continue
        details = value if isinstance(value, list) else []
        number = len(value) if isinstance(value, list) else int(value or 0)
        if number or key in always:
            print(lines[key](number))
        for conflict in details:
            print(_conflict_line(conflict))
    for problem in counts.get("problems") or []:
        print(problem)
