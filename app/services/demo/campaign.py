"""A realistic demo campaign (invented names and places) for training, screenshots and tests.

Dates are placed around today so that the home screen always has a "next step" to show: idea
collection is over, workshops are ending, the commission has met once, the vote is coming.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.domain import models as m
from app.services.campaigns import CampaignInput
from app.services.commission import ReviewInput
from app.services.demo.consultant import DemoConsultant
from app.services.demo.picture import draw_garden
from app.services.demo.site import DemoSite
from app.services.ideas import IdeaInput, ProjectInput
from app.services.meetings import MeetingInput, ParticipantInput

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.commission import CommissionService
    from app.services.ideas import IdeaService, ProjectService
    from app.services.meetings import MeetingService, ParticipantService
    from app.services.printing.service import BallotService

PARIS = ZoneInfo("Europe/Paris")

RESIDENCES = (
    ("Les Tilleuls", "12 rue des Lilas, 69100 Villeurbanne", 148, 30_000_00),
    ("Résidence du Parc", "3 allée du Parc, 69100 Villeurbanne", 96, 25_000_00),
    ("Les Hauts de Bel-Air", "40 avenue de Bel-Air, 69120 Vaulx-en-Velin", 212, 40_000_00),
)

# (residence index, title, description, theme, location, cost in euros)
IDEAS = (
    (0, "Bancs autour de l'aire de jeux", "Installer quatre bancs pour que les parents puissent s'asseoir.", "Cadre de vie", "Aire de jeux", 4_800),
    (0, "Jardin partagé", "Créer des bacs de potager pour les habitants, avec un composteur.", "Espaces verts", "Pelouse côté rue", 9_500),
    (0, "Potager pour les enfants", "Quelques bacs à hauteur d'enfant près du jardin.", "Espaces verts", "Pelouse côté rue", 2_500),
    (0, "Éclairage du parking", "Ajouter des lampadaires à détection : le parking est très sombre l'hiver.", "Sécurité", "Parking", 12_000),
    (0, "Boîte à livres", "Une petite bibliothèque en libre-service dans le hall.", "Convivialité", "Hall A", 900),
    (0, "Table de ping-pong", "Une table de ping-pong en béton pour les jeunes.", "Jeux et loisirs", "Square", 3_200),
    (1, "Local vélos sécurisé", "Transformer le local inutilisé en garage à vélos fermé.", "Mobilité", "Sous-sol", 14_000),
    (1, "Fresque dans le hall", "Une fresque peinte avec les enfants de la résidence.", "Cadre de vie", "Hall principal", 5_500),
    (1, "Barbecue collectif", "Un barbecue fixe pour les fêtes des voisins.", "Convivialité", "Cour", 2_800),
    (1, "Caméras dans les halls", "Des caméras pour lutter contre les dégradations.", "Sécurité", "Halls", 18_000),
    (1, "Composteur collectif", "Des bacs à compost gérés par les habitants volontaires.", "Propreté", "Cour", 1_600),
    (2, "City stade", "Un terrain multisport pour les jeunes du quartier.", "Jeux et loisirs", "Terrain vague", 38_000),
    (2, "Aire de jeux pour les petits", "Des jeux pour les 2-6 ans avec un sol souple.", "Jeux et loisirs", "Square central", 22_000),
    (2, "Bancs et tables de pique-nique", "Pour se retrouver dehors aux beaux jours.", "Convivialité", "Square central", 6_400),
    (2, "Arbres fruitiers", "Planter des pommiers et des poiriers le long du chemin.", "Espaces verts", "Chemin piéton", 4_200),
    (2, "Piscine sur le toit", "Une piscine pour l'été sur le toit du bâtiment C.", "Jeux et loisirs", "Bâtiment C", 450_000),
    (2, "Salle commune rénovée", "Repeindre et meubler la salle commune.", "Convivialité", "Bâtiment B", 11_000),
)  # fmt: skip


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


LONG_DESCRIPTIONS = {
    "Bancs autour de l'aire de jeux": (
        "Quatre bancs en bois et métal autour de l'aire de jeux, dont deux à l'ombre du "
        "tilleul, pour que les parents et les grands-parents puissent s'asseoir en gardant un "
        "œil sur les enfants. Les bancs ont un dossier et des accoudoirs, pour se relever "
        "facilement."
    ),
    "Éclairage du parking": (
        "Six lampadaires à détection de présence le long des allées du parking, qui "
        "s'allument quand quelqu'un passe et baissent ensuite pour ne pas gêner les logements. "
        "Le parking est très sombre l'hiver dès 17 heures."
    ),
    "Boîte à livres": (
        "Une petite bibliothèque en libre-service dans le hall du bâtiment B : chacun dépose "
        "et emprunte des livres, sans inscription. Des habitants volontaires la rangent une "
        "fois par semaine."
    ),
}


class DemoCampaign:
    """The demo campaign: residences, meetings, ideas, projects, the commission."""

    def __init__(
        self,
        *,
        ballots: BallotService,
        campaigns: CampaignService,
        commission: CommissionService,
        ideas: IdeaService,
        meetings: MeetingService,
        participants: ParticipantService,
        projects: ProjectService,
        consultant: DemoConsultant,
        site: DemoSite,
    ) -> None:
        self.ballots = ballots
        self.campaigns = campaigns
        self.commission = commission
        self.ideas = ideas
        self.meetings = meetings
        self.participants = participants
        self.projects = projects
        self.consultant = consultant
        self.site = site

    def create_demo(self, today: date | None = None) -> m.Campaign:
        """Fill an empty data folder with the demo campaign and return it."""
        today = today or date.today()
        campaign = self.campaigns.create_campaign(
            CampaignInput(
                name="Budget participatif des habitants 2026",
                organiser="Habitat Solidaire (bailleur social)",
                description=(
                    "Les habitants de trois résidences proposent et choisissent des projets pour "
                    "améliorer leur cadre de vie."
                ),
                rules_text=(
                    "Chaque résidence dispose d'une enveloppe. Les habitants proposent des idées en "
                    "atelier ; la commission d'examen vérifie chaque projet selon les critères publiés ; "
                    "les habitants votent sur papier ; un tiers de confiance dépouille les bulletins."
                ),
                short_code="HS26",
                ideas_start=today - timedelta(days=70),
                ideas_end=today - timedelta(days=28),
                workshops_start=today - timedelta(days=42),
                workshops_end=today + timedelta(days=3),
                commission_date=today + timedelta(days=10),
                vote_start=today + timedelta(days=31),
                vote_end=today + timedelta(days=45),
                results_date=today + timedelta(days=52),
            )
        )
        residences = [
            self.campaigns.add_residence(name, address=address, dwellings=dw, budget_cents=budget)
            for name, address, dw, budget in RESIDENCES
        ]
        meetings = self._meetings(residences, today)
        self._vote_sessions(residences, today + timedelta(days=31))
        proposer = self.participants.add_participant(
            ParticipantInput(
                name="Fatima Benali (nom inventé)",
                phone="06 00 00 00 00",
                building="Bât. A, apt 12",
                residence_id=residences[0].id,
                consent_at=today - timedelta(days=40),
                consent_text="Accepte d'être recontactée au sujet du jardin partagé.",
            )
        )
        self.participants.add_participant(
            ParticipantInput(
                name="Jean-Marc Dupuis (nom inventé)",
                email="jm.dupuis@example.org",
                residence_id=residences[2].id,
                consent_at=today - timedelta(days=30),
                consent_text="Souhaite recevoir les résultats par e-mail.",
            )
        )
        ideas = []
        for index, title, description, theme, location, euros in IDEAS:
            ideas.append(
                self.ideas.create_idea(
                    IdeaInput(
                        title=title,
                        residence_id=residences[index].id,
                        description=description,
                        theme=theme,
                        location=location,
                        estimated_cost_cents=euros * 100,
                        meeting_id=meetings[index].id,
                        proposer_id=proposer.id if title == "Jardin partagé" else None,
                    )
                )
            )
        self._projects_and_commission(residences, ideas, today)
        self.consultant.create_consultant_demo(residences, today)
        self.site.publish_demo_site()
        return campaign

    def _vote_sessions(self, residences: list[m.Residence], vote_start: date) -> None:
        """Where and when each residence votes (printed on the call-to-vote poster)."""
        for offset, residence in enumerate(residences):
            first = vote_start + timedelta(days=2 + offset)
            second = first + timedelta(days=7)
            self.ballots.set_vote_sessions(
                residence.id,
                f"{first:%d/%m/%Y} 17:00-19:30 Salle commune\n"
                f"{second:%d/%m/%Y} 10:00-12:00 Hall d'entrée",
            )
            # 04 99 00 xx xx: a range the French regulator keeps for fiction
            self.ballots.set_poster_contact(
                residence.id, "Amina Diallo, gardienne : 04 99 00 12 34"
            )

    def _meetings(self, residences: list[m.Residence], today: date) -> list[m.Meeting]:
        specs = [
            (m.MeetingKind.WORKSHOP, 0, 35, "Salle commune des Tilleuls", {"residents": 23, "youth": 6, "staff": 2}),
            (m.MeetingKind.WORKSHOP, 1, 30, "Hall principal", {"residents": 14, "staff": 1}),
            (m.MeetingKind.CO_CONSTRUCTION, 2, 21, "Maison de quartier Bel-Air", {"residents": 31, "youth": 9, "partners": 3}),
            (m.MeetingKind.INFORMATION, None, 63, "Mairie annexe", {"residents": 42, "staff": 4, "partners": 5}),
            (m.MeetingKind.PERMANENCE, 0, 7, "Loge du gardien", {"residents": 8}),
        ]  # fmt: skip
        meetings = []
        for kind, res, days_ago, place, attendance in specs:
            meetings.append(
                self.meetings.create_meeting(
                    MeetingInput(
                        kind=kind,
                        starts_at=_at(today - timedelta(days=days_ago), 18, 30),
                        residence_id=residences[res].id if res is not None else None,
                        place=place,
                        facilitators="Claire Martin (Habitat Solidaire), Yanis Haddad (Les Cités d'Idées)",
                        attendance=attendance,
                    )
                )
            )
        questions = [
            (0, "Qui entretiendra le jardin partagé ?", "Une association d'habitants, avec l'appui du gardien."),
            (0, "Peut-on proposer plusieurs idées ?", "Oui, autant que vous voulez."),
            (1, "Quand auront lieu les travaux ?", "Dans l'année qui suit le vote, avant l'été si possible."),
            (2, "Qui peut voter ?", "Tous les habitants de la résidence, à partir de 11 ans."),
            (3, "Comment le budget est-il réparti ?", "Une enveloppe par résidence, selon le nombre de logements."),
        ]  # fmt: skip
        for index, question, answer in questions:
            self.meetings.add_question(meetings[index].id, question, answer)
        return meetings

    def _describe(self, project: m.Project, long: str) -> m.Project:
        """The project's longer description, for its sheet (the demo's ideas give one sentence)."""
        if not long:
            return project
        data = ProjectInput(
            title=project.title, residence_id=project.residence_id,
            short_description=project.short_description, long_description=long,
            cost_cents=project.cost_cents, theme=project.theme, status=project.status,
        )  # fmt: skip
        return self.projects.update_project(project.id, data)

    def _projects_and_commission(
        self, residences: list[m.Residence], ideas: list[m.Idea], today: date
    ) -> None:
        by_title = {i.title: i for i in ideas}
        garden = self.projects.merge_ideas(
            [by_title["Jardin partagé"].id, by_title["Potager pour les enfants"].id],
            ProjectInput(
                title="Jardin partagé et potager des enfants",
                residence_id=residences[0].id,
                short_description="Des bacs de potager pour les adultes et les enfants, avec un composteur.",
                long_description=(
                    "Six bacs de potager en bois au pied du bâtiment A, dont deux à hauteur d'enfant "
                    "pour les ateliers du mercredi avec le centre social. Un composteur collectif "
                    "reçoit les épluchures des familles volontaires, et un récupérateur d'eau de pluie "
                    "de 500 litres arrose les bacs en été.\n\nL'amicale des locataires organise "
                    "l'entretien avec les habitants inscrits ; le bailleur installe les bacs, le "
                    "composteur et le récupérateur, et remplace le bois abîmé pendant cinq ans."
                ),
                cost_cents=12_000_00,
                theme="Espaces verts",
            ),
        )
        single = ["Bancs autour de l'aire de jeux", "Éclairage du parking", "Boîte à livres",
                  "Table de ping-pong", "Local vélos sécurisé", "Fresque dans le hall",
                  "Barbecue collectif", "Caméras dans les halls", "Aire de jeux pour les petits",
                  "Bancs et tables de pique-nique", "Arbres fruitiers", "City stade"]  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="bp-demo-") as folder:
            sketch = draw_garden(Path(folder) / "jardin.png")
            garden = self.projects.set_picture(garden.id, sketch)
        projects = {garden.title: garden}
        for title in single:
            project = self.projects.merge_ideas([by_title[title].id])
            projects[title] = self._describe(project, LONG_DESCRIPTIONS.get(title, ""))
        session = self.commission.open_session(
            today - timedelta(days=2),
            ["Sophie Laurent (Habitat Solidaire)", "Karim Meziane (amicale des locataires)",
             "Hélène Roux (Ville de Villeurbanne)", "Paul Nguyen (habitant tiré au sort)"],
            place="Siège d'Habitat Solidaire",
        )  # fmt: skip
        criteria = self.campaigns.list_criteria()
        met = tuple(m.CriterionVerdict(c.id, m.Verdict.MET) for c in criteria)
        for title in ["Jardin partagé et potager des enfants", "Bancs autour de l'aire de jeux",
                      "Éclairage du parking", "Boîte à livres", "Local vélos sécurisé",
                      "Fresque dans le hall", "Barbecue collectif"]:  # fmt: skip
            self.commission.record_review(
                session.id,
                ReviewInput(
                    projects[title].id,
                    m.Decision.ADMISSIBLE,
                    met,
                    "Conforme à tous les critères.",
                    projects[title].cost_cents,
                ),
            )
        cameras = tuple(
            m.CriterionVerdict(c.id, m.Verdict.NOT_MET, "Relève de la sécurité publique et du règlement intérieur.")
            if i == 0 else m.CriterionVerdict(c.id, m.Verdict.MET)
            for i, c in enumerate(criteria)
        )  # fmt: skip
        self.commission.record_review(
            session.id,
            ReviewInput(
                projects["Caméras dans les halls"].id,
                m.Decision.INADMISSIBLE,
                cameras,
                "La vidéoprotection ne relève pas du budget participatif : elle est étudiée avec la Ville.",
            ),
        )
        self.commission.record_review(
            session.id,
            ReviewInput(
                projects["City stade"].id,
                m.Decision.REWORK,
                tuple(m.CriterionVerdict(c.id, m.Verdict.UNSURE) for c in criteria),
                "Le coût est proche de l'enveloppe : proposer une version plus simple (panier de basket et but).",
            ),
        )
