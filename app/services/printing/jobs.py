"""What one print of a style needs, read from the store in one transaction (`PrintJobs.job`).

Used by the printing itself (`BallotService`), the previews and the other vote materials.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ballots
from app.errors import UserError
from app.i18n import _
from app.services.base import Service, get_live
from app.services.printing import specs
from app.services.printing.styles import admissible_rows
from app.services.printing.types import ProjectOrder
from app.storage.tables import BallotStyleRow, CampaignRow, ResidenceRow
from app.storage.uow import UnitOfWork


@dataclass(frozen=True)
class PrintJob:
    """Everything a print needs, read from the store in one transaction."""

    spec: ballots.BallotSpec
    key: bytes
    campaign_id: str
    residence_id: str
    residence_name: str
    style_id: str
    style_name: str
    language: str


class PrintJobs(Service):
    """Reads a style, its residence, campaign, key and admissible projects."""

    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)

    def job(
        self,
        style_id: str,
        *,
        order: ProjectOrder | None = None,
        seed: int | None = None,
        long: bool = False,
    ) -> PrintJob:
        """Read the style, its residence, campaign, key and admissible projects."""
        with self.uow() as session:
            style = get_live(session, BallotStyleRow, style_id, _("Modèle de bulletin"))
            residence = get_live(session, ResidenceRow, style.residence_id, _("Résidence"))
            campaign = get_live(session, CampaignRow, style.campaign_id, _("Campagne"))
            if not campaign.secret_key:
                raise UserError(
                    _(
                        "La clé des bulletins de cette campagne n'est pas sur ce poste (campagne "
                        "reçue par synchronisation) : imprimez les bulletins sur le poste qui a "
                        "créé la campagne."
                    )
                )
            admissible = admissible_rows(session, residence.id)
            if not admissible:
                raise specs.no_project_error(residence.name)
            spec = specs.build_spec(
                campaign,
                residence,
                style,
                admissible,
                self.data_dir,
                order=order,
                seed=seed,
                long=long,
            )
            return PrintJob(
                spec,
                bytes(campaign.secret_key),
                campaign.id,
                residence.id,
                residence.name,
                style.id,
                style.name,
                style.language,
            )
