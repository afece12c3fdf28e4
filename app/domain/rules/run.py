"""One entry point for every declared rule, so callers never pick the module themselves."""

from __future__ import annotations

from app.domain.rules.equal_shares import Progress, equal_shares
from app.domain.rules.greedy import greedy
from app.domain.rules.types import Election, Options, Outcome, ResultsRule, RulesError
from app.errors import CancelFlag


def run_rule(
    election: Election,
    options: Options,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
) -> Outcome:
    """Apply the declared rule to one residence's ballots and explain the outcome."""
    from app.i18n import _

    if options.threshold < 0:
        raise RulesError(_("Le seuil de voix ne peut pas être négatif."))
    if options.share_utility not in ("cost", "approval"):
        raise RulesError(
            _("Utilité inconnue « {value} » : choisissez « cost » ou « approval ».").format(
                value=options.share_utility
            )
        )
    unknown = (options.withdrawn | set(options.lot_order)) - set(election.by_id)
    if unknown:
        raise RulesError(
            _("Projets inconnus dans les options : {ids}.").format(ids=", ".join(sorted(unknown)))
        )
    if options.rule is ResultsRule.MES:
        return equal_shares(election, options, progress, cancel)
    if options.rule in (ResultsRule.GREEDY, ResultsRule.GREEDY_NO_SKIP):
        return greedy(election, options)
    raise RulesError(_("Règle inconnue : {rule}.").format(rule=options.rule))
