"""The demo's public site: the campaign, its projects, two news posts and (with a count) the
results of the counted residence are published, so that a demo pushed to a fresh server shows
a full site (docs/platform.md)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.site import Milestone
from app.services.demo.picture import draw_garden
from app.services.site import FollowupInput, NewsInput, SiteService

if TYPE_CHECKING:
    from app.services.counting.service import CountingService
    from app.services.site_results import SiteResults

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


class DemoSite:
    """The demo campaign on the public site: news, milestones, published results."""

    def __init__(
        self, *, counting: CountingService, site: SiteService, site_results: SiteResults
    ) -> None:
        self.counting = counting
        self.site = site
        self.site_results = site_results

    def publish_demo_site(self) -> None:
        site = self.site
        site.publish_campaign(True)
        site.publish_projects(True)
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
        self.site_results.publish_results(residence_id)
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
