"""Campaign set-up: the campaign, its residences and its admissibility criteria."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import models as m
from app.domain.dates import utc_now
from app.domain.keycheck import key_check
from app.domain.money import check_cents
from app.domain.validation import (
    check_period,
    fold,
    non_negative_int,
    optional_text,
    required_text,
)
from app.errors import UserError
from app.i18n import _
from app.services.base import ACTIVE_CAMPAIGN, Service, get_live
from app.storage import mappers
from app.storage.tables import CampaignRow, CriterionRow, IdeaRow, ProjectRow, ResidenceRow


@dataclass(frozen=True)
class CampaignInput:
    """What a person types to create or edit a campaign."""

    name: str
    organiser: str = ""
    description: str = ""
    rules_text: str = ""
    short_code: str = ""
    ideas_start: date | None = None
    ideas_end: date | None = None
    workshops_start: date | None = None
    workshops_end: date | None = None
    commission_date: date | None = None
    vote_start: date | None = None
    vote_end: date | None = None
    results_date: date | None = None
    themes: tuple[str, ...] = ()


def _check_campaign(data: CampaignInput) -> CampaignInput:
    name = required_text(data.name, "name", _("Le nom de la campagne"))
    code = (data.short_code or "").strip().upper() or _short_code(name)
    if not code.isalnum() or len(code) > 12:
        raise UserError(
            _("Le code court ne peut contenir que des lettres et des chiffres (12 au plus)."),
            field="short_code",
        )
    check_period(data.ideas_start, data.ideas_end, "ideas_end", _("Collecte des idées"))
    check_period(data.workshops_start, data.workshops_end, "workshops_end", _("Ateliers"))
    check_period(data.vote_start, data.vote_end, "vote_end", _("Vote"))
    if data.vote_start and data.commission_date and data.vote_start < data.commission_date:
        raise UserError(
            _("Le vote ne peut pas commencer avant la commission d'examen."), field="vote_start"
        )
    if data.results_date and data.vote_end and data.results_date < data.vote_end:
        raise UserError(
            _("Les résultats ne peuvent pas être annoncés avant la fin du vote."),
            field="results_date",
        )
    themes = tuple(dict.fromkeys(t.strip() for t in data.themes if t.strip())) or tuple(
        _(t) for t in m.DEFAULT_THEMES
    )
    return replace(data, name=name, short_code=code, themes=themes)


def _short_code(name: str) -> str:
    letters = "".join(w[0] for w in fold(name).split() if w[:1].isalnum()).upper()
    return (letters or "BP")[:6]


class CampaignService(Service):
    def create_campaign(
        self, data: CampaignInput, *, with_default_criteria: bool = True
    ) -> m.Campaign:
        data = _check_campaign(data)
        with self.uow() as session:
            values = {f.name: getattr(data, f.name) for f in fields(data)}
            values["themes"] = list(data.themes)
            key = secrets.token_bytes(32)
            row = CampaignRow(
                secret_key=key, key_check=key_check(key), timezone="Europe/Paris", **values
            )
            session.add(row)
            session.flush()
            if with_default_criteria:
                for position, (label, description) in enumerate(m.DEFAULT_CRITERIA):
                    session.add(
                        CriterionRow(
                            campaign_id=row.id,
                            position=position,
                            label=_(label),
                            description=_(description),
                        )
                    )
            result = mappers.campaign(row)
        self.uow.set_meta(ACTIVE_CAMPAIGN, result.id)
        return result

    def update_campaign(self, campaign_id: str, data: CampaignInput) -> m.Campaign:
        data = _check_campaign(data)
        with self.uow() as session:
            row = get_live(session, CampaignRow, campaign_id, _("Campagne"))
            for f in fields(data):
                value = getattr(data, f.name)
                setattr(row, f.name, list(value) if f.name == "themes" else value)
            session.flush()
            return mappers.campaign(row)

    def set_online_ideas(self, on: bool, campaign_id: str | None = None) -> m.Campaign:
        """Let residents propose ideas on the public site (off by default; docs/platform.md)."""
        with self.uow() as session:
            row = get_live(
                session, CampaignRow, campaign_id or self.active_campaign_id(), _("Campagne")
            )
            row.online_ideas = on
            session.flush()
            return mappers.campaign(row)

    def get_campaign(self, campaign_id: str | None = None) -> m.Campaign:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            return mappers.campaign(get_live(session, CampaignRow, campaign_id, _("Campagne")))

    def list_campaigns(self) -> list[m.Campaign]:
        with self.uow() as session:
            rows = session.scalars(
                select(CampaignRow)
                .where(CampaignRow.deleted_at.is_(None))
                .order_by(CampaignRow.created_at)
            )
            return [mappers.campaign(r) for r in rows]

    def has_campaign(self) -> bool:
        return bool(self.list_campaigns())

    def campaign_secret(self, campaign_id: str) -> bytes:
        """The campaign's MAC key for ballots (never shown, never exported publicly)."""
        with self.uow() as session:
            return bytes(get_live(session, CampaignRow, campaign_id, _("Campagne")).secret_key)

    # --- residences -------------------------------------------------------------------------

    def add_residence(
        self, name: str, *, address: str = "", dwellings: int = 0, budget_cents: int = 0,
        campaign_id: str | None = None,
    ) -> m.Residence:  # fmt: skip
        campaign_id = campaign_id or self.active_campaign_id()
        name = required_text(name, "name", _("Le nom de la résidence"))
        non_negative_int(dwellings, "dwellings", _("Le nombre de logements"), maximum=100_000)
        check_cents(budget_cents, field="budget_cents")
        with self.uow() as session:
            self._refuse_duplicate_residence(session, campaign_id, name, None)
            row = ResidenceRow(
                campaign_id=campaign_id,
                name=name,
                address=optional_text(address),
                dwellings=dwellings,
                budget_cents=budget_cents,
            )
            session.add(row)
            session.flush()
            return mappers.residence(row)

    def update_residence(
        self, residence_id: str, *, name: str, address: str = "", dwellings: int = 0,
        budget_cents: int = 0,
    ) -> m.Residence:  # fmt: skip
        name = required_text(name, "name", _("Le nom de la résidence"))
        non_negative_int(dwellings, "dwellings", _("Le nombre de logements"), maximum=100_000)
        check_cents(budget_cents, field="budget_cents")
        with self.uow() as session:
            row = get_live(session, ResidenceRow, residence_id, _("Résidence"))
            self._refuse_duplicate_residence(session, row.campaign_id, name, residence_id)
            row.name, row.address, row.dwellings = name, optional_text(address), dwellings
            row.budget_cents = budget_cents
            session.flush()
            return mappers.residence(row)

    def delete_residence(self, residence_id: str) -> None:
        """Delete an empty residence; one that holds ideas or projects is kept."""
        with self.uow() as session:
            row = get_live(session, ResidenceRow, residence_id, _("Résidence"))
            used = session.scalar(
                select(func.count())
                .select_from(IdeaRow)
                .where(IdeaRow.residence_id == residence_id, IdeaRow.deleted_at.is_(None))
            ) or session.scalar(
                select(func.count())
                .select_from(ProjectRow)
                .where(ProjectRow.residence_id == residence_id, ProjectRow.deleted_at.is_(None))
            )
            if used:
                raise UserError(
                    _(
                        "La résidence « {name} » a des idées ou des projets : elle ne peut pas être supprimée."
                    ).format(name=row.name)
                )
            row.deleted_at = utc_now()

    def restore_residence(self, residence_id: str) -> m.Residence:
        """Undo a deletion (the "Annuler" of the deletion toast)."""
        with self.uow() as session:
            row = session.get(ResidenceRow, residence_id)
            if row is None:
                raise UserError(_("Résidence introuvable."))
            row.deleted_at = None
            session.flush()
            return mappers.residence(row)

    def list_residences(self, campaign_id: str | None = None) -> list[m.Residence]:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(ResidenceRow)
                .where(ResidenceRow.campaign_id == campaign_id, ResidenceRow.deleted_at.is_(None))
                .order_by(ResidenceRow.name)
            )
            return [mappers.residence(r) for r in rows]

    def get_residence(self, residence_id: str) -> m.Residence:
        with self.uow() as session:
            return mappers.residence(get_live(session, ResidenceRow, residence_id, _("Résidence")))

    def find_residence(self, name_or_id: str, campaign_id: str | None = None) -> m.Residence:
        """A residence named on the command line by its name (accents ignored) or its id."""
        residences = self.list_residences(campaign_id)
        for r in residences:
            if r.id == name_or_id or fold(r.name) == fold(name_or_id):
                return r
        raise UserError(
            _("Résidence « {name} » introuvable. Résidences : {names}.").format(
                name=name_or_id, names=", ".join(r.name for r in residences) or "—"
            )
        )

    @staticmethod
    def _refuse_duplicate_residence(
        session: Session, campaign_id: str, name: str, own_id: str | None
    ) -> None:
        for other in session.scalars(
            select(ResidenceRow).where(
                ResidenceRow.campaign_id == campaign_id, ResidenceRow.deleted_at.is_(None)
            )
        ):
            if other.id != own_id and fold(other.name) == fold(name):
                raise UserError(
                    _("Une résidence s'appelle déjà « {name} ».").format(name=other.name),
                    field="name",
                )

    # --- admissibility criteria ---------------------------------------------------------------

    def list_criteria(self, campaign_id: str | None = None) -> list[m.Criterion]:
        campaign_id = campaign_id or self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(CriterionRow)
                .where(CriterionRow.campaign_id == campaign_id, CriterionRow.deleted_at.is_(None))
                .order_by(CriterionRow.position)
            )
            return [mappers.criterion(r) for r in rows]

    def add_criterion(
        self, label: str, description: str = "", campaign_id: str | None = None
    ) -> m.Criterion:
        campaign_id = campaign_id or self.active_campaign_id()
        label = required_text(label, "label", _("L'intitulé du critère"))
        existing = self.list_criteria(campaign_id)
        if any(fold(c.label) == fold(label) for c in existing):
            raise UserError(_("Ce critère existe déjà."), field="label")
        with self.uow() as session:
            row = CriterionRow(
                campaign_id=campaign_id,
                position=len(existing),
                label=label,
                description=optional_text(description),
            )
            session.add(row)
            session.flush()
            return mappers.criterion(row)

    def update_criterion(self, criterion_id: str, label: str, description: str = "") -> m.Criterion:
        label = required_text(label, "label", _("L'intitulé du critère"))
        with self.uow() as session:
            row = get_live(session, CriterionRow, criterion_id, _("Critère"))
            row.label, row.description = label, optional_text(description)
            session.flush()
            return mappers.criterion(row)

    def remove_criterion(self, criterion_id: str) -> None:
        with self.uow() as session:
            get_live(session, CriterionRow, criterion_id, _("Critère")).deleted_at = utc_now()
