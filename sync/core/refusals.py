"""What each refusal of a pushed change means, in French (the push reply carries only its code).

The laptop that sent the change names it from what it sent (table, record, and for an audit entry
its session and place), so the server's reply stays a list of codes and the protocol unchanged.
"""

from __future__ import annotations

from typing import Any

from app.i18n import N_, _

_KEPT = N_("Le serveur l'a refusée et garde le journal qu'il avait.")

AUDIT_REFUSALS: dict[str, str] = {
    "audit_signature": N_(
        "Journal d'audit de la session {session}, entrée n° {seq} : la signature de ce point de "
        "contrôle n'est pas celle de l'agent (falsifiée, ou faite avec une autre clé)."
    ),
    "audit_invalid": N_(
        "Journal d'audit de la session {session}, entrée n° {seq} : elle ne respecte pas les "
        "règles du journal (contenu, ordre, scellement ou clé de l'agent)."
    ),
    "audit_rewritten": N_(
        "Journal d'audit de la session {session}, entrée n° {seq} : son contenu ne correspond "
        "pas à son empreinte (entrée réécrite)."
    ),
    "audit_forked": N_(
        "Journal d'audit de la session {session}, entrée n° {seq} : le serveur a déjà une autre "
        "entrée à cette place ou avant elle (journal réécrit ou bifurqué)."
    ),
    "audit_gap": N_(
        "Journal d'audit de la session {session}, entrée n° {seq} : l'entrée qui la précède "
        "manque sur le serveur."
    ),
    "audit_malformed": N_(
        "Journal d'audit de la session {session}, entrée n° {seq} : entrée illisible."
    ),
}

REFUSALS: dict[str, str] = {
    "fact_rewritten": N_(
        "« {table} » {record} : le serveur a déjà un autre contenu sous cet identifiant ; il "
        "garde le premier."
    ),
    "unique_taken": N_(
        "« {table} » {record} : ce numéro, imprimé sur les bulletins, est déjà pris sur le "
        "serveur par un autre enregistrement (dossier de données copié d'un autre poste ?). "
        "Le serveur garde le premier."
    ),
    "base_unknown": N_(
        "« {table} » {record} : modification fondée sur une version que le serveur ne connaît "
        "pas ; refusée."
    ),
    "wrong_kind": N_("« {table} » {record} : type de modification inattendu ; refusée."),
}


def refusal_message(reason: str, table: str, record_id: str, fields: dict[str, Any]) -> str:
    """The French sentence for one refused change (any code, known or not)."""
    if reason in AUDIT_REFUSALS:
        text = _(AUDIT_REFUSALS[reason]).format(
            session=str(fields.get("session_id", "?"))[:8], seq=fields.get("seq", "?")
        )
        return f"{text} {_(_KEPT)}"
    template = REFUSALS.get(reason, N_("« {table} » {record} : refusée par le serveur ({reason})."))
    return _(template).format(table=table, record=record_id[:8], reason=reason)
