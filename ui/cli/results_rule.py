"""`bp-terrain rules show` and `bp-terrain rules set`: the campaign's results rule, declared
before counting.

The rule, its vote threshold, the Equal Shares options and the lot (a seed typed in public, e.g.
numbers drawn from a hat) are recorded with the campaign; `show` prints the drawn order as
project numbers and titles so that it can be read out loud. The texts below are also used by
the Campagne screen's "Règle de résultats" tab.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.i18n import N_, _
from ui.cli.common import add_command, open_data, print_json

RULES = ("greedy", "greedy-no-skip", "mes")
RULE_SENTENCES: dict[str, str] = {
    "greedy": N_(
        "Le plus de voix dans la limite du budget (on passe un projet trop cher et on continue)"
    ),
    "greedy-no-skip": N_("Le plus de voix, on s'arrête au premier projet qui ne tient pas"),
    "mes": N_("Méthode des parts égales (Equal Shares)"),
}
TIE_BREAK = N_(
    "En cas d'égalité de voix : le projet le moins cher passe d'abord, puis celui soutenu par "
    "le plus de votants, puis l'ordre d'un tirage au sort public enregistré. Jamais l'ordre "
    "des numéros."
)


def register_actions(actions: Any) -> None:
    """Add `show` and `set` to the `rules` command (called by `ui.cli.rules.register`)."""
    show = add_command(actions, "show", _("afficher la règle de résultats déclarée"), show_command)
    show.add_argument("--json", action="store_true", help=_("sortie JSON"))
    put = add_command(
        actions, "set", _("déclarer la règle de résultats (avant le dépouillement)"), set_command
    )
    put.add_argument(
        "--rule", required=True, choices=RULES, help=_("greedy, greedy-no-skip ou mes")
    )
    put.add_argument("--threshold", default="0", help=_("nombre minimal de voix d'un projet"))
    put.add_argument(
        "--lot-seed", metavar=_("TEXTE"), help=_("graine du tirage au sort, tapée en public")
    )
    put.add_argument("--json", action="store_true", help=_("sortie JSON"))
    group = put.add_argument_group("parts égales (--rule mes)")
    group.add_argument("--mes-top-up", action="store_true", help=_("compléter par nombre de voix"))
    group.add_argument(
        "--mes-compare-greedy",
        action="store_true",
        help=_("garder « le plus de voix » s'il est préféré par plus de votants"),
    )
    group.add_argument(
        "--mes-overspend-only",
        action="store_true",
        help=_("Add1 ne s'arrête qu'avant de dépasser le budget"),
    )


def equal_shares_options(*, top_up: bool, compare: bool, overspend_only: bool) -> dict[str, Any]:
    """The stored options of Equal Shares (Add1 always on, as equalshares.net)."""
    return {
        "add1": True,
        "add1_exhaustive_stop": not overspend_only,
        "top_up": top_up,
        "compare_with_greedy": compare,
    }


def _threshold(text: str) -> int:
    from app.errors import UserError

    try:
        value = int(str(text).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise UserError(
            _("Seuil invalide « {value} » : indiquez un nombre entier de voix, 0 ou plus.").format(
                value=text
            ),
            field="threshold",
        )
    return value


def set_command(args: argparse.Namespace) -> int:
    from app.errors import UserError

    mes_flags = args.mes_top_up or args.mes_compare_greedy or args.mes_overspend_only
    if mes_flags and args.rule != "mes":
        raise UserError(_("Les options --mes-… ne s'appliquent qu'à la règle mes."))
    options = (
        equal_shares_options(
            top_up=args.mes_top_up,
            compare=args.mes_compare_greedy,
            overspend_only=args.mes_overspend_only,
        )
        if args.rule == "mes"
        else {}
    )
    threshold = _threshold(args.threshold)
    with open_data(args) as services:
        campaign_id = services.campaigns.get_campaign().id
        services.counting.set_results_rule(
            campaign_id, args.rule, threshold=threshold, options=options, lot_seed=args.lot_seed
        )
        return _print(services, campaign_id, args.json, heading=_("Règle enregistrée."))


def show_command(args: argparse.Namespace) -> int:

    with open_data(args) as services:
        return _print(services, services.campaigns.get_campaign().id, args.json)


def _print(services: Any, campaign_id: str, as_json: bool, heading: str = "") -> int:

    declared = services.counting.get_results_rule(campaign_id)
    if as_json:
        print_json(declared.as_dict())
    else:
        print("\n".join(([heading] if heading else []) + declaration_lines(declared)))
    return 0


def declaration_lines(declared: Any) -> list[str]:
    """The declaration in plain French, the lot as it is read out loud."""
    default = "" if declared.declared else " " + _("(par défaut : rien n'a été déclaré)")
    lines = [_("Règle : {rule}").format(rule=_(RULE_SENTENCES[declared.rule])) + default]
    if declared.threshold > 1:
        lines.append(_("Seuil : au moins {n} voix pour être financé").format(n=declared.threshold))
    else:
        lines.append(_("Seuil : aucun (un projet doit seulement recevoir au moins une voix)"))
    if declared.rule == "mes":
        lines.append(_("Parts égales : {options}").format(options=_mes_text(declared)))
    lines.append(_(TIE_BREAK))
    lines += lot_lines(declared)
    if declared.locked:
        lines.append(declared.locked)
    return lines


def _mes_text(declared: Any) -> str:
    parts = [
        _("complément Add1 jusqu'à ce que plus rien ne tienne")
        if declared.add1_exhaustive_stop
        else _("complément Add1 arrêté seulement avant de dépasser le budget")
    ]
    if declared.top_up:
        parts.append(_("reste du budget distribué au plus de voix"))
    if declared.compare_with_greedy:
        parts.append(_("comparaison avec « le plus de voix »"))
    return " ; ".join(parts)


def lot_lines(declared: Any) -> list[str]:
    if not declared.lot_seed:
        return [_("Tirage au sort : pas encore tiré (indispensable seulement si une égalité "
                  "persiste après le coût et le nombre de votants).")]  # fmt: skip
    lines = [_("Tirage au sort : graine « {seed} », ordre obtenu :").format(seed=declared.lot_seed)]
    for residence, places in lot_by_residence(declared.lot):
        lines.append(f"  {residence}" if residence else "  —")
        for rank, place in enumerate(places, 1):
            number = _("n° {n}").format(n=place.number) if place.number is not None else "—"
            lines.append(f"    {rank}. {number} {place.title}")
    return lines


def lot_by_residence(lot: Any) -> list[tuple[str, list[Any]]]:
    """The drawn order within each residence (ties are only between projects of one residence),
    residences in the order of their first drawn project."""
    groups: dict[str, list[Any]] = {}
    for place in lot:
        groups.setdefault(place.residence, []).append(place)
    return list(groups.items())
