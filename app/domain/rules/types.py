"""Data types shared by the results rules: the election put to a rule and the outcome it returns.

Everything is a frozen dataclass holding exact numbers (`int` votes, `Fraction` money) so that the
report, the screens and the verifier can show and recompute the same figures without rounding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import cached_property

from app.errors import UserError

CENTS_PER_UNIT = Fraction(100)
"""`Election.currency_unit` for amounts in cents, as the app keeps money."""


class RulesError(UserError):
    """Input a rule cannot work with; `str(error)` is a French sentence for the person."""


class LotRequired(RulesError):
    """Projects tie on every declared criterion, the order matters, and no lot was recorded."""

    def __init__(self, message: str, project_ids: tuple[str, ...]) -> None:
        super().__init__(message)
        self.project_ids = project_ids


class ResultsRule(StrEnum):
    """The rules a campaign can declare before counting."""

    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    MES = "mes"


class Status(StrEnum):
    """What happened to a project, in words a resident understands (see `labels`)."""

    FUNDED = "funded"
    NOT_ENOUGH_MONEY = "not_enough_money"
    BELOW_THRESHOLD = "below_threshold"
    NOT_REACHED = "not_reached"
    WITHDRAWN = "withdrawn"


class TieCriterion(StrEnum):
    """Which declared criterion settled a tie."""

    COST = "cost"
    VOTERS = "voters"
    LOT = "lot"


class Phase(StrEnum):
    """Which step of the rule funded a project (Equal Shares has several)."""

    GREEDY = "greedy"
    EQUAL_SHARES = "equal_shares"
    TOP_UP = "top_up"
    COMPARISON = "comparison"


@dataclass(frozen=True, slots=True)
class Project:
    """A project put to the vote: its id as written in the source, cost and title."""

    project_id: str
    cost: Fraction
    name: str = ""


@dataclass(frozen=True)
class Election:
    """One residence's count: the budget, the projects and one approval set per valid ballot.

    A choose-one ballot is an approval set of one project. Ballots name project ids; an id that is
    not a project is an error caught by `validate`.

    `currency_unit` is how much of the election's money makes one unit of the currency: 1 when
    amounts are in euros (pabulib files), 100 when they are in cents (the app's counts). Equal
    Shares' Add1 completion raises each voter's share by one currency unit per step, as
    equalshares.net and pabutools do, whatever unit the amounts are written in.
    """

    budget: Fraction
    projects: tuple[Project, ...]
    ballots: tuple[frozenset[str], ...]
    currency_unit: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        from app.i18n import _

        if self.budget < 0:
            raise RulesError(_("Le budget ne peut pas être négatif."))
        if self.currency_unit <= 0:
            raise RulesError(_("L'unité monétaire doit être positive."))
        seen: set[str] = set()
        for project in self.projects:
            if project.project_id in seen:
                raise RulesError(
                    _("Le projet « {id} » apparaît deux fois.").format(id=project.project_id)
                )
            if project.cost < 0:
                raise RulesError(
                    _("Le coût du projet « {id} » est négatif.").format(id=project.project_id)
                )
            seen.add(project.project_id)
        unknown = set(self.votes) - seen
        if unknown:
            raise RulesError(
                _("Des bulletins citent un projet inconnu : {ids}.").format(
                    ids=", ".join(sorted(unknown))
                )
            )

    @cached_property
    def votes(self) -> Counter[str]:
        """Number of ballots approving each project (projects without votes are absent)."""
        counter: Counter[str] = Counter()
        for ballot, times in Counter(self.ballots).items():
            for pid in ballot:
                counter[pid] += times
        return counter

    @cached_property
    def by_id(self) -> dict[str, Project]:
        return {p.project_id: p for p in self.projects}


@dataclass(frozen=True)
class Options:
    """The rule declared before counting, with its parameters.

    `threshold` is the minimum number of votes a project needs (at least 1 in any case).
    `withdrawn` names projects withdrawn after the vote: shown, never funded, never a stop.
    `lot_order` is the order drawn by lot in public (first = favoured) for full ties.
    Equal Shares: `add1` (raise each voter's share by one currency unit while the outcome is not
    exhaustive), `add1_exhaustive_stop` (False = stop only when the next step would overspend),
    `top_up` (fund what still fits by most votes), `compare_with_greedy` (keep the greedy outcome
    when more voters prefer it), `share_utility` ("cost", the equalshares.net convention, or
    "approval": every funded approved project counts the same for a voter).
    """

    rule: ResultsRule = ResultsRule.GREEDY
    threshold: int = 0
    withdrawn: frozenset[str] = frozenset()
    lot_order: tuple[str, ...] = ()
    add1: bool = True
    add1_exhaustive_stop: bool = True
    top_up: bool = False
    compare_with_greedy: bool = False
    share_utility: str = "cost"


@dataclass(frozen=True, slots=True)
class Tie:
    """Projects that tied on their score; `order` is the order the tie-break put them in."""

    order: tuple[str, ...]
    criterion: TieCriterion
    changed_outcome: bool
    phase: Phase


@dataclass(frozen=True, slots=True)
class ProjectResult:
    """One line of the explanation, in decision order."""

    project_id: str
    name: str
    cost: Fraction
    votes: int
    status: Status
    phase: Phase | None = None


@dataclass(frozen=True, slots=True)
class SharePayment:
    """How a project funded by Equal Shares was paid for by its supporters.

    Each of `full_payers` supporters paid `share`; the `partial_payers` others had less left and
    paid all of it, `partial_total` together.
    """

    project_id: str
    cost: Fraction
    supporters: int
    share: Fraction
    full_payers: int
    partial_payers: int
    partial_total: Fraction


@dataclass(frozen=True, slots=True)
class Comparison:
    """The comparison step: how many voters prefer each outcome (more approved projects funded)."""

    greedy_selected: tuple[str, ...]
    prefer_equal_shares: int
    prefer_greedy: int
    kept_greedy: bool


@dataclass(frozen=True, slots=True)
class EqualSharesDetails:
    """What each voter controlled and what supporters paid, for the Equal Shares explanation."""

    voters: int
    initial_share: Fraction
    final_share: Fraction
    add1_steps: int
    stopped_because: str
    payments: tuple[SharePayment, ...]
    unspent_by_voters: Fraction
    comparison: Comparison | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of a rule on one election, ready for the report, screens and exports."""

    rule: ResultsRule
    budget: Fraction
    threshold: int
    selected: tuple[str, ...]
    projects: tuple[ProjectResult, ...]
    ties: tuple[Tie, ...] = ()
    equal_shares: EqualSharesDetails | None = None
    spent: Fraction = field(default=Fraction(0))

    @property
    def decisive_ties(self) -> tuple[Tie, ...]:
        """The ties whose resolution changed which projects are funded."""
        return tuple(t for t in self.ties if t.changed_outcome)
