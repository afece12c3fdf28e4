"""Ballot styles: one or several per residence (languages, large print), each with its rule.

A style keeps its projects in a fixed order (`project_ids`); at print time the list is
reconciled with the projects the commission has found admissible since, so the ballot always
shows exactly the admissible projects of the residence.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.domain.money import check_cents, format_euros
from app.domain.validation import fold, required_text
from app.errors import UserError
from app.i18n import LANGUAGES, _, ngettext
from app.services.base import Service, device_block, get_live
from app.services.printing import specs
from app.services.printing.types import BallotStyle, ProjectOrder, RuleKind, StyleInput
from app.storage import mappers
from app.storage.tables import BallotStyleRow, ProjectRow, ResidenceRow

DEFAULT_MAX_CHOICES = 3
MAX_STYLE_INDEX = 0xFFFF
STYLE_BLOCK = 256
"""Style indices per laptop (the index travels in the QR code): laptop n uses n×256 + 1 … + 255."""


def default_style_name(data: StyleInput) -> str:
    if data.large_print:
        return _("Gros caractères")
    if data.language != "fr":
        return _("Anglais") if data.language == "en" else data.language
    return _("Standard")


def admissible_rows(session: Session, residence_id: str) -> list[ProjectRow]:
    """The residence's admissible projects, by number."""
    query = select(ProjectRow).where(*specs.admissible_filter(residence_id))  # type: ignore[arg-type]
    return list(session.scalars(query.order_by(ProjectRow.number)))


class Styles(Service):
    """Create, edit, list and choose ballot styles (a part of `BallotService`)."""

    def admissible_projects(self, residence_id: str) -> list[m.Project]:
        """The projects the commission found admissible for this residence, by number."""
        with self.uow() as session:
            return [mappers.project(r) for r in admissible_rows(session, residence_id)]

    def ballot_projects(self, style_id: str) -> list[m.Project]:
        """The projects of a style in its fixed order (what a fixed-order ballot shows)."""
        with self.uow() as session:
            style = get_live(session, BallotStyleRow, style_id, _("Modèle de bulletin"))
            rows = specs.ballot_projects(style, admissible_rows(session, style.residence_id))
            return [mappers.project(r) for r in rows]

    def list_styles(self, residence_id: str) -> list[BallotStyle]:
        with self.uow() as session:
            rows = session.scalars(
                select(BallotStyleRow)
                .where(
                    BallotStyleRow.residence_id == residence_id,
                    BallotStyleRow.deleted_at.is_(None),
                )
                .order_by(BallotStyleRow.style_index)
            )
            return [specs.style_data(r) for r in rows]

    def get_style(self, style_id: str) -> BallotStyle:
        with self.uow() as session:
            row = get_live(session, BallotStyleRow, style_id, _("Modèle de bulletin"))
            return specs.style_data(row)

    def ensure_default_style(self, residence_id: str) -> BallotStyle:
        """The residence's first style, created from its admissible projects when there is none."""
        existing = self.list_styles(residence_id)
        return existing[0] if existing else self.create_style(residence_id, StyleInput())

    def choose_style(self, residence_id: str, name_or_id: str | None = None) -> BallotStyle:
        """A style named on the command line (name or id), else the default one."""
        if not name_or_id:
            return self.ensure_default_style(residence_id)
        styles = self.list_styles(residence_id)
        for style in styles:
            if style.id == name_or_id or fold(style.name) == fold(name_or_id):
                return style
        raise UserError(
            _("Modèle de bulletin « {name} » introuvable. Modèles : {names}.").format(
                name=name_or_id, names=", ".join(s.name for s in styles) or "—"
            ),
            field="style",
        )

    def create_style(self, residence_id: str, data: StyleInput) -> BallotStyle:
        with self.uow() as session:
            residence = get_live(session, ResidenceRow, residence_id, _("Résidence"))
            admissible = admissible_rows(session, residence_id)
            if not admissible:
                raise specs.no_project_error(residence.name)
            if data.project_ids is None:
                data = replace(data, project_ids=tuple(p.id for p in admissible))
            values = self._checked(session, residence, admissible, data, None)
            index = self._next_index(session, residence.campaign_id)
            row = BallotStyleRow(
                campaign_id=residence.campaign_id,
                residence_id=residence_id,
                style_index=index,
                **values,
            )
            session.add(row)
            session.flush()
            return specs.style_data(row)

    def update_style(self, style_id: str, data: StyleInput) -> BallotStyle:
        """Change a style. Batches already printed keep their own recorded layout."""
        with self.uow() as session:
            row = get_live(session, BallotStyleRow, style_id, _("Modèle de bulletin"))
            residence = get_live(session, ResidenceRow, row.residence_id, _("Résidence"))
            admissible = admissible_rows(session, residence.id)
            if data.project_ids is None:
                data = replace(data, project_ids=tuple(row.project_ids or ()))
            for key, value in self._checked(session, residence, admissible, data, row.id).items():
                setattr(row, key, value)
            session.flush()
            return specs.style_data(row)

    @staticmethod
    def _next_index(session: Session, campaign_id: str) -> int:
        """The next style index in this laptop's block: two laptops creating styles offline
        never give the same index."""
        low, high = device_block(session, STYLE_BLOCK)
        last = session.scalar(
            select(func.max(BallotStyleRow.style_index)).where(
                BallotStyleRow.campaign_id == campaign_id,
                BallotStyleRow.style_index > low,
                BallotStyleRow.style_index < high,
            )
        )
        index = int(last or low) + 1
        if index >= high or index > MAX_STYLE_INDEX:
            raise UserError(_("Trop de modèles de bulletin dans cette campagne."))
        return index

    def _checked(
        self,
        session: Session,
        residence: ResidenceRow,
        admissible: list[ProjectRow],
        data: StyleInput,
        own_id: str | None,
    ) -> dict[str, object]:
        """Validate a style and return its column values (French errors naming the field)."""
        name = required_text(
            data.name or default_style_name(data), "name", _("Le nom du modèle"), 100
        )
        self._refuse_duplicate_name(session, residence.id, name, own_id)
        if data.language not in LANGUAGES:
            raise UserError(
                _("Langue non prise en charge : {lang}.").format(lang=data.language),
                field="language",
            )
        known = {p.id for p in admissible}
        ids = [i for i in dict.fromkeys(data.project_ids or ()) if i in known]
        rule = rule_values(data, residence, len(admissible))
        return {
            "name": name,
            "language": data.language,
            "large_print": bool(data.large_print),
            "project_order": ProjectOrder(data.order).value,
            "project_ids": ids,
            **rule,
        }

    @staticmethod
    def _refuse_duplicate_name(
        session: Session, residence_id: str, name: str, own_id: str | None
    ) -> None:
        others = session.scalars(
            select(BallotStyleRow).where(
                BallotStyleRow.residence_id == residence_id, BallotStyleRow.deleted_at.is_(None)
            )
        )
        for other in others:
            if other.id != own_id and fold(other.name) == fold(name):
                raise UserError(
                    _("Cette résidence a déjà un modèle nommé « {name} ».").format(name=other.name),
                    field="name",
                )


def rule_values(data: StyleInput, residence: ResidenceRow, projects: int) -> dict[str, object]:
    """The rule columns of a style, with sensible defaults, checked against the projects."""
    kind = RuleKind(data.rule_kind)
    if kind is RuleKind.SINGLE:
        return {"rule_kind": kind.value, "max_choices": 1, "min_choices": 1, "budget_cents": None}
    if kind is RuleKind.BUDGET:
        budget = data.budget_cents if data.budget_cents is not None else residence.budget_cents
        if not budget:
            raise UserError(
                _(
                    "La résidence « {name} » n'a pas d'enveloppe : indiquez le budget du vote."
                ).format(name=residence.name),
                field="budget_cents",
            )
        check_cents(budget, field="budget_cents", allow_zero=False)
        if residence.budget_cents and budget > residence.budget_cents:
            raise UserError(
                _("Le budget du vote dépasse l'enveloppe de la résidence ({budget}).").format(
                    budget=format_euros(residence.budget_cents)
                ),
                field="budget_cents",
            )
        return {"rule_kind": kind.value, "max_choices": None, "min_choices": None, "budget_cents": budget}  # fmt: skip
    return approval_values(data, max(projects, 1))


def approval_values(data: StyleInput, projects: int) -> dict[str, object]:
    high = data.max_choices if data.max_choices is not None else min(DEFAULT_MAX_CHOICES, projects)
    if high < 1:
        raise UserError(
            _("Indiquez combien de projets chaque votant peut cocher (au moins 1)."),
            field="max_choices",
        )
    if high > projects:
        raise UserError(
            ngettext(
                "Le bulletin compte {n} projet : on ne peut pas en cocher {k}.",
                "Le bulletin compte {n} projets : on ne peut pas en cocher {k}.",
                projects,
            ).format(n=projects, k=high),
            field="max_choices",
        )
    low = data.min_choices or None
    if low is not None and (low < 0 or low > high):
        raise UserError(
            _("Le minimum de projets à cocher dépasse le maximum."), field="min_choices"
        )
    return {"rule_kind": RuleKind.APPROVAL.value, "max_choices": high, "min_choices": low, "budget_cents": None}  # fmt: skip
