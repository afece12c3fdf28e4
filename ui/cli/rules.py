"""`bp-terrain rules run FILE.pb`: apply a results rule to a pabulib file and explain it.

Replays real past votes (pabulib.org) with the rules a campaign can declare, to compare with the
recorded winners; `--json` prints one object for scripts and tests.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from app.i18n import _
from ui.cli.common import add_command, print_json

log = logging.getLogger(__name__)

RULES = ("greedy", "greedy-no-skip", "mes")


def register(sub: Any) -> None:
    """Add `rules` with its `run` sub-command."""
    rules = sub.add_parser(
        "rules", help=_("règles de résultat"), description=_("Règles de résultat.")
    )
    rules.set_defaults(handler=lambda _args: _usage(rules))
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    run = add_command(
        actions, "run", _("appliquer une règle à un fichier pabulib (.pb)"), run_command
    )
    run.add_argument("file", metavar=_("FICHIER.pb"), help=_("fichier au format pabulib"))
    run.add_argument("--rule", default="greedy", help=_("greedy (défaut), greedy-no-skip ou mes"))
    run.add_argument("--threshold", default="0", help=_("nombre minimal de voix d'un projet"))
    run.add_argument("--json", action="store_true", help=_("sortie JSON"))
    run.add_argument(
        "--withdrawn",
        action="append",
        default=[],
        metavar="ID",
        help=_("projet retiré après le vote"),
    )
    run.add_argument("--lot-order", metavar="ID,ID,...", help=_("ordre tiré au sort (égalités)"))
    run.add_argument(
        "--lot-seed", metavar=_("GRAINE"), help=_("graine du tirage au sort enregistrée")
    )
    _equal_shares_flags(run)
    from ui.cli.results_rule import register_actions

    register_actions(actions)  # `rules show` and `rules set`: the campaign's declared rule


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _equal_shares_flags(run: argparse.ArgumentParser) -> None:
    group = run.add_argument_group("parts égales (--rule mes)")
    group.add_argument("--no-add1", action="store_true", help=_("sans le complément Add1"))
    group.add_argument(
        "--add1-overspend-only",
        action="store_true",
        help=_("Add1 ne s'arrête qu'avant de dépasser le budget (pas à l'exhaustivité)"),
    )
    group.add_argument(
        "--top-up", action="store_true", help=_("compléter par nombre de voix avec le reste")
    )
    group.add_argument(
        "--compare-greedy",
        action="store_true",
        help=_("garder le résultat « le plus de voix » s'il est préféré par plus de votants"),
    )
    group.add_argument(
        "--utility", default="cost", help=_("cost (défaut, equalshares.net) ou approval")
    )


def run_command(args: argparse.Namespace) -> int:
    from app.domain.pabulib import read_pabulib, to_election
    from app.domain.rules import run_rule
    from app.domain.rules.serialize import outcome_to_dict

    options_args = _validated(args)
    # PabulibError and RulesError are UserErrors: the command prints their French message.
    pb = read_pabulib(Path(args.file))
    election = to_election(pb)
    options = _options(args, options_args, election)
    outcome = run_rule(election, options)
    if args.json:
        data = outcome_to_dict(outcome)
        data["file"] = Path(args.file).name
        data["voters"] = len(election.ballots)
        data["recorded_selected"] = _list_or_none(pb.recorded_selected())
        print_json(data)
    else:
        currency = pb.meta_value("currency") or ""
        sys.stdout.write(render(outcome, currency, len(election.ballots)))
    return 0


def _list_or_none(ids: tuple[str, ...] | None) -> list[str] | None:
    return list(ids) if ids is not None else None


def _validated(args: argparse.Namespace) -> tuple[str, int]:
    from app.errors import UserError
    from app.i18n import _

    if args.rule not in RULES:
        raise UserError(
            _("Règle inconnue « {rule} » : choisissez greedy, greedy-no-skip ou mes.").format(
                rule=args.rule
            ),
            field="rule",
        )
    try:
        threshold = int(args.threshold)
    except ValueError:
        threshold = -1
    if threshold < 0:
        raise UserError(
            _("Seuil invalide « {value} » : indiquez un nombre entier de voix, 0 ou plus.").format(
                value=args.threshold
            ),
            field="threshold",
        )
    return args.rule, threshold


def _options(args: argparse.Namespace, validated: tuple[str, int], election: Any) -> Any:
    from app.domain.rules import Options, ResultsRule, lot_order_from_seed

    rule, threshold = validated
    lot: tuple[str, ...] = ()
    if args.lot_order:
        lot = tuple(p.strip() for p in args.lot_order.split(",") if p.strip())
    elif args.lot_seed:
        lot = lot_order_from_seed(args.lot_seed, (p.project_id for p in election.projects))
    return Options(
        rule=ResultsRule(rule),
        threshold=threshold,
        withdrawn=frozenset(args.withdrawn),
        lot_order=lot,
        add1=not args.no_add1,
        add1_exhaustive_stop=not args.add1_overspend_only,
        top_up=args.top_up,
        compare_with_greedy=args.compare_greedy,
        share_utility=args.utility,
    )


def money(value: Fraction, currency: str = "") -> str:
    """French display of an amount (1 234 567 or 222 176,85 then the currency); display only,
    rounded half up to the cent: decisions are taken on the exact value."""
    from app.domain.money import amount_text

    cents = math.floor(value * 100 + Fraction(1, 2))
    return f"{amount_text(cents)} {currency}".rstrip()


def render(outcome: Any, currency: str, voters: int) -> str:
    """The readable French explanation: header, one line per project, ties, Equal Shares."""
    from app.domain.rules import rule_label
    from app.i18n import _, ngettext

    lines = [
        ngettext(
            "Règle : {rule} ; seuil : {n} voix",
            "Règle : {rule} ; seuil : {n} voix",
            outcome.threshold,
        ).format(rule=rule_label(outcome.rule), n=outcome.threshold),
        _("Budget : {budget} ; dépensé : {spent} ; {ballots}").format(
            budget=money(outcome.budget, currency),
            spent=money(outcome.spent, currency),
            ballots=ngettext("{n} bulletin", "{n} bulletins", voters).format(n=voters),
        ),
        "",
        *_project_table(outcome, currency),
        "",
        ngettext(
            "{n} projet financé : {ids}", "{n} projets financés : {ids}", len(outcome.selected)
        ).format(n=len(outcome.selected), ids=", ".join(outcome.selected) or "—"),
        *_tie_lines(outcome),
        *_share_lines(outcome, currency),
    ]
    return "\n".join(lines) + "\n"


def _project_table(outcome: Any, currency: str) -> list[str]:
    from app.domain.rules import status_label
    from app.i18n import _

    rows = [(_("Rang"), _("Projet"), _("Coût"), _("Voix"), _("Statut"))]
    for rank, p in enumerate(outcome.projects, 1):
        title = f"{p.project_id} {p.name}".strip()
        title = title if len(title) <= 44 else title[:43] + "…"
        rows.append(
            (str(rank), title, money(p.cost, currency), str(p.votes), status_label(p.status))
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return [
        f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  "
        f"{r[3]:>{widths[3]}}  {r[4]}"
        for r in rows
    ]


def _tie_lines(outcome: Any) -> list[str]:
    from app.domain.rules import tie_label
    from app.i18n import _

    ties = outcome.decisive_ties
    if not ties:
        return [_("Aucune égalité n'a changé le résultat.")]
    lines = [_("Égalités qui ont changé le résultat :")]
    for tie in ties:
        lines.append(
            "  - "
            + _("{order} : {how}").format(order=" > ".join(tie.order), how=tie_label(tie.criterion))
        )
    return lines


def _share_lines(outcome: Any, currency: str) -> list[str]:
    from app.domain.rules import stop_label
    from app.i18n import ngettext

    details = outcome.equal_shares
    if details is None:
        return []
    lines = [
        "",
        ngettext(
            "Parts égales : chaque votant disposait de {final} (au départ {initial}, "
            "{steps} relèvement d'une unité ; arrêt : {why}).",
            "Parts égales : chaque votant disposait de {final} (au départ {initial}, "
            "{steps} relèvements d'une unité ; arrêt : {why}).",
            details.add1_steps,
        ).format(
            final=money(details.final_share, currency),
            initial=money(details.initial_share, currency),
            steps=details.add1_steps,
            why=stop_label(details.stopped_because),
        ),
    ]
    for pay in details.payments:
        line = ngettext(
            "  {id} : {cost} payés par {n} soutien, {share} chacun",
            "  {id} : {cost} payés par {n} soutiens, {share} chacun",
            pay.supporters,
        ).format(
            id=pay.project_id,
            cost=money(pay.cost, currency),
            n=pay.supporters,
            share=money(pay.share, currency),
        )
        if pay.partial_payers:
            line += ngettext(
                " ({n} a payé moins : tout ce qui lui restait)",
                " ({n} ont payé moins : tout ce qui leur restait)",
                pay.partial_payers,
            ).format(n=pay.partial_payers)
        lines.append(line)
    if details.comparison is not None:
        lines.append(_comparison_line(details.comparison))
    return lines


def _comparison_line(c: Any) -> str:
    """Which result voters would prefer; each count has its own plural."""
    from app.i18n import _, ngettext

    equal = c.prefer_equal_shares
    greedy = c.prefer_greedy
    return _(
        "Comparaison avec « le plus de voix » : {equal} ; {greedy} ; résultat retenu : {kept}."
    ).format(
        equal=ngettext(
            "{n} votant préfère les parts égales", "{n} votants préfèrent les parts égales", equal
        ).format(n=equal),
        greedy=ngettext(
            "{n} votant préfère le plus de voix", "{n} votants préfèrent le plus de voix", greedy
        ).format(n=greedy),
        kept=_("le plus de voix") if c.kept_greedy else _("parts égales"),
    )
