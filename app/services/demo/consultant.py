"""The demo's hot line and paper survey: this week's slots, a few questions asked and answered,
and a printed satisfaction survey (names appear only where the resident consented)."""

from __future__ import annotations

import tempfile
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain import models as m
from app.domain.appointments import Channel
from app.domain.surveys import QuestionKind, SurveyQuestion
from app.services.appointments import BookingInput, OutcomeInput, SlotsInput

if TYPE_CHECKING:
    from app.services.appointments.service import AppointmentService
    from app.services.surveys import SurveyService
    from app.storage.uow import UnitOfWork

BOOKINGS = (
    # (slot index, question, theme, name with consent or "", answer, follow-up, done)
    (0, "Peut-on proposer un projet pour deux résidences ?", "Autre", "", "Oui, s'il profite "
     "aux deux ; il sera voté dans chacune.", "", False),
    (1, "Le jardin partagé sera-t-il arrosé l'été ?", "Espaces verts", "Odile Martin (nom "
     "inventé)", "Un point d'eau est prévu au devis.", "Envoyer le devis du point d'eau", False),
    (3, "Comment voter si je suis absent ?", "Autre", "", "Une seconde séance est prévue le "
     "samedi matin.", "", False),
    (5, "Qui entretiendra les bancs ?", "Cadre de vie", "", "Le bailleur, dans le contrat "
     "d'entretien.", "Confirmer avec le gestionnaire", True),
)  # fmt: skip

SURVEY = (
    SurveyQuestion("", QuestionKind.SINGLE, "Avez-vous participé à une réunion ?",
                   ("Oui", "Non")),
    SurveyQuestion("", QuestionKind.MULTIPLE, "Comment avez-vous connu le budget participatif ?",
                   ("Affiche", "Réunion", "Gardien", "Voisins")),
    SurveyQuestion("", QuestionKind.SCALE, "Êtes-vous satisfait de la démarche ?", (),
                   "pas du tout", "tout à fait"),
    SurveyQuestion("", QuestionKind.TEXT, "Que faudrait-il améliorer la prochaine fois ?"),
)  # fmt: skip


# Returned forms of the demo survey: (box index, kind) per form; box indices follow the printed
# order (q1: 0-1, q2: 2-5, q3: 6-10). Form 5 ticks both answers of q1: left to a person.
FORMS: tuple[tuple[tuple[int, str], ...], ...] = (
    ((0, "cross"), (2, "tick"), (3, "cross"), (9, "cross")),
    ((0, "tick"), (4, "cross"), (10, "fill")),
    ((1, "cross"), (2, "cross"), (8, "cross")),
    ((0, "cross"), (5, "tick"), (9, "tick")),
    ((0, "cross"), (1, "cross"), (3, "cross"), (7, "cross")),
    ((0, "fill"), (2, "cross"), (4, "cross"), (10, "cross")),
)
WRITTEN = (0, 3)  # forms with a few handwritten lines in the free-text zone


class DemoConsultant:
    """The demo hot line and paper survey."""

    def __init__(
        self, *, appointments: AppointmentService, surveys: SurveyService, uow: UnitOfWork
    ) -> None:
        self.appointments = appointments
        self.surveys = surveys
        self.uow = uow

    def create_consultant_demo(self, residences: list[m.Residence], today: date) -> None:
        monday = today - timedelta(days=today.weekday())
        tuesday, thursday = monday + timedelta(days=1), monday + timedelta(days=3)
        room = self.appointments.open_slots(
            SlotsInput("Claire Martin", Channel.ROOM, tuesday, time(17), time(19), 30,
                       "Salle commune", residences[0].id)
        )  # fmt: skip
        phone = self.appointments.open_slots(
            SlotsInput("Karim Haddad", Channel.PHONE, thursday, time(10), time(12), 30,
                       "04 99 00 12 35")
        )  # fmt: skip
        self.appointments.open_slots(
            SlotsInput("Claire Martin", Channel.VIDEO, today, time(14), time(15, 30), 30, "Visio")
        )
        slots = [*room, *phone]
        for index, question, theme, name, answer, follow_up, done in BOOKINGS:
            slot = slots[index]
            self.appointments.book(
                slot.id, BookingInput(question, theme, bool(name), name, "", slot.residence_id)
            )
            self.appointments.record_outcome(slot.id, OutcomeInput(answer, follow_up, done))
        survey = self.surveys.create(
            "Votre avis sur le budget participatif",
            SURVEY,
            "Quelques questions pour faire mieux la prochaine fois. Merci de votre aide !",
        )
        with tempfile.TemporaryDirectory() as tmp:
            self.surveys.print_forms(survey.id, Path(tmp) / "questionnaire.pdf", 1)

    def demo_survey_unread(self) -> bool:
        """The demo survey exists and no form of it has been read yet."""
        surveys = self.surveys.list_surveys()
        return bool(surveys) and not self.surveys.responses(surveys[0].id)

    def create_demo_survey_answers(self, work_dir: Path) -> None:
        """Print the demo survey, fill six forms with a pen drawn on the pixels, read them back."""
        import json

        from PIL import Image, ImageDraw

        from app.services.demo.count import mark_pages

        survey = self.surveys.list_surveys()[0]
        work_dir.mkdir(parents=True, exist_ok=True)
        pdf = self.surveys.print_forms(survey.id, work_dir / "questionnaire.pdf", len(FORMS))
        from app.storage.consultant_tables import SurveyRow

        with self.uow() as session:
            row = session.get(SurveyRow, survey.id)
            layout = json.loads(row.layout_json if row else "{}")
        files = mark_pages(pdf, layout, FORMS, work_dir, prefix="questionnaire")
        zone = next(g["zone"] for g in layout["groups"] if g["zone"])
        f = 150 / 25.4
        for index in WRITTEN:
            image = Image.open(files[index])
            draw = ImageDraw.Draw(image)
            for line in range(2):
                y = (zone["y_mm"] + 12 + line * 10) * f
                x0 = (zone["x_mm"] + 8) * f
                points = [(x0 + i * 2.6 * f, y + (1.8 * f if i % 2 else 0)) for i in range(45)]
                draw.line(points, fill=40, width=3, joint="curve")
            image.save(files[index])
        self.surveys.read_forms(files)
