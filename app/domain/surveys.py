"""Paper surveys (Decidim's "enquêtes", offline): questions, returned forms, and their summary.

Pure rules: which answers a read form gives, what is left to a person (never guessed), and the
totals. A form whose reading is in doubt counts only once a person has decided it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.domain.models import RecordMeta
from app.errors import UserError
from app.i18n import N_, _

MAX_QUESTIONS = 8
MAX_OPTIONS = 8
MAX_BOXES = 30
SCALE = (1, 2, 3, 4, 5)
PAGE_DOUBT = "page"  # the whole form must be looked at (faint marks, a circled answer...)


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"


KIND_LABELS: dict[QuestionKind, str] = {
    QuestionKind.SINGLE: N_("Choix unique"),
    QuestionKind.MULTIPLE: N_("Choix multiple"),
    QuestionKind.SCALE: N_("Échelle de 1 à 5"),
    QuestionKind.TEXT: N_("Texte libre"),
}


class ResponseStatus(StrEnum):
    READ = "read"
    TO_REVIEW = "to_review"
    REVIEWED = "reviewed"


@dataclass(frozen=True)
class SurveyQuestion:
    id: str
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    low_label: str = ""
    high_label: str = ""

    def choices(self) -> tuple[str, ...]:
        if self.kind is QuestionKind.SCALE:
            return tuple(str(n) for n in SCALE)
        return () if self.kind is QuestionKind.TEXT else self.options

    @property
    def one_answer(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.SCALE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "text": self.text,
            "options": list(self.options),
            "low_label": self.low_label,
            "high_label": self.high_label,
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> SurveyQuestion:
        return SurveyQuestion(
            str(data["id"]),
            QuestionKind(data["kind"]),
            str(data["text"]),
            tuple(str(o) for o in data.get("options") or ()),
            str(data.get("low_label", "")),
            str(data.get("high_label", "")),
        )


@dataclass(frozen=True)
class Survey:
    meta: RecordMeta
    campaign_id: str
    number: int
    title: str
    intro: str
    questions: tuple[SurveyQuestion, ...]
    template_hash: str

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def printed(self) -> bool:
        return bool(self.template_hash)


@dataclass(frozen=True)
class SurveyResponse:
    """One returned form. `answers` maps a question id to the option numbers ticked (from 1)."""

    meta: RecordMeta
    survey_id: str
    status: ResponseStatus
    answers: Mapping[str, tuple[int, ...]]
    doubts: tuple[str, ...]
    text_image: str
    text_transcript: str
    file_sha256: str
    page: int
    source: str = ""  # the scan's file name, to find the paper form again

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestion
    answered: int
    counts: tuple[int, ...]  # per choice, in printed order
    mean: float | None  # scale questions only
    texts: int  # free-text answers kept as images


@dataclass(frozen=True)
class SurveyResults:
    """A survey's summary for the dashboard and the evaluation report."""

    survey_id: str
    number: int
    title: str
    forms: int  # counted: read, or decided by a person
    to_review: int  # waiting for a person: not in the totals
    questions: tuple[QuestionResult, ...]


def check_questions(questions: Sequence[SurveyQuestion]) -> tuple[SurveyQuestion, ...]:
    """Clean texts, number the questions q1, q2... and refuse what cannot go on one form."""
    if not questions:
        raise UserError(_("Ajoutez au moins une question."), field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise UserError(
            _("{n} questions : un questionnaire en a au plus {max}.").format(
                n=len(questions), max=MAX_QUESTIONS
            ),
            field="questions",
        )
    out = [_check_one(q, n) for n, q in enumerate(questions, start=1)]
    if sum(q.kind is QuestionKind.TEXT for q in out) > 1:
        raise UserError(_("Un seul cadre de texte libre par questionnaire."), field="questions")
    boxes = sum(len(q.choices()) for q in out)
    if boxes > MAX_BOXES:
        raise UserError(
            _("{n} cases à cocher : un questionnaire en contient au plus {max}.").format(
                n=boxes, max=MAX_BOXES
            ),
            field="questions",
        )
    return tuple(out)


def _check_one(q: SurveyQuestion, n: int) -> SurveyQuestion:
    text = " ".join(q.text.split())
    if not text:
        raise UserError(_("La question {n} n'a pas de texte.").format(n=n), field="questions")
    if len(text) > 200:
        raise UserError(
            _("La question {n} est trop longue (200 caractères au plus).").format(n=n),
            field="questions",
        )
    options = tuple(" ".join(o.split()) for o in q.options if o.strip())
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise UserError(
                _("La question {n} doit proposer entre 2 et {max} réponses.").format(
                    n=n, max=MAX_OPTIONS
                ),
                field="questions",
            )
        if any(len(o) > 80 for o in options):
            raise UserError(
                _("Question {n} : une réponse dépasse 80 caractères.").format(n=n),
                field="questions",
            )
    else:
        options = ()
    return SurveyQuestion(
        f"q{n}", QuestionKind(q.kind), text, options, q.low_label.strip()[:30],
        q.high_label.strip()[:30],
    )  # fmt: skip


@dataclass(frozen=True)
class BoxRead:
    """What the reader decided for one box: `question.option` id and marked/unmarked/review."""

    box_id: str
    decision: str


def answers_from_marks(
    questions: Sequence[SurveyQuestion], boxes: Iterable[BoxRead], page_in_doubt: bool
) -> tuple[dict[str, tuple[int, ...]], tuple[str, ...]]:
    """The answers a form gives, and the questions a person must decide.

    A question with a doubtful box, or two ticks where one answer is expected, is left
    unanswered and listed in the doubts: nothing is chosen for the resident.
    """
    marked: dict[str, list[int]] = {}
    doubtful: set[str] = set()
    for box in boxes:
        question, _sep, option = box.box_id.partition(".")
        if box.decision == "review":
            doubtful.add(question)
        elif box.decision == "marked":
            marked.setdefault(question, []).append(int(option))
    answers: dict[str, tuple[int, ...]] = {}
    doubts: list[str] = [PAGE_DOUBT] if page_in_doubt else []
    for q in questions:
        ticks = tuple(sorted(marked.get(q.id, ())))
        if q.id in doubtful or (q.one_answer and len(ticks) > 1):
            doubts.append(q.id)
        elif ticks:
            answers[q.id] = ticks
    return answers, tuple(doubts)


def check_decision(
    questions: Sequence[SurveyQuestion], answers: Mapping[str, Sequence[int]]
) -> dict[str, tuple[int, ...]]:
    """A person's decision on a form: known questions, real options, one answer where due."""
    by_id = {q.id: q for q in questions}
    out: dict[str, tuple[int, ...]] = {}
    for qid, ticks in answers.items():
        q = by_id.get(qid)
        if q is None:
            raise UserError(_("Question inconnue : {id}.").format(id=qid), field="answers")
        chosen = tuple(sorted(set(int(t) for t in ticks)))
        if any(not 1 <= t <= len(q.choices()) for t in chosen):
            raise UserError(
                _("Question {id} : réponse hors des choix proposés.").format(id=qid),
                field="answers",
            )
        if q.one_answer and len(chosen) > 1:
            raise UserError(
                _("Question {id} : une seule réponse possible.").format(id=qid), field="answers"
            )
        if chosen:
            out[qid] = chosen
    return out


def summarise(survey: Survey, responses: Sequence[SurveyResponse]) -> SurveyResults:
    counted = [r for r in responses if r.status is not ResponseStatus.TO_REVIEW]
    results = []
    for q in survey.questions:
        counts = [0] * len(q.choices())
        answered = 0
        for r in counted:
            ticks = r.answers.get(q.id, ())
            answered += bool(ticks)
            for t in ticks:
                counts[t - 1] += 1
        mean = None
        if q.kind is QuestionKind.SCALE and answered:
            mean = sum((i + 1) * c for i, c in enumerate(counts)) / answered
        texts = sum(bool(r.text_image) for r in counted) if q.kind is QuestionKind.TEXT else 0
        results.append(QuestionResult(q, answered, tuple(counts), mean, texts))
    return SurveyResults(
        survey.id, survey.number, survey.title, len(counted), len(responses) - len(counted),
        tuple(results),
    )  # fmt: skip
