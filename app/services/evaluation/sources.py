"""The report's "Permanences" and "Questionnaires" sections, from the plain figures that the hot
line (`AppointmentService.figures`) and the paper surveys (`SurveyService.results`) give.

Pure functions over domain data: `Services.evaluation` (the composition root) calls the two
services and hands their figures here, so that neither the report nor these functions import them.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.appointments import CHANNEL_LABELS, AppointmentFigures
from app.domain.money import NNBSP
from app.domain.surveys import QuestionKind, QuestionResult, SurveyResults
from app.i18n import _
from app.services.evaluation.facts import ExtraFigures


def n(value: int) -> str:
    return f"{value:,}".replace(",", NNBSP)


def hotline_figures(figures: AppointmentFigures, questions: int) -> ExtraFigures | None:
    """Appointments held, by channel, the themes of the questions, the follow-ups still open."""
    if not figures.slots:
        return None
    channels = " ; ".join(
        f"{_(CHANNEL_LABELS[channel])} : {n(count)}" for channel, count in figures.by_channel
    )
    text = _(
        "Par canal : {channels}. Rendez-vous anonymes : {anonymous} ; avec nom, "
        "sur consentement : {named}. Suivis faits : {done}."
    ).format(
        channels=channels,
        anonymous=n(figures.anonymous),
        named=n(figures.named),
        done=n(figures.follow_ups_done),
    )
    return ExtraFigures(
        rows=(
            (_("créneaux ouverts"), n(figures.slots)),
            (_("rendez-vous pris"), n(figures.booked)),
            (_("rendez-vous tenus"), n(figures.held)),
            (_("questions posées"), n(questions)),
            (_("suivis à faire"), n(figures.follow_ups_open)),
        ),
        text=text,
        table_headers=(_("Thème des questions"), _("Rendez-vous")),
        table_rows=tuple((theme, n(count)) for theme, count in figures.by_theme),
    )


def survey_figures(
    results: Sequence[SurveyResults], awaiting: dict[str, int]
) -> ExtraFigures | None:
    """Per survey, the answers per question; `awaiting` counts, per survey id, the free texts
    that no one has read (transcribed) yet."""
    if not results:
        return None
    waiting = sum(awaiting.values())
    return ExtraFigures(
        rows=(
            (_("questionnaires"), n(len(results))),
            (_("formulaires comptés"), n(sum(r.forms for r in results))),
            (_("formulaires à vérifier"), n(sum(r.to_review for r in results))),
            (_("textes libres à lire"), n(waiting)),
        ),
        text=_(
            "Les formulaires douteux ne sont comptés qu'après la décision d'une personne ; "
            "les textes libres sont gardés en image pour être lus."
        ),
        table_headers=(_("Questionnaire"), _("Question"), _("Réponses"), _("Détail")),
        table_rows=tuple(
            (f"{r.number}. {r.title}" if i == 0 else "", q.question.text,
             n(q.texts if q.question.kind is QuestionKind.TEXT else q.answered),
             _detail(q, awaiting.get(r.survey_id, 0)))
            for r in results
            for i, q in enumerate(r.questions)
        ),  # fmt: skip
    )


def _detail(q: QuestionResult, awaiting: int) -> str:
    if q.question.kind is QuestionKind.TEXT:
        return _("{texts} textes, dont {waiting} à lire").format(
            texts=n(q.texts), waiting=n(min(awaiting, q.texts))
        )
    if q.question.kind is QuestionKind.SCALE:
        mean = "—" if q.mean is None else f"{q.mean:.1f}".replace(".", ",")
        return _("moyenne {mean} sur 5").format(mean=mean)
    return " · ".join(f"{option} : {n(count)}" for option, count in zip(q.question.choices(), q.counts))
