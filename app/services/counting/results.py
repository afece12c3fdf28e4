"""Results of a residence: the tally of its counts and the funded projects by the declared rule.

The figures add up every current count of the residence (one per ballot box; a session that
was reopened counts through its successor). The rule is the campaign's declared one (default
"most votes within budget"), run by `app.domain.rules` on exact numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import rules
from app.domain.counting import models as cm
from app.domain.counting.tally import tally as compute_tally
from app.domain.models import ProjectStatus
from app.errors import UserError
from app.i18n import _
from app.services.base import get_live
from app.services.counting.context import campaign_templates
from app.services.counting.core import CountingCore
from app.services.counting.description import ballot_projects, sync_election
from app.services.counting.guard import check_residence_sessions
from app.services.counting.read import counts_now, outcomes
from app.services.counting.seal import campaign_rule
from app.storage.count_tables import CountSessionRow, ResultsRuleRow
from app.storage.tables import ProjectRow, ResidenceRow

log = logging.getLogger(__name__)

RULES = tuple(r.value for r in rules.ResultsRule)
# Equal Shares options a campaign may declare (stored in ResultsRuleRow.options beside "lot_seed")
OPTION_KEYS = ("add1", "add1_exhaustive_stop", "top_up", "compare_with_greedy")


@dataclass(frozen=True)
class ProjectLine:
    project_id: str
    number: int | None
    title: str
    source_id: str
    cost_cents: int
    votes: int
    status: str
    status_label: str


@dataclass(frozen=True)
class ResidenceResults:
    residence_id: str
    residence_name: str
    budget_cents: int
    rule: str
    rule_label: str
    threshold: int
    sessions: tuple[str, ...]
    all_sealed: bool
    tally: cm.Tally
    selected: tuple[str, ...]
    spent_cents: int
    projects: tuple[ProjectLine, ...]  # in decision order
    ties: tuple[dict[str, Any], ...]
    reopened: tuple[str, ...] = ()  # reopenings still open: the sealed figures stand meanwhile
    equal_shares: Any = None  # rules' Equal Shares details (shares, payments) for that rule

    def as_dict(self) -> dict[str, Any]:
        t = self.tally
        return {
            "residence_id": self.residence_id,
            "residence": self.residence_name,
            "budget_cents": self.budget_cents,
            "rule": self.rule,
            "threshold": self.threshold,
            "sessions": list(self.sessions),
            "sealed": self.all_sealed,
            "valid": t.valid,
            "blank": t.blank,
            "invalid": t.invalid,
            "set_aside": t.set_aside,
            "rejected": t.rejected,
            "review": t.pending,
            "selected": list(self.selected),
            "spent_cents": self.spent_cents,
            "projects": [
                {
                    "project_id": p.project_id,
                    "number": p.number,
                    "title": p.title,
                    "source_id": p.source_id,
                    "cost_cents": p.cost_cents,
                    "votes": p.votes,
                    "status": p.status,
                }
                for p in self.projects
            ],
            "ties": list(self.ties),
            "reopened": list(self.reopened),
        }


def _sessions(s: Session, residence_id: str) -> list[CountSessionRow]:
    return list(
        s.scalars(
            select(CountSessionRow)
            .where(
                CountSessionRow.residence_id == residence_id,
                CountSessionRow.deleted_at.is_(None),
                counts_now(),
                CountSessionRow.mode == "live",
            )
            .order_by(CountSessionRow.opened_at)
        )
    )


def _open_reopenings(s: Session, residence_id: str) -> tuple[str, ...]:
    return tuple(
        s.scalars(
            select(CountSessionRow.id)
            .where(
                CountSessionRow.residence_id == residence_id,
                CountSessionRow.deleted_at.is_(None),
                CountSessionRow.parent_session_id.is_not(None),
                CountSessionRow.sealed_at.is_(None),
                CountSessionRow.mode == "live",
            )
            .order_by(CountSessionRow.opened_at)
        )
    )


def _options(row: ResultsRuleRow | None, known: set[str]) -> rules.Options:
    if row is None:
        return rules.Options()
    extra = dict(row.options or {})
    return rules.Options(
        rule=rules.ResultsRule(row.rule),
        threshold=row.threshold,
        lot_order=tuple(p for p in (row.lot_order or ()) if p in known),
        **{k: v for k, v in extra.items() if k in OPTION_KEYS},
    )


def _run(
    residence: ResidenceRow,
    projects: dict[str, dict[str, Any]],
    ballots: tuple[frozenset[str], ...],
    options: rules.Options,
) -> rules.Outcome:
    try:
        election = rules.Election(
            budget=Fraction(residence.budget_cents),
            projects=tuple(
                rules.Project(
                    pid, Fraction(int(info.get("cost_cents") or 0)), str(info.get("title", ""))
                )
                for pid, info in projects.items()
            ),
            ballots=ballots,
            currency_unit=rules.CENTS_PER_UNIT,
        )
        return rules.run_rule(election, options)
    except rules.RulesError as error:
        raise UserError(str(error)) from error


def _line(result: rules.ProjectResult, info: dict[str, Any]) -> ProjectLine:
    number = info.get("number")
    return ProjectLine(
        project_id=result.project_id,
        number=int(number) if isinstance(number, int) else None,
        title=str(info.get("title", result.name)),
        source_id=str(info.get("source_id", "") or ""),
        cost_cents=int(result.cost),
        votes=result.votes,
        status=result.status.value,
        status_label=rules.status_label(result.status),
    )


def _locked_reason(s: Session, campaign_id: str) -> str:
    """Why the rule can no longer change ("" when it can)."""
    live = (CountSessionRow.campaign_id == campaign_id, CountSessionRow.mode == "live")
    if s.scalars(
        select(CountSessionRow.id).where(*live, CountSessionRow.sealed_at.is_not(None))
    ).first():
        return _(
            "La règle de résultats ne peut plus changer : un dépouillement de la "
            "campagne est déjà scellé. Elle se déclare avant le dépouillement."
        )
    open_id = s.scalars(
        select(CountSessionRow.id).where(
            *live, CountSessionRow.sealed_at.is_(None), CountSessionRow.deleted_at.is_(None)
        )
    ).first()
    if open_id:
        return _(
            "La règle de résultats ne peut pas changer pendant un dépouillement en cours : "
            "déclarez la règle avant d'ouvrir le dépouillement."
        )
    return ""


def _admissible(s: Session, campaign_id: str) -> list[ProjectRow]:
    return list(
        s.scalars(
            select(ProjectRow).where(
                ProjectRow.campaign_id == campaign_id,
                ProjectRow.deleted_at.is_(None),
                ProjectRow.status == ProjectStatus.ADMISSIBLE.value,
            )
        )
    )


@dataclass(frozen=True)
class LotPlace:
    """One project in the drawn order, as it is read out loud."""

    project_id: str
    number: int | None
    title: str
    residence: str  # numbers restart in each residence; ties only happen inside one


@dataclass(frozen=True)
class RuleDeclaration:
    """The campaign's declared rule as people read it; `locked` says why it cannot change."""

    campaign_id: str
    declared: bool  # False: nothing declared yet, the default rule applies
    rule: str
    rule_label: str
    threshold: int
    add1_exhaustive_stop: bool
    top_up: bool
    compare_with_greedy: bool
    lot_seed: str
    lot: tuple[LotPlace, ...]
    locked: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["lot"] = [asdict(p) for p in self.lot]
        return data


class Results:
    """A residence's results and the campaign's declared rule (a part of `CountingService`)."""

    def __init__(self, core: CountingCore) -> None:
        self.core = core

    def residence_results(self, residence_id: str) -> ResidenceResults:
        with self.core.uow() as s:
            residence = get_live(s, ResidenceRow, residence_id, _("Résidence"))
            templates = campaign_templates(s, residence.campaign_id)
            sheets, results = [], []
            check_residence_sessions(s, residence_id)
            sessions = _sessions(s, residence_id)
            for row in sessions:
                self.core.log.head(s, row.id)
                facts, _d, outs = outcomes(s, row.id, templates)
                sheets += facts
                results += outs
            totals = compute_tally(sheets, results)
            projects = ballot_projects(s, residence)
            options = _options(campaign_rule(s, residence.campaign_id), set(projects))
            ballots = tuple(
                frozenset(o.choices) for o in results if o.outcome == cm.VALID and o.choices
            )
            outcome = _run(residence, projects, ballots, options)
            return ResidenceResults(
                residence_id=residence.id,
                residence_name=residence.name,
                budget_cents=residence.budget_cents,
                rule=options.rule.value,
                rule_label=rules.rule_label(options.rule),
                threshold=options.threshold,
                sessions=tuple(r.id for r in sessions),
                all_sealed=bool(sessions) and all(r.sealed_at is not None for r in sessions),
                tally=totals,
                selected=outcome.selected,
                spent_cents=int(outcome.spent),
                projects=tuple(_line(p, projects[p.project_id]) for p in outcome.projects),
                ties=tuple(
                    {"order": list(t.order), "criterion": t.criterion.value, "decisive": True}
                    for t in outcome.decisive_ties
                ),
                reopened=_open_reopenings(s, residence_id),
                equal_shares=outcome.equal_shares,
            )

    def set_results_rule(
        self,
        campaign_id: str,
        rule: str,
        *,
        threshold: int = 0,
        lot_order: tuple[str, ...] = (),
        options: Mapping[str, object] | None = None,
        lot_seed: str | None = None,
    ) -> None:
        """Declare the campaign's rule before counting.

        Refused once a live count of the campaign is sealed (the results must follow the rule
        declared beforehand) and while a live count is open (a rule chosen after seeing the first
        sheets would not be traceable). `lot_seed`, typed in public, replaces `lot_order` by
        `rules.lot_order_from_seed` over the campaign's admissible projects; the seed is kept so
        that anyone can recompute the order."""
        if rule not in RULES:
            raise UserError(
                _("Règle inconnue « {rule} » : choisissez {rules}.").format(
                    rule=rule, rules=", ".join(RULES)
                ),
                field="rule",
            )
        if threshold < 0:
            raise UserError(_("Le seuil de voix ne peut pas être négatif."), field="threshold")
        extra = dict(options or {})
        with self.core.uow() as s:
            reason = _locked_reason(s, campaign_id)
            if reason:
                raise UserError(reason)
            if lot_seed is not None and lot_seed.strip():
                extra["lot_seed"] = seed = lot_seed.strip()
                lot_order = rules.lot_order_from_seed(
                    seed, (p.id for p in _admissible(s, campaign_id))
                )
            row = campaign_rule(s, campaign_id) or ResultsRuleRow(campaign_id=campaign_id)
            row.rule, row.threshold = rule, threshold
            row.lot_order, row.options = list(lot_order), extra
            s.add(row)
            open_ids = list(
                s.execute(
                    select(CountSessionRow.id, CountSessionRow.residence_id).where(
                        CountSessionRow.campaign_id == campaign_id,
                        CountSessionRow.sealed_at.is_(None),
                        CountSessionRow.deleted_at.is_(None),
                        CountSessionRow.superseded_by.is_(None),
                    )
                )
            )
        log.info("results rule of campaign %s declared: %s", campaign_id, rule)
        # a change of the rule is itself logged in every open count (test counts: a live count
        # locks the rule), before anything is signed
        for session_id, residence_id in open_ids:
            with self.core.writing(session_id) as w:
                sync_election(
                    w, residence_id, _("Règle de résultats déclarée : {rule}.").format(rule=rule)
                )

    def get_results_rule(self, campaign_id: str) -> RuleDeclaration:
        """The declared rule (or the default), with the lot as project numbers and titles."""
        with self.core.uow() as s:
            row = campaign_rule(s, campaign_id)
            extra = dict(row.options or {}) if row else {}
            by_id = {p.id: p for p in _admissible(s, campaign_id)}
            query = select(ResidenceRow.id, ResidenceRow.name)
            names = {
                rid: name
                for rid, name in s.execute(query.where(ResidenceRow.campaign_id == campaign_id))
            }
            lot = tuple(
                LotPlace(pid, p.number, p.title, names.get(p.residence_id or "", ""))
                for pid in (row.lot_order or () if row else ())
                if (p := by_id.get(pid)) is not None
            )
            rule = row.rule if row else rules.ResultsRule.GREEDY.value
            return RuleDeclaration(
                campaign_id=campaign_id,
                declared=row is not None,
                rule=rule,
                rule_label=rules.rule_label(rules.ResultsRule(rule)),
                threshold=row.threshold if row else 0,
                add1_exhaustive_stop=bool(extra.get("add1_exhaustive_stop", True)),
                top_up=bool(extra.get("top_up", False)),
                compare_with_greedy=bool(extra.get("compare_with_greedy", False)),
                lot_seed=str(extra.get("lot_seed", "")),
                lot=lot,
                locked=_locked_reason(s, campaign_id),
            )
