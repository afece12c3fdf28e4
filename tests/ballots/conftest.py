"""Shared builders for the ballots tests: real specs, real PDFs, real images."""

from __future__ import annotations

import datetime as dt

import pytest

from ballots.model import BallotSpec, BallotStyle, Campaign, Project, Residence, VotingRule

TITLES = (
    "Jardins partagés au pied de l'immeuble",
    "Bancs et ombre dans la cour",
    "Local vélos sécurisé",
    "Fresque murale avec les enfants",
    "Éclairage du parking",
    "Aire de jeux rénovée",
    "Composteur collectif",
    "Salle commune équipée",
    "Boîte à livres",
    "Nichoirs et hôtel à insectes",
)
KEY = bytes(range(32))


def make_projects(count: int, **overrides: object) -> tuple[Project, ...]:
    return tuple(
        Project(
            project_id=f"proj-{i:02d}",
            number=i + 1,
            title=TITLES[i % len(TITLES)],
            cost_cents=150_000 + 73_000 * i,
            description="Des bacs de culture et un point d'eau, entretenus par les habitants.",
            **overrides,  # type: ignore[arg-type]
        )
        for i in range(count)
    )


def make_spec(
    count: int = 15,
    *,
    rule: VotingRule | None = None,
    projects: tuple[Project, ...] | None = None,
    style_index: int = 0,
    large_print: bool = False,
) -> BallotSpec:
    return BallotSpec(
        campaign=Campaign("camp-2026", "BP26", "Budget participatif des résidences 2026"),
        residence=Residence("res-tilleuls", "Résidence Les Tilleuls"),
        style=BallotStyle(style_index, "Français", "fr", large_print),
        rule=rule or VotingRule.approval(3),
        projects=projects if projects is not None else make_projects(count),
        vote_start=dt.date(2026, 3, 3),
        vote_end=dt.date(2026, 3, 7),
    )


@pytest.fixture
def spec() -> BallotSpec:
    return make_spec()
