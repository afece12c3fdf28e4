"""Paper surveys: compose, print (the ballots' page furniture), read back with the ballot reader.

Reading uses the same `scanner` as the count, on a context made of this campaign's printed
survey layouts: a ballot, or a form of another campaign, is refused with a clear message; a
doubtful form waits for a person (`review`), never counted on a guess. The free-text zone is
kept as a PNG under `surveys/` in the data folder, for a person to read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import surveys as d
from app.errors import CancelFlag, Cancelled, UserError
from app.i18n import _
from app.services.base import Service, get_live, library_errors
from app.services.files import sha256_file
from app.storage import mappers
from app.storage.consultant_tables import SurveyResponseRow, SurveyRow
from app.storage.tables import CampaignRow
from app.storage.uow import UnitOfWork
from ballots import survey as paper
from ballots.layout import layout_to_json
from ballots.model import Campaign

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
INK_FRACTION = 0.004
QUESTION_REASONS = frozenset(
    {"too_many_choices", "mark_near_title"}
)  # of the free-text zone darker than mid-grey: something is written


@dataclass(frozen=True)
class RefusedPage:
    file: str
    page: int
    message: str


@dataclass(frozen=True)
class ReadReport:
    """What a batch of returned forms gave: recorded, waiting for a person, refused."""

    pages: int
    recorded: int
    to_review: int
    duplicates: int
    blank: int
    refused: tuple[RefusedPage, ...]


def _survey(row: SurveyRow) -> d.Survey:
    return d.Survey(
        meta=mappers.meta(row),
        campaign_id=row.campaign_id,
        number=row.number,
        title=row.title,
        intro=row.intro,
        questions=tuple(d.SurveyQuestion.from_dict(q) for q in row.questions or ()),
        template_hash=row.template_hash,
    )


def _response(row: SurveyResponseRow) -> d.SurveyResponse:
    return d.SurveyResponse(
        meta=mappers.meta(row),
        survey_id=row.survey_id,
        status=d.ResponseStatus(row.status),
        answers={k: tuple(int(x) for x in v) for k, v in (row.answers or {}).items()},
        doubts=tuple(str(x) for x in row.doubts or ()),
        text_image=row.text_image,
        text_transcript=row.text_transcript,
        file_sha256=row.file_sha256,
        page=row.page,
        source=row.source,
    )


def _paper_spec(campaign: CampaignRow, survey: d.Survey) -> paper.SurveySpec:
    return paper.SurveySpec(
        campaign=Campaign(campaign.id, campaign.short_code, campaign.name),
        number=survey.number,
        title=survey.title,
        intro=survey.intro,
        questions=tuple(
            paper.SurveyQuestion(
                q.id,
                paper.QuestionKind(q.kind.value),
                q.text,
                q.options,
                q.low_label,
                q.high_label,
            )  # fmt: skip
            for q in survey.questions
        ),
    )


class SurveyService(Service):
    def __init__(self, uow: UnitOfWork, data_dir: Path) -> None:
        super().__init__(uow)
        self.data_dir = Path(data_dir)

    # --- composing --------------------------------------------------------------------------

    def create(
        self, title: str, questions: Sequence[d.SurveyQuestion], intro: str = ""
    ) -> d.Survey:
        campaign_id = self.active_campaign_id()
        checked = d.check_questions(questions)
        name = _clean_title(title)
        with self.uow() as session:
            number = 1 + (
                session.scalar(
                    select(func.max(SurveyRow.number)).where(SurveyRow.campaign_id == campaign_id)
                )
                or 0
            )
            row = SurveyRow(
                campaign_id=campaign_id, number=number, title=name, intro=intro.strip()[:300],
                questions=[q.to_dict() for q in checked], layout_json="", template_hash="",
            )  # fmt: skip
            session.add(row)
            session.flush()
            self._check_fits(session, _survey(row))
            return _survey(row)

    def update(
        self, survey_id: str, title: str, questions: Sequence[d.SurveyQuestion], intro: str = ""
    ) -> d.Survey:
        """Change a survey not yet printed (a printed form must stay readable as printed)."""
        checked = d.check_questions(questions)
        with self.uow() as session:
            row = get_live(session, SurveyRow, survey_id, _("Questionnaire"))
            if row.template_hash:
                raise UserError(
                    _("Ce questionnaire est déjà imprimé : créez-en un nouveau pour le modifier.")
                )
            row.title, row.intro = _clean_title(title), intro.strip()[:300]
            row.questions = [q.to_dict() for q in checked]
            session.flush()
            self._check_fits(session, _survey(row))
            return _survey(row)

    def _check_fits(self, session: Session, survey: d.Survey) -> None:
        campaign = get_live(session, CampaignRow, survey.campaign_id, _("Campagne"))
        with library_errors():
            paper.prepare_survey(_paper_spec(campaign, survey))

    def list_surveys(self) -> list[d.Survey]:
        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            rows = session.scalars(
                select(SurveyRow)
                .where(SurveyRow.campaign_id == campaign_id, SurveyRow.deleted_at.is_(None))
                .order_by(SurveyRow.number)
            )
            return [_survey(r) for r in rows]

    def get(self, survey_id: str) -> d.Survey:
        with self.uow() as session:
            return _survey(get_live(session, SurveyRow, survey_id, _("Questionnaire")))

    def find(self, number_or_id: str) -> d.Survey:
        for survey in self.list_surveys():
            if number_or_id in (survey.id, str(survey.number)):
                return survey
        raise UserError(_("Questionnaire introuvable : {x}.").format(x=number_or_id))

    # --- printing ---------------------------------------------------------------------------

    def print_forms(
        self,
        survey_id: str,
        out: Path,
        count: int,
        *,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> Path:
        """Print `count` forms; the first print fixes the layout the reader will expect."""
        with self.uow() as session:
            row = get_live(session, SurveyRow, survey_id, _("Questionnaire"))
            campaign = get_live(session, CampaignRow, row.campaign_id, _("Campagne"))
            with library_errors():
                prepared = paper.prepare_survey(_paper_spec(campaign, _survey(row)))
            if row.template_hash and row.template_hash != prepared.layout.template_hash:
                raise UserError(
                    _("La mise en page de ce questionnaire a changé depuis son impression.")
                )
            key = bytes(campaign.secret_key)
            if not row.template_hash:
                row.layout_json = layout_to_json(prepared.layout)
                row.template_hash = prepared.layout.template_hash
        with library_errors():
            paper.render_survey(
                prepared, Path(out), key=key, count=count, progress=progress, cancel=cancel
            )
        return Path(out)

    # --- reading ----------------------------------------------------------------------------

    def read_forms(
        self,
        paths: Sequence[Path],
        *,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> ReadReport:
        """Read returned forms (scans, photos, PDFs) with the ballot reader and record them."""
        from scanner.batch import stream_files
        from scanner.context import ReadContext
        from scanner.loading import page_total

        campaign_id = self.active_campaign_id()
        with self.uow() as session:
            campaign = get_live(session, CampaignRow, campaign_id, _("Campagne"))
            rows = session.scalars(
                select(SurveyRow).where(
                    SurveyRow.campaign_id == campaign_id,
                    SurveyRow.deleted_at.is_(None),
                    SurveyRow.template_hash != "",
                )
            ).all()
            layouts = {r.template_hash: (r.id, r.layout_json) for r in rows}
            key = bytes(campaign.secret_key)
        if not layouts:
            raise UserError(_("Aucun questionnaire imprimé : imprimez-en un avant de lire."))

        ctx = ReadContext.create([json.loads(j) for _id, j in layouts.values()], key, mode="live")
        total = sum(max(1, page_total(p)) for p in paths)
        tally = _Tally()
        for n, reading in enumerate(stream_files([str(p) for p in paths], ctx), start=1):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            self._record(reading, layouts, tally)
            if progress is not None:
                progress(n, max(n, total))
        return tally.report()

    def _record(self, reading: object, layouts: dict[str, tuple[str, str]], tally: _Tally) -> None:
        from scanner.result import BLANK, NEEDS_REVIEW, REJECTED, PageReading

        assert isinstance(reading, PageReading)
        tally.pages += 1
        if reading.status == BLANK:
            tally.blank += 1
            return
        if reading.status == REJECTED or reading.template_hash not in layouts:
            tally.refused.append(RefusedPage(reading.file, reading.page, refusal(reading.reasons)))
            return
        survey_id = layouts[reading.template_hash or ""][0]
        with self.uow() as session:
            seen = session.scalar(
                select(func.count()).select_from(SurveyResponseRow).where(
                    SurveyResponseRow.survey_id == survey_id,
                    SurveyResponseRow.file_sha256 == reading.file_sha256,
                    SurveyResponseRow.page == reading.page,
                    SurveyResponseRow.deleted_at.is_(None),
                )
            )  # fmt: skip
            if seen:
                tally.duplicates += 1
                return
            survey = _survey(get_live(session, SurveyRow, survey_id, _("Questionnaire")))
            boxes = [d.BoxRead(m.project_id, m.decision) for m in reading.marks]
            # Two ticks on a question and a mark near a title are doubts of one question;
            # anything else the reader flags (faint marks...) puts the whole form in doubt.
            page_doubt = reading.status == NEEDS_REVIEW and bool(
                set(reading.reasons) - QUESTION_REASONS
            )
            answers, doubts = d.answers_from_marks(survey.questions, boxes, page_doubt)
            row = SurveyResponseRow(
                survey_id=survey_id, file_sha256=reading.file_sha256, page=reading.page,
                source=Path(reading.file).name[:300],
                status=(d.ResponseStatus.TO_REVIEW if doubts else d.ResponseStatus.READ).value,
                answers={k: list(v) for k, v in answers.items()}, doubts=list(doubts),
                text_image="", text_transcript="",
            )  # fmt: skip
            session.add(row)
            session.flush()
            row.text_image = self._keep_text(survey, row.id, reading.zones)
            row.text_image_sha256 = (
                sha256_file(self.data_dir / row.text_image) if row.text_image else ""
            )
        tally.recorded += 1
        tally.to_review += bool(doubts)

    def _keep_text(self, survey: d.Survey, response_id: str, zones: Sequence[object]) -> str:
        """Write the free-text zone's image when something is written in it; its path
        relative to the data folder (empty when the zone is blank)."""
        for zone in zones:
            png: bytes = zone.png  # type: ignore[attr-defined]
            if not has_ink(png):
                continue
            rel = Path("surveys") / f"questionnaire-{survey.number}" / f"{response_id}.png"
            target = self.data_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(png)
            return rel.as_posix()
        return ""

    # --- review and results -----------------------------------------------------------------

    def responses(
        self, survey_id: str, status: d.ResponseStatus | None = None
    ) -> list[d.SurveyResponse]:
        with self.uow() as session:
            query = select(SurveyResponseRow).where(
                SurveyResponseRow.survey_id == survey_id, SurveyResponseRow.deleted_at.is_(None)
            )
            if status is not None:
                query = query.where(SurveyResponseRow.status == status.value)
            rows = session.scalars(query.order_by(SurveyResponseRow.created_at))
            return [_response(r) for r in rows]

    def review(
        self, response_id: str, answers: dict[str, Sequence[int]], transcript: str | None = None
    ) -> d.SurveyResponse:
        """A person's decision on a form: these answers count, the doubts are closed."""
        with self.uow() as session:
            row = get_live(session, SurveyResponseRow, response_id, _("Formulaire"))
            survey = _survey(get_live(session, SurveyRow, row.survey_id, _("Questionnaire")))
            row.answers = {
                k: list(v) for k, v in d.check_decision(survey.questions, answers).items()
            }
            row.status = d.ResponseStatus.REVIEWED.value
            if transcript is not None:
                row.text_transcript = transcript.strip()[:5000]
            session.flush()
            return _response(row)

    def transcribe(self, response_id: str, text: str) -> d.SurveyResponse:
        with self.uow() as session:
            row = get_live(session, SurveyResponseRow, response_id, _("Formulaire"))
            row.text_transcript = text.strip()[:5000]
            session.flush()
            return _response(row)

    def image_path(self, response: d.SurveyResponse) -> Path | None:
        return self.data_dir / response.text_image if response.text_image else None

    def results(self, survey_id: str) -> d.SurveyResults:
        """Totals per question (forms in doubt are not counted until a person decides)."""
        return d.summarise(self.get(survey_id), self.responses(survey_id))


@dataclass
class _Tally:
    pages: int = 0
    recorded: int = 0
    to_review: int = 0
    duplicates: int = 0
    blank: int = 0

    def __post_init__(self) -> None:
        self.refused: list[RefusedPage] = []

    def report(self) -> ReadReport:
        return ReadReport(
            self.pages, self.recorded, self.to_review, self.duplicates, self.blank,
            tuple(self.refused),
        )  # fmt: skip


def _clean_title(title: str) -> str:
    from app.domain.validation import required_text

    return required_text(title, "title", _("Le titre du questionnaire"))


def refusal(reasons: Sequence[str]) -> str:
    """Why a page was not recorded, in French: another campaign's form said plainly."""
    from scanner.reasons import message

    codes = set(reasons)
    if codes & {"wrong_campaign", "qr_mac_invalid"}:
        return _("Ce formulaire vient d'une autre campagne : il n'est pas enregistré.")
    if "layout_unknown" in codes or not codes:
        return _(
            "Ce n'est pas un questionnaire imprimé pour cette campagne (un bulletin de vote ?) : "
            "il n'est pas enregistré."
        )
    return " ".join(_(message(code)) for code in reasons if _known(code))


def _known(code: str) -> bool:
    from scanner.reasons import Reason

    try:
        Reason(code)
    except ValueError:
        return False
    return True


def has_ink(png: bytes) -> bool:
    """Is anything written in a free-text zone (its printed outline left aside)?"""
    grey = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if grey is None or grey.size == 0:
        return False
    h, w = grey.shape
    m = max(4, min(h, w) // 12)
    core = grey[m : h - m, m : w - m]
    return bool(core.size) and float((core < 128).mean()) > INK_FRACTION
