"""Public results of a residence: JSON, CSV and a pabulib `.pb` file.

Nothing here identifies a voter: no serial, no time, no sheet id. The `.pb` file holds one
line per valid ballot, shuffled with the system's random generator (so the order of the
scans tells nothing), with voter ids 1, 2, 3...; projects are named by their `source_id` when
they came from a `.pb` file (a replayed vote maps back to the original ids), otherwise by
their number on the ballot.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain import pabulib, rules
from app.domain.counting import models as cm
from app.domain.models import Campaign
from app.errors import UserError
from app.i18n import _
from app.services.base import library_errors
from app.services.counting.context import campaign_templates
from app.services.counting.read import outcomes
from ballots.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.services.counting.service import CountingService
    from app.storage.uow import UnitOfWork

FORMATS = ("json", "csv", "pb")


def _vote_day(campaign: Campaign, which: str) -> date:
    """The vote's first or last day (pabulib's required dates); else the other one, else the
    campaign's creation day."""
    start, end = campaign.vote_start, campaign.vote_end
    day = (start or end) if which == "start" else (end or start)
    return day or campaign.meta.created_at.date()


def _write(out: Path, data: bytes) -> Path:
    """Written whole or not at all (temporary file, then rename); French message on failure."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with library_errors():  # disk full, read-only folder: the library's French message
        write_bytes_atomic(out, data)
    return out


class PublicResults:
    """The public results of a residence, written as JSON, CSV or pabulib (`Services.public_results`)."""

    def __init__(
        self, *, campaigns: CampaignService, counting: CountingService, uow: UnitOfWork
    ) -> None:
        self.campaigns = campaigns
        self.counting = counting
        self.uow = uow

    def residence_ballots(self, residence_id: str) -> list[frozenset[str]]:
        """The valid ballots (project ids chosen) of the residence's current live counts."""
        res = self.counting.results(residence_id)
        campaign_id = self.campaigns.get_residence(residence_id).campaign_id
        out: list[frozenset[str]] = []
        with self.uow() as s:
            templates = campaign_templates(s, campaign_id)
            for session_id in res.sessions:
                _sheets, _d, outs = outcomes(s, session_id, templates)
                out += [frozenset(o.choices) for o in outs if o.outcome == cm.VALID and o.choices]
        return out

    def public_json(self, residence_id: str) -> bytes:
        doc = self.counting.results(residence_id).as_dict()
        return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()

    def public_csv(self, residence_id: str) -> bytes:
        """One row per project in decision order; `;`-separated, as French spreadsheets expect."""
        res = self.counting.results(residence_id)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(
            ["numero", "projet", "source_id", "cout_euros", "voix", "statut", "finance"]
        )
        for p in res.projects:
            writer.writerow([
                p.number if p.number is not None else "", p.title, p.source_id,
                pabulib.money_text(Fraction(p.cost_cents, 100)), p.votes, p.status_label,
                "1" if p.project_id in res.selected else "0",
            ])  # fmt: skip
        return buffer.getvalue().encode("utf-8")

    def public_pb(self, residence_id: str) -> bytes:
        """The residence's valid ballots as a pabulib file, shuffled, with the funded projects."""
        res = self.counting.results(residence_id)
        public = {p.project_id: p.source_id or str(p.number or p.project_id) for p in res.projects}
        ballots = [
            frozenset(public[p] for p in b if p in public)
            for b in self.residence_ballots(residence_id)
        ]
        secrets.SystemRandom().shuffle(ballots)
        election = rules.Election(
            budget=Fraction(res.budget_cents, 100),
            projects=tuple(
                rules.Project(public[p.project_id], Fraction(p.cost_cents, 100), p.title)
                for p in res.projects
            ),
            ballots=tuple(ballots),
        )
        campaign = self.campaigns.get_campaign(
            self.campaigns.get_residence(residence_id).campaign_id
        )
        meta = [
            ("description", _("Résultats publics — {c} — {r}").format(c=campaign.name, r=res.residence_name)),
            ("country", "France"),
            ("unit", campaign.name),
            ("subunit", res.residence_name),
            ("instance", str(_vote_day(campaign, "start").year)),
            ("rule", rules.ResultsRule(res.rule).value),
            ("date_begin", _vote_day(campaign, "start").strftime("%d.%m.%Y")),
            ("date_end", _vote_day(campaign, "end").strftime("%d.%m.%Y")),
            ("currency", "EUR"),
        ]  # fmt: skip
        if res.threshold:
            meta.append(("min_project_score_threshold", str(res.threshold)))
        pb = pabulib.from_election(election, meta, [public[p] for p in res.selected])
        return pabulib.format_pabulib(pb).encode("utf-8")

    def export_public(self, residence_id: str, out: Path, fmt: str | None = None) -> Path:
        """Write one public export; the format comes from `fmt` or the file's suffix."""
        kind = (fmt or Path(out).suffix.lstrip(".")).lower()
        makers: dict[str, Callable[[str], bytes]] = {
            "json": self.public_json,
            "csv": self.public_csv,
            "pb": self.public_pb,
        }
        if kind not in makers:
            raise UserError(
                _("Format inconnu « {fmt} » : choisissez json, csv ou pb.").format(fmt=kind),
                field="out",
            )
        data = makers[kind](residence_id)
        return _write(Path(out), data)
