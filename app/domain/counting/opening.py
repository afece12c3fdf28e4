"""Before a live count opens: what looks wrong about opening it now, for this residence.

The field test opened a live count for a residence with no accepted project and no printed
ballot, on a day far from its vote, without a word; and the open count silently froze the
campaign's results rule. These are warnings, not refusals (a count may have to open in odd
circumstances), but each says why, and the officer confirms having read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.dates import format_date
from app.i18n import _

#: How long after the last voting day a count is still expected (ballot boxes kept sealed
#: over a weekend, a count the next week).
LATE_AFTER = timedelta(days=7)

NO_LIVE_BATCH = "no_live_batch"
NO_PROJECT = "no_project"
BEFORE_VOTE = "before_vote"
LONG_AFTER_VOTE = "long_after_vote"
NO_VOTE_DATES = "no_vote_dates"


@dataclass(frozen=True)
class OpeningFacts:
    residence_name: str
    live_ballots_printed: int  # ballots of the residence's live print batches
    accepted_projects: int  # admissible projects of the residence
    first_vote_day: date | None  # the residence's voting days, else the campaign's vote phase
    last_vote_day: date | None


@dataclass(frozen=True)
class OpeningWarning:
    code: str
    message: str


def opening_warnings(facts: OpeningFacts, today: date) -> tuple[OpeningWarning, ...]:
    """Why opening a live count for this residence today looks wrong (empty when it does not)."""
    name = facts.residence_name
    out: list[OpeningWarning] = []
    if facts.live_ballots_printed == 0:
        text = _("Aucun bulletin réel n'a été imprimé pour « {name} » : rien ne peut être compté.")
        out.append(OpeningWarning(NO_LIVE_BATCH, text.format(name=name)))
    if facts.accepted_projects == 0:
        text = _("« {name} » n'a aucun projet retenu par la commission.")
        out.append(OpeningWarning(NO_PROJECT, text.format(name=name)))
    first, last = facts.first_vote_day, facts.last_vote_day or facts.first_vote_day
    if first is None or last is None:
        text = _("Aucune date de vote n'est fixée pour « {name} ».")
        out.append(OpeningWarning(NO_VOTE_DATES, text.format(name=name)))
    elif today < first:
        text = _("Le vote de « {name} » n'a pas encore commencé (premier jour : {day}).")
        out.append(OpeningWarning(BEFORE_VOTE, text.format(name=name, day=format_date(first))))
    elif today > last + LATE_AFTER:
        text = _("Le vote de « {name} » s'est terminé il y a plus d'une semaine (le {day}).")
        out.append(OpeningWarning(LONG_AFTER_VOTE, text.format(name=name, day=format_date(last))))
    return tuple(out)


def rule_lock_notice(rule_label: str) -> str:
    """What opening a live count does to the results rule (said before it is opened)."""
    return _(
        "Un dépouillement réel ouvert fige la règle de résultats de la campagne ({rule}) : "
        "elle ne pourra plus changer."
    ).format(rule=rule_label)
