"""The official count report (procès-verbal de dépouillement) of a sealed session.

Gathers the session, its reconciliation and tally, the results by the declared rule and the
seal (head hash, slip code, key fingerprint) into the plain data of `ballots.report`, then
writes the PDF atomically and records the export in the session's log (`export_created`, the
only entry allowed after the seal). Results are the residence's when this session is its only
count; a multi-box residence shows the combined results, a test count its own.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from app.domain import rules
from app.domain.audit import EventType
from app.domain.audit.slip import slip_code
from app.domain.dates import local_moment, utc_offset
from app.errors import UserError
from app.i18n import _
from app.services.base import library_errors
from app.services.counting.context import campaign_templates
from app.services.counting.description import describe
from app.services.counting.election import signed_description
from app.services.counting.log import Writer, load_entries
from app.services.counting.read import outcomes
from app.services.counting.seal import campaign_rule
from ballots.report import CountReport, Reconciliation, ReportProject, render_count_report

if TYPE_CHECKING:
    from app.domain.counting.models import CountSession
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def _name(pid: str, numbers: dict[str, Any]) -> str:
    number = numbers.get(pid)
    return f"n° {number}" if number is not None else pid[:8]


def _tie_text(order: Any, criterion: str, numbers: dict[str, Any]) -> str:
    names = ", ".join(_name(p, numbers) for p in order)
    return _("Égalité entre les projets {names}, départagée ainsi : {how}.").format(
        names=names, how=rules.tie_label(rules.TieCriterion(criterion))
    )


def _tie_break(results: dict[str, Any]) -> str:
    text = _(
        "le projet le moins cher d'abord, puis celui soutenu par le plus de votants, puis "
        "l'ordre d'un tirage au sort public"
    )
    lot = [p for p in results["lot_order"] if p in results["numbers"]]
    if lot:
        order = ", ".join(_name(p, results["numbers"]) for p in lot)
        text += " " + _("(ordre tiré : {order})").format(order=order)
    return text


class CountReports:
    """The count report of a sealed session, as data and as PDF (`Services.count_report`)."""

    def __init__(
        self, *, campaigns: CampaignService, counting: CountingService, uow: UnitOfWork
    ) -> None:
        self.campaigns = campaigns
        self.counting = counting
        self.uow = uow

    def build_count_report(self, session_id: str) -> CountReport:
        """The report's data; refused while the session is not sealed."""
        session = self.counting.get_session(session_id)
        if not session.sealed:
            raise UserError(
                _("La session n'est pas scellée : le procès-verbal s'établit après le scellement.")
            )
        campaign = self.campaigns.get_campaign(session.campaign_id)
        zone = ZoneInfo(campaign.timezone or "Europe/Paris")
        status = self.counting.status(session_id)
        seal = self._seal_entry(session_id)
        results, notes = self._results(session)
        t = status.tally
        rec = session.reconciliation
        return CountReport(
            campaign=campaign.name,
            residence=session.residence_name,
            officer=session.officer,
            witnesses=session.witnesses,
            opened_at=_local(session.opened_at, zone),
            closed_at=_local(session.sealed_at, zone) if session.sealed_at else None,
            zone=utc_offset(local_moment(session.sealed_at or session.opened_at, str(zone))),
            session_id=session.id,
            test_mode=session.mode == "test",
            reconciliation=Reconciliation(rec.printed, rec.handed_out, rec.returned, rec.spoiled,
                                          rec.note),  # fmt: skip
            valid=t.valid, blank=t.blank, invalid=t.invalid, set_aside=t.set_aside,
            rejected=t.rejected, hand_keyed=t.hand_keyed,
            budget_cents=int(results["budget_cents"]),
            spent_cents=int(results["spent_cents"]),
            rule=rules.rule_label(rules.ResultsRule(results["rule"])),
            threshold=int(results["threshold"]),
            tie_break=_tie_break(results),
            ties=tuple(results["ties"]),
            projects=tuple(results["projects"]),
            sealed_hash=seal.hash,
            sealed_seq=seal.seq,
            seal_code=slip_code(seal, session_id),
            key_fingerprint=session.key_fingerprint,
            notes=tuple(notes),
            dwellings=self.campaigns.get_residence(session.residence_id).dwellings,
        )  # fmt: skip

    def write_count_report(self, session_id: str, out: Path) -> Path:
        """Write the report PDF (temporary file, then rename) and log its export."""
        report = self.build_count_report(session_id)
        out = Path(out)
        try:
            with library_errors():  # disk full, read-only folder: already said in French
                render_count_report(report, out)
        except OSError as error:
            raise UserError(
                _("Impossible d'écrire le procès-verbal {path} : {error}").format(
                    path=out, error=error.strerror or error
                )
            ) from error
        self._record_export(session_id, out)
        return out

    def _seal_entry(self, session_id: str) -> Any:
        with self.uow() as s:
            entries = load_entries(s, session_id)
        for entry in reversed(entries):
            if entry.event is EventType.SESSION_SEALED:
                return entry
        raise UserError(_("Le journal de la session ne contient pas de scellement."))

    def _results(self, session: CountSession) -> tuple[dict[str, Any], list[str]]:
        res = self.counting.results(session.residence_id)
        if session.id in res.sessions:
            notes = []
            if len(res.sessions) > 1:
                notes.append(
                    _(
                        "Résultats de la résidence, toutes urnes confondues ({n} dépouillements)."
                    ).format(n=len(res.sessions))
                )
            numbers = {p.project_id: p.number for p in res.projects}
            return {
                "budget_cents": res.budget_cents,
                "spent_cents": res.spent_cents,
                "rule": res.rule,
                "threshold": res.threshold,
                "lot_order": self._lot_order(session.campaign_id),
                "numbers": numbers,
                "ties": [_tie_text(t["order"], t["criterion"], numbers) for t in res.ties],
                "projects": [
                    ReportProject(
                        p.number,
                        p.title,
                        p.cost_cents,
                        p.votes,
                        p.status_label,
                        p.status == rules.Status.FUNDED.value,
                    )
                    for p in res.projects
                ],  # fmt: skip
            }, notes
        return self._own_results(session), [_("Résultats de ce seul dépouillement.")]

    def _own_results(self, session: CountSession) -> dict[str, Any]:
        """The declared rule run on this session's ballots alone (a test count), with the election
        description its log signed (the database's for a session opened before it was signed)."""
        with self.uow() as s:
            doc = signed_description(load_entries(s, session.id)) or describe(
                s, session.residence_id
            )
            _sheets, _d, outs = outcomes(s, session.id, campaign_templates(s, session.campaign_id))
        ballots = tuple(frozenset(o.choices) for o in outs if o.outcome == "valid" and o.choices)
        info = {p["project_id"]: p for p in doc["projects"]}
        options = rules.Options(
            rule=rules.ResultsRule(doc["rule"]), threshold=doc["threshold"],
            lot_order=tuple(doc["lot_order"]), **doc["options"],
        )  # fmt: skip
        election = rules.Election(
            Fraction(doc["budget_cents"]),
            tuple(rules.Project(p, Fraction(i["cost_cents"]), i["title"]) for p, i in info.items()),
            ballots,
            currency_unit=rules.CENTS_PER_UNIT,
        )
        outcome = rules.run_rule(election, options)
        numbers = {p: i["number"] for p, i in info.items()}
        return {
            "budget_cents": doc["budget_cents"],
            "spent_cents": int(outcome.spent),
            "rule": doc["rule"],
            "threshold": doc["threshold"],
            "lot_order": doc["lot_order"],
            "numbers": numbers,
            "ties": [_tie_text(t.order, t.criterion.value, numbers) for t in outcome.decisive_ties],
            "projects": [
                ReportProject(
                    numbers.get(p.project_id),
                    info[p.project_id]["title"],
                    int(p.cost),
                    p.votes,
                    rules.status_label(p.status),
                    p.status is rules.Status.FUNDED,
                )
                for p in outcome.projects
            ],  # fmt: skip
        }

    def _lot_order(self, campaign_id: str) -> list[str]:
        with self.uow() as s:
            row = campaign_rule(s, campaign_id)
            return list(row.lot_order or ()) if row else []

    def _record_export(self, session_id: str, out: Path) -> None:
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        svc = self.counting
        with svc.uow() as s:
            officer = svc.get_session(session_id).officer
            w = Writer(s, session_id, svc.log.head(s, session_id), officer)
            w.append(
                EventType.EXPORT_CREATED,
                {"kind": "report_pdf", "file_sha256": digest, "file_name": out.name[:200]},
            )
        if w.head is not None:
            svc.log.committed(session_id, w.head, w.entries)
        log.info("count report of session %s written to %s", session_id, out)

    def export_report(self, residence_id: str, out: Path) -> Path:
        """The procès-verbal of a residence: its most recent sealed count session.

        A report is an official record, so it exists only once the count is sealed.
        """
        sealed = [
            s
            for s in self.counting.list_sessions(residence_id)
            if s.sealed and not s.superseded_by and s.mode == "live"
        ]
        if not sealed:
            raise UserError(
                _(
                    "Le procès-verbal se prépare après le scellement du dépouillement de cette "
                    "résidence : terminez les bulletins à revoir, puis scellez la session."
                )
            )
        newest = max(sealed, key=lambda s: s.sealed_at or s.opened_at)
        return self.write_count_report(newest.id, out)
