"""Plain data objects of the ballot services: styles, print options, recorded print batches.

They live beside the ballot services (not in `app/domain/models.py`, owned by the foundation) and
follow the same rules: frozen, no ORM object, no behaviour beyond small derived properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from app.domain import models as m
from app.i18n import N_, _

# The ballot's own enums, from the ballots library (one definition each): the order of the
# projects on the ballot (RANDOM is drawn again for every print batch) and the voting rule.
from ballots.model import ProjectOrder as ProjectOrder
from ballots.model import RuleKind as RuleKind

ORDER_LABELS: dict[ProjectOrder, str] = {
    ProjectOrder.FIXED: N_("Par numéro de projet"),
    ProjectOrder.ALPHABETICAL: N_("Par ordre alphabétique"),
    ProjectOrder.RANDOM: N_("Tiré au sort à chaque impression"),
}


RULE_LABELS: dict[RuleKind, str] = {
    RuleKind.APPROVAL: N_("Cocher jusqu'à K projets"),
    RuleKind.SINGLE: N_("Un seul projet"),
    RuleKind.BUDGET: N_("Dans la limite du budget"),
}

LANGUAGE_LABELS: dict[str, str] = {"fr": N_("Français"), "en": N_("Anglais")}


class MaterialKind(StrEnum):
    """The other vote materials (no ballot information on any of them)."""

    SHEETS = "sheets"
    POSTER = "poster"
    SIGNIN = "signin"


MATERIAL_LABELS: dict[MaterialKind, str] = {
    MaterialKind.SHEETS: N_("Fiches de présentation des projets"),
    MaterialKind.POSTER: N_("Affiche d'appel au vote"),
    MaterialKind.SIGNIN: N_("Feuille d'émargement"),
}


@dataclass(frozen=True)
class StyleInput:
    """What a person chooses for a ballot style. None values keep a sensible default."""

    name: str = ""
    language: str = "fr"
    large_print: bool = False
    order: ProjectOrder = ProjectOrder.FIXED
    rule_kind: RuleKind = RuleKind.APPROVAL
    max_choices: int | None = None
    min_choices: int | None = None
    budget_cents: int | None = None
    project_ids: tuple[str, ...] | None = None  # fixed order; None: the admissible ones by number


@dataclass(frozen=True)
class BallotStyle:
    meta: m.RecordMeta
    campaign_id: str
    residence_id: str
    index: int
    name: str
    language: str
    large_print: bool
    order: ProjectOrder
    rule_kind: RuleKind
    max_choices: int | None
    min_choices: int | None
    budget_cents: int | None
    project_ids: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class PrintOptions:
    count: int
    test: bool = False
    with_serials: bool = True
    order: ProjectOrder | None = None  # None: the style's own order


@dataclass(frozen=True)
class PrintBatch:
    """One recorded print run. The serials are never here: only their commitment."""

    meta: m.RecordMeta
    campaign_id: str
    residence_id: str
    residence_name: str
    style_id: str
    style_name: str
    number: int
    count: int
    test: bool
    with_serials: bool
    kind: str  # "ballots" | "test_deck"
    template_hash: str
    merkle_root: str
    serials_recorded: int = 0

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def printed_at(self) -> datetime:
        return self.meta.created_at


@dataclass(frozen=True)
class PrintSummary:
    """What a print call hands back: the batch recorded and the files written."""

    batch: PrintBatch
    pdf: Path
    layout_file: Path
    warnings: tuple[str, ...] = ()
    extra_files: tuple[Path, ...] = field(default=())

    def lines(self) -> list[str]:
        b = self.batch
        return [
            _("Lot n° {n} enregistré : {count} bulletins, {residence}, modèle « {style} ».").format(
                n=b.number, count=b.count, residence=b.residence_name, style=b.style_name
            ),
            _("Mode : {mode} ; numéros de série : {serials}.").format(
                mode=_("ESSAI") if b.test else _("réel"),
                serials=_("oui") if b.with_serials else _("non"),
            ),
            _("Empreinte de la mise en page : {hash}").format(hash=b.template_hash),
            _("Engagement sur les numéros (racine de Merkle) : {root}").format(root=b.merkle_root),
            _("PDF : {path}").format(path=self.pdf),
            _("Mise en page : {path}").format(path=self.layout_file),
            *self.warnings,
        ]
