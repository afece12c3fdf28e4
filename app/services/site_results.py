"""The results a consultant publishes on the site: frozen when published (docs/platform.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app import i18n
from app.errors import UserError
from app.i18n import _
from app.storage.count_tables import CountSessionRow

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.services.site import SiteService
    from app.storage.uow import UnitOfWork


class SiteResults:
    """The results a consultant publishes on the site (`Services.site_results`)."""

    def __init__(
        self,
        *,
        campaigns: CampaignService,
        counting: CountingService,
        site: SiteService,
        uow: UnitOfWork,
    ) -> None:
        self.campaigns = campaigns
        self.counting = counting
        self.site = site
        self.uow = uow

    def publish_results(self, residence_id: str, *, provisional: bool = False) -> None:
        """Freeze the residence's current results for the site and publish them.

        Only a sealed count is published (its results are final and anyone can verify them),
        unless `provisional` is asked for (`site publish --results R --provisional`, the demo):
        the site then says in words that the results are provisional."""
        payload = self.public_results_payload(residence_id)
        if not payload.get("sealed") and not provisional:
            raise UserError(
                _("Le dépouillement de cette résidence n'est pas encore scellé : scellez-le avant "
                  "de publier ses résultats sur le site.")
            )  # fmt: skip
        self.site.save_results(residence_id, payload)

    def public_results_payload(self, residence_id: str) -> dict[str, object]:
        """What the site shows of a residence's results: tallies, votes per project, funded
        projects, the rule explained (French and English), the seals. No serial, sheet or time."""
        from app.services.counting.view import explain_results  # the count's screens: OpenCV

        res = self.counting.results(residence_id)
        doc: dict[str, Any] = res.as_dict()
        residence = self.campaigns.get_residence(residence_id)
        doc["dwellings"] = residence.dwellings
        texts: dict[str, Any] = {}
        previous = i18n.language()
        try:
            for language in i18n.LANGUAGES:
                i18n.set_language(language)
                text = explain_results(self.counting.results(residence_id))
                texts[language] = {
                    "rule": text.rule_text, "lines": list(text.lines),
                    "equal_shares": list(text.equal_shares), "ties": list(text.ties),
                }  # fmt: skip
        finally:
            i18n.set_language(previous)
        doc["explanation"] = texts
        with self.uow() as session:
            rows = session.scalars(
                select(CountSessionRow).where(CountSessionRow.id.in_(list(res.sessions)))
            )
            doc["seals"] = [
                {"session": row.id, "sealed_hash": row.sealed_hash or "",
                 "key_fingerprint": row.key_fingerprint}
                for row in rows
            ]  # fmt: skip
        return doc
