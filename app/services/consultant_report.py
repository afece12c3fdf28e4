"""The hot line and the paper surveys as sections of the evaluation report (`extra_sources` of
`EvaluationService`, registered by `Services.evaluation`): plain rows, no name of a resident."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.appointments import CHANNEL_LABELS
from app.domain.dates import format_date
from app.domain.surveys import QuestionKind, QuestionResult, Survey
from app.i18n import _
from app.services.appointments.service import AppointmentService
from app.services.evaluation.facts import ExtraFigures
from app.services.surveys import SurveyService

MAX_QUESTIONS = 12


class ConsultantSections:
    """The report's sections drawn from the consultants' own work: the hot line and the surveys."""

    def __init__(self, appointments: AppointmentService, surveys: SurveyService) -> None:
        self.appointments = appointments
        self.surveys = surveys

    def sources(self) -> dict[str, Callable[[], ExtraFigures | None]]:
        """What `EvaluationService.extra_sources` takes: one callable per section."""
        return {"hotline": self.hotline, "surveys": self.survey_answers}

    def hotline(self) -> ExtraFigures | None:
        f = self.appointments.figures()
        if not f.slots:
            return None
        rows = (
            (_("créneaux ouverts"), str(f.slots)),
            (_("rendez-vous pris"), str(f.booked)),
            (_("rendez-vous tenus"), str(f.held)),
            (_("dont anonymes"), str(f.anonymous)),
            (_("suites encore à donner"), str(f.follow_ups_open)),
        )
        channels = ", ".join(f"{_(CHANNEL_LABELS[c])} : {n}" for c, n in f.by_channel if n)
        themes = ", ".join(f"{t} : {n}" for t, n in f.by_theme[:6])
        text = _("Rendez-vous par canal — {channels}.").format(channels=channels or "—")
        if themes:
            text += " " + _("Thèmes les plus demandés — {themes}.").format(themes=themes)
        asked = self.appointments.questions()[-MAX_QUESTIONS:]
        table = tuple(
            (format_date(q.asked_at, weekday=False), q.theme, q.question, q.answer) for q in asked
        )
        headers = (_("Date"), _("Thème"), _("Question posée"), _("Réponse donnée"))
        return ExtraFigures(rows, text, headers if table else (), table)

    def survey_answers(self) -> ExtraFigures | None:
        surveys = [s for s in self.surveys.list_surveys() if s.printed]
        if not surveys:
            return None
        results = [self.surveys.results(s.id) for s in surveys]
        rows = (
            (_("questionnaires imprimés"), str(len(surveys))),
            (_("formulaires comptés"), str(sum(r.forms for r in results))),
            (_("formulaires à revoir"), str(sum(r.to_review for r in results))),
            (_("textes libres à lire"), str(self._unread_texts(surveys))),
        )
        several = len(results) > 1
        table: list[tuple[str, ...]] = []
        for res in results:
            for q in res.questions:
                lines = _answer_lines(q)
                for n, (answer, value) in enumerate(lines):
                    question = q.question.text if n == 0 else ""  # said once per question
                    title = (res.title if n == 0 else "",) if several else ()
                    table.append((*title, question, answer, value))
        headers: tuple[str, ...] = (_("Question"), _("Réponse"), _("Formulaires"))
        if several:
            headers = (_("Questionnaire"), *headers)
        text = _(
            "Les formulaires douteux ne sont comptés qu'une fois vérifiés par une personne ; les "
            "réponses écrites se lisent sur leur image."
        )
        if not several:
            text = f"« {results[0].title} ». {text}"
        return ExtraFigures(rows, text, headers, tuple(table))

    def _unread_texts(self, surveys: list[Survey]) -> int:
        """Free texts kept as images that no one has transcribed yet (waiting for a reader)."""
        return sum(
            bool(r.text_image) and not r.text_transcript
            for s in surveys
            for r in self.surveys.responses(s.id)
        )


def _answer_lines(q: QuestionResult) -> list[tuple[str, str]]:
    if q.question.kind is QuestionKind.TEXT:
        return [(_("réponses écrites"), str(q.texts))]
    lines = [(c, str(n)) for c, n in zip(q.question.choices(), q.counts, strict=True)]
    if q.mean is not None:
        lines.append((_("moyenne (1 à 5)"), f"{q.mean:.1f}".replace(".", ",")))
    return lines
