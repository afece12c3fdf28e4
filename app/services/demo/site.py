"""The demo's public site: the campaign, its projects, two news posts and (with a count) the
results of the counted residence are published, online ideas are open, so that a demo pushed
to a fresh server shows a full site (docs/platform.md)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.site import Milestone
from app.services.demo.picture import draw_garden
from app.services.site import FollowupInput, NewsInput, SiteService

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.services.site_results import SiteResults
    from app.storage.uow import UnitOfWork

NEWS = (
    (
        "Les ateliers touchent à leur fin",
        "Merci aux **84 habitants** venus proposer leurs idées dans les trois résidences.\n\n"
        "Prochaines étapes :\n\n"
        "- la commission d'examen vérifie chaque projet selon les critères publiés ;\n"
        "- les projets retenus sont affichés dans les halls ;\n"
        "- le vote a lieu sur papier, dans chaque résidence.",
        True,
    ),
    (
        "Le jardin partagé des Tilleuls prend forme",
        "Les enfants du centre social ont dessiné les bacs du futur potager. "
        "Venez voir l'esquisse à la loge du gardien !",
        True,
    ),
)


MESSAGES = (
    # (residence index or None, name, message, reply_how, contact, days ago, answered)
    (0, "Mme Benali", "Bonjour, je voudrais proposer des bacs à fleurs devant le hall B. "
     "Pouvez-vous m'aider à écrire le projet ?", "phone", "06 12 34 56 78", 2, False),
    (1, "", "Le local vélos sera-t-il fermé à clé ? Merci.", "none", "", 4, False),
    (None, "Karim", "Où peut-on voir les projets retenus avant le vote ?", "email",
     "karim@example.org", 9, True),
)  # fmt: skip


class DemoSite:
    """The demo campaign on the public site: news, milestones, published results."""

    def __init__(
        self,
        *,
        campaigns: CampaignService,
        counting: CountingService,
        site: SiteService,
        site_results: SiteResults,
        uow: UnitOfWork,
    ) -> None:
        self.campaigns = campaigns
        self.uow = uow
        self.counting = counting
        self.site = site
        self.site_results = site_results

    def publish_demo_site(self) -> None:
        site = self.site
        site.publish_campaign(True)
        site.publish_projects(True)
        self.campaigns.set_online_ideas(True)  # off by default; the demo shows the form
        with tempfile.TemporaryDirectory(prefix="bp-demo-") as folder:
            sketch = draw_garden(Path(folder) / "jardin.png")
            for number, (title, body, published) in enumerate(NEWS):
                picture = sketch if number == 1 else None
                alt = "Esquisse du jardin partagé : six bacs et un composteur" if picture else ""
                post = site.create_news(NewsInput(title, body, alt), picture)
                if published:
                    site.publish_news(post.id)

    def publish_demo_results(self, residence_id: str) -> None:
        """The counted residence's results, and the follow-up of its first funded project."""
        self.site_results.publish_results(residence_id, provisional=True)  # a count under way
        results = self.counting.results(residence_id)
        funded = [p.project_id for p in results.projects if p.project_id in results.selected]
        garden = [p.project_id for p in results.projects if p.title.startswith("Jardin partagé")]
        funded = [pid for pid in garden if pid in funded] or funded
        if not funded:
            return
        today = date.today()
        with tempfile.TemporaryDirectory(prefix="bp-demo-") as folder:
            sketch = draw_garden(Path(folder) / "chantier.png")
            self.site.set_followup(
                funded[0],
                FollowupInput(
                    "in_progress",
                    (
                        Milestone(
                            today - timedelta(days=5), "Commande passée au fournisseur", True
                        ),
                        Milestone(today + timedelta(days=60), "Installation des bacs", False),
                        Milestone(today + timedelta(days=90), "Inauguration avec les habitants"),
                    ),
                    "Le bailleur a validé le devis ; les travaux commencent au printemps.",
                    "Esquisse du projet",
                ),
                sketch,
            )
        self.site.publish_followup(funded[0])

    def create_demo_site_messages(self) -> None:
        """Three messages as the site's contact form writes them (they arrive by sync): two waiting
        in the Permanences inbox, one answered. Only `bp-terrain demo` adds them."""
        from datetime import UTC, datetime

        from app.storage.site_tables import SiteMessageRow

        residences = self.campaigns.list_residences()
        campaign_id = self.campaigns.get_campaign().id
        now = datetime.now(UTC).replace(microsecond=0)
        with self.uow() as session:
            for index, name, text, how, contact, days, answered in MESSAGES:
                received = now - timedelta(days=days, hours=3)
                session.add(SiteMessageRow(
                    campaign_id=campaign_id,
                    residence_id=residences[index].id if index is not None else "",
                    name=name, message=text, reply_how=how, contact=contact, received_at=received,
                    handled_at=received + timedelta(days=1) if answered else None,
                ))  # fmt: skip
