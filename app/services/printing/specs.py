"""From database records to the ballots library's inputs, and back from its errors.

The ballots library is pure: it receives frozen `BallotSpec` objects and raises typed
`BallotError`s carrying a French message. This module is the boundary: it builds those specs from
ORM rows and turns library errors into `UserError`s (and library cancellation into ours).
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import ballots
import ballots.i18n as ballots_i18n
from app import i18n as app_i18n
from app.domain import models as m
from app.errors import UserError
from app.i18n import _
from app.services.base import library_errors as library_errors  # the writers' one conversion
from app.services.printing.types import BallotStyle, PrintBatch, ProjectOrder, RuleKind
from app.storage import mappers
from app.storage.tables import (
    BallotStyleRow,
    CampaignRow,
    PrintBatchRow,
    ProjectRow,
    ResidenceRow,
)
from ballots.model import order_projects

log = logging.getLogger(__name__)


@contextmanager
def printed_language(language: str) -> Iterator[None]:
    """Print in the style's language whatever the interface language is.

    The ballots library takes its translation functions from `ballots.i18n`; `translated`
    installs the catalog of `language` for the duration of the rendering, then restores the
    interface's.
    """
    if language == "fr":
        with ballots_i18n.translated(None):  # the French source strings
            yield
        return
    catalog = gettext.translation(
        app_i18n.DOMAIN, app_i18n.locale_dir(), languages=[language], fallback=True
    )
    with ballots_i18n.translated(catalog.gettext, catalog.ngettext):
        yield


def style_data(row: BallotStyleRow) -> BallotStyle:
    return BallotStyle(
        meta=mappers.meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        index=row.style_index,
        name=row.name,
        language=row.language,
        large_print=bool(row.large_print),
        order=ProjectOrder(row.project_order),
        rule_kind=RuleKind(row.rule_kind),
        max_choices=row.max_choices,
        min_choices=row.min_choices,
        budget_cents=row.budget_cents,
        project_ids=tuple(str(p) for p in row.project_ids or ()),
    )


def batch_data(
    row: PrintBatchRow, residence_name: str, style_name: str, serials: int = 0
) -> PrintBatch:
    return PrintBatch(
        meta=mappers.meta(row),
        campaign_id=row.campaign_id,
        residence_id=row.residence_id,
        residence_name=residence_name,
        style_id=row.style_id,
        style_name=style_name,
        number=row.batch_number,
        count=row.count,
        test=row.mode == "test",
        with_serials=bool(row.with_serials),
        kind=row.kind,
        template_hash=row.template_hash,
        merkle_root=row.merkle_root,
        serials_recorded=serials,
    )


def ballot_projects(style: BallotStyleRow, admissible: Sequence[ProjectRow]) -> list[ProjectRow]:
    """The style's projects in its fixed order: those it lists first, then newly admissible ones.

    A project that is no longer admissible is left out, so a ballot never shows a project the
    commission turned down after the style was made.
    """
    by_id = {p.id: p for p in admissible}
    listed = [by_id[i] for i in style.project_ids or () if i in by_id]
    known = {p.id for p in listed}
    rest = sorted((p for p in admissible if p.id not in known), key=lambda p: p.number)
    return listed + rest


def _picture(row: ProjectRow, data_dir: Path) -> Path | None:
    if not row.picture_path:
        return None
    path = Path(row.picture_path).expanduser()
    return path if path.is_absolute() else data_dir / path


def library_project(row: ProjectRow, data_dir: Path, long: bool = False) -> ballots.Project:
    """`long`: the long description (project sheets), else the short one (ballots, poster)."""
    return ballots.Project(
        project_id=row.id,
        number=row.number,
        title=row.title,
        cost_cents=row.cost_cents,
        description=(row.long_description if long else "") or row.short_description,
        picture=_picture(row, data_dir),
    )


def voting_rule(style: BallotStyleRow) -> ballots.VotingRule:
    kind = RuleKind(style.rule_kind)
    if kind is RuleKind.SINGLE:
        return ballots.VotingRule.single()
    if kind is RuleKind.BUDGET:
        return ballots.VotingRule.budget(style.budget_cents or 0)
    return ballots.VotingRule.approval(style.max_choices or 0, style.min_choices)


def build_spec(
    campaign: CampaignRow,
    residence: ResidenceRow,
    style: BallotStyleRow,
    admissible: Sequence[ProjectRow],
    data_dir: Path,
    *,
    order: ProjectOrder | None = None,
    seed: int | None = None,
    long: bool = False,
) -> ballots.BallotSpec:
    """The library's description of one ballot, projects in printed order."""
    rows = ballot_projects(style, admissible)
    projects = tuple(library_project(r, data_dir, long) for r in rows)
    chosen = order or ProjectOrder(style.project_order)
    projects = order_projects(projects, chosen, seed)
    return ballots.BallotSpec(
        campaign=ballots.Campaign(campaign.id, campaign.short_code, campaign.name),
        residence=ballots.Residence(residence.id, residence.name),
        style=ballots.BallotStyle(style.style_index, style.name, style.language, style.large_print),
        rule=voting_rule(style),
        projects=projects,
        vote_start=campaign.vote_start,
        vote_end=campaign.vote_end,
    )


def admissible_filter(residence_id: str) -> tuple[object, ...]:
    """SQL conditions: the live, admissible projects of a residence."""
    return (
        ProjectRow.residence_id == residence_id,
        ProjectRow.deleted_at.is_(None),
        ProjectRow.status == m.ProjectStatus.ADMISSIBLE.value,
    )


def no_project_error(residence_name: str) -> UserError:
    return UserError(
        _(
            "Aucun projet recevable pour la résidence « {name} » : la commission doit d'abord "
            "déclarer des projets recevables avant d'imprimer des bulletins."
        ).format(name=residence_name)
    )
