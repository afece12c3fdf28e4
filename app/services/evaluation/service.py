"""`EvaluationService`: the "Préconisations" text and the evaluation report PDF.

Other capabilities feed the report through `extra_sources` (the hot line, the paper surveys):
each is a callable returning `ExtraFigures` (plain rows) or None when it has nothing; the
report then says "Aucune donnée" in that section. They are registered by `open_services`, so
that this module imports none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.domain.dates import local_moment, utc_now
from app.errors import UserError
from app.i18n import _, language
from app.services.base import Service, get_live
from app.services.dashboard import DashboardService
from app.services.evaluation.build import build_report
from app.services.evaluation.facts import (
    ExtraFigures,
    consented_by_residence,
    decisions,
)
from app.services.printing import files, specs
from app.storage.tables import CampaignRow
from app.storage.uow import UnitOfWork
from ballots.evaluation import EvaluationReport, render_evaluation

log = logging.getLogger(__name__)
MAX_RECOMMENDATIONS = 20_000


ExtraSource = Callable[[], ExtraFigures | None]


class EvaluationService(Service):
    def __init__(self, uow: UnitOfWork, dashboard: DashboardService) -> None:
        super().__init__(uow)
        self.dashboard = dashboard
        # "hotline" and "surveys" (see the module's docstring)
        self.extra_sources: dict[str, ExtraSource] = {}

    def recommendations(self) -> str:
        campaign_id = self.active_campaign_id()
        with self.uow() as s:
            return get_live(s, CampaignRow, campaign_id, _("Campagne")).recommendations or ""

    def set_recommendations(self, text: str) -> str:
        """Keep the consultant's recommendations (plain text; "- " starts a bullet)."""
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_RECOMMENDATIONS:
            raise UserError(
                _("Les préconisations dépassent {n} caractères : raccourcissez-les.").format(
                    n=MAX_RECOMMENDATIONS
                ),
                field="recommendations",
            )
        campaign_id = self.active_campaign_id()
        with self.uow() as s:
            row = get_live(s, CampaignRow, campaign_id, _("Campagne"))
            row.recommendations = text
            s.commit()
        return text

    def report(self, today: date | None = None) -> EvaluationReport:
        """The whole report as plain blocks (what `write_report` draws)."""
        board = self.dashboard.overview(today)
        results = self.dashboard.results() if board.totals.counts else ()
        with self.uow() as s:
            row = get_live(s, CampaignRow, board.campaign_id, _("Campagne"))
            facts = (
                row.organiser,
                row.recommendations or "",
                decisions(s, board.campaign_id),
                consented_by_residence(s, board.campaign_id),
            )
            issued = today or local_moment(utc_now(), row.timezone).date()
        extra = {key: source() for key, source in self.extra_sources.items()}
        return build_report(board, results, *facts, extra=extra, issued=issued)

    def write_report(self, path: Path, *, summary: bool = False, today: date | None = None) -> Path:
        """Write the report (or the one-page summary for the landlord's board) to `path`."""
        path = files.check_target(Path(path))
        report = self.report(today)
        with specs.printed_language(language()), specs.library_errors():
            render_evaluation(report, path, summary_only=summary)
        log.info("evaluation report written to %s", path)
        return path
