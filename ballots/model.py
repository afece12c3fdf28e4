"""Input data of the ballots library: plain frozen dataclasses the application fills in.

The library never reads a database: the app converts its records into these objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ballots.errors import MissingCostError, NoProjectError, RuleError
from ballots.fmt import money
from ballots.i18n import _, ngettext

MAX_STYLE_INDEX = 0xFFFF


def campaign_tag(campaign_id: str) -> bytes:
    """First 4 bytes of SHA-256 of the campaign id: ties a QR to its campaign without the id."""
    return hashlib.sha256(campaign_id.encode("utf-8")).digest()[:4]


@dataclass(frozen=True)
class Campaign:
    id: str
    short_code: str
    name: str

    @property
    def tag(self) -> bytes:
        return campaign_tag(self.id)


@dataclass(frozen=True)
class Residence:
    id: str
    name: str


class RuleKind(StrEnum):
    APPROVAL = "approval"
    SINGLE = "single"
    BUDGET = "budget"
    SURVEY = "survey"  # a paper survey: each question (layout group) has its own rule


@dataclass(frozen=True)
class VotingRule:
    """How many projects a voter may choose; stored with the style and printed in plain words."""

    kind: RuleKind
    max_choices: int | None = None
    min_choices: int | None = None
    budget_cents: int | None = None

    @classmethod
    def approval(cls, max_choices: int, min_choices: int | None = None) -> VotingRule:
        return cls(RuleKind.APPROVAL, max_choices=max_choices, min_choices=min_choices)

    @classmethod
    def single(cls) -> VotingRule:
        return cls(RuleKind.SINGLE, max_choices=1, min_choices=1)

    @classmethod
    def budget(cls, budget_cents: int) -> VotingRule:
        return cls(RuleKind.BUDGET, budget_cents=budget_cents)

    @classmethod
    def survey(cls) -> VotingRule:
        return cls(RuleKind.SURVEY)

    def check(self, project_count: int) -> None:
        """Refuse a rule that voters could not follow with these projects."""
        if self.kind is RuleKind.APPROVAL:
            if self.max_choices is None or self.max_choices < 1:
                raise RuleError(
                    _("Indiquez combien de projets chaque votant peut cocher (au moins 1).")
                )
            low = self.min_choices or 0
            if low < 0 or low > self.max_choices:
                raise RuleError(_("Le minimum de projets à cocher dépasse le maximum."))
            if low > project_count:
                raise RuleError(_("Le minimum de projets à cocher dépasse le nombre de projets."))
        elif self.kind is RuleKind.BUDGET:
            if self.budget_cents is None or self.budget_cents <= 0:
                raise RuleError(_("Indiquez l'enveloppe du vote (un montant positif)."))

    def headline(self) -> str:
        """The rule in plain words, printed large at the top of the ballot."""
        if self.kind is RuleKind.SINGLE:
            return _("Cochez un seul projet.")
        if self.kind is RuleKind.BUDGET:
            return _("Cochez vos projets, sans dépasser {budget} au total.").format(
                budget=money(self.budget_cents or 0)
            )
        high = self.max_choices or 1
        low = self.min_choices or 0
        if low and low == high:
            return ngettext(
                "Cochez exactement {n} projet.", "Cochez exactement {n} projets.", high
            ).format(n=high)
        if low:
            return _("Cochez entre {low} et {high} projets.").format(low=low, high=high)
        return ngettext("Cochez 1 projet au plus.", "Cochez jusqu'à {n} projets.", high).format(
            n=high
        )

    def detail(self) -> str:
        """A second, quieter line: what makes a ballot invalid."""
        if self.kind is RuleKind.BUDGET:
            return _(
                "Additionnez les coûts indiqués : au-delà de {budget}, le bulletin ne compte pas."
            ).format(budget=money(self.budget_cents or 0))
        if self.kind is RuleKind.SINGLE:
            return _("Un bulletin avec plusieurs cases cochées ne sera pas compté.")
        high = self.max_choices or 1
        return ngettext(
            "Un bulletin avec plus de {n} case cochée ne sera pas compté.",
            "Un bulletin avec plus de {n} cases cochées ne sera pas compté.",
            high,
        ).format(n=high)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "max_choices": self.max_choices,
            "min_choices": self.min_choices,
            "budget_cents": self.budget_cents,
        }


@dataclass(frozen=True)
class Project:
    """An admissible project as printed. `picture` is a file path or the image's bytes."""

    project_id: str
    number: int
    title: str
    cost_cents: int | None
    description: str = ""
    picture: Path | bytes | None = None


@dataclass(frozen=True)
class BallotStyle:
    index: int
    name: str
    language: str = "fr"
    large_print: bool = False


class ProjectOrder(StrEnum):
    FIXED = "fixed"
    ALPHABETICAL = "alphabetical"
    RANDOM = "random"


def order_projects(
    projects: tuple[Project, ...], order: ProjectOrder, seed: int | None = None
) -> tuple[Project, ...]:
    """Order projects on the ballot; RANDOM shuffles per print batch (seed it) against order effects."""
    if order is ProjectOrder.ALPHABETICAL:
        return tuple(sorted(projects, key=lambda p: (p.title.casefold(), p.number)))
    if order is ProjectOrder.RANDOM:
        shuffled = list(projects)
        random.Random(seed).shuffle(shuffled)
        return tuple(shuffled)
    return tuple(projects)


@dataclass(frozen=True)
class BallotSpec:
    """Everything that goes on one ballot style: the projects are in printed order."""

    campaign: Campaign
    residence: Residence
    style: BallotStyle
    rule: VotingRule
    projects: tuple[Project, ...]
    vote_start: dt.date | None = None
    vote_end: dt.date | None = None
    notes: tuple[str, ...] = field(default=())

    def check(self) -> None:
        """Refuse what cannot be printed, before any layout work."""
        if not self.projects:
            raise NoProjectError(
                _("Aucun projet recevable pour cette résidence : il n'y a rien à mettre au vote.")
            )
        for project in self.projects:
            if project.cost_cents is None or project.cost_cents < 0:
                raise MissingCostError(
                    _(
                        "Le projet n° {number} « {title} » n'a pas de coût : indiquez-le avant "
                        "d'imprimer."
                    ).format(number=project.number, title=project.title[:60]),
                    field="cost_cents",
                )
        if not 0 <= self.style.index <= MAX_STYLE_INDEX:
            raise RuleError(
                _("Le numéro de modèle de bulletin doit être compris entre 0 et 65 535.")
            )
        self.rule.check(len(self.projects))
