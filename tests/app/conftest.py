from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.services import Services, open_services
from app.services.campaigns import CampaignInput


@pytest.fixture
def services(migrated_dir: Path) -> Iterator[Services]:
    s = open_services(migrated_dir)
    yield s
    s.close()


@pytest.fixture
def campaign(services: Services):
    return services.campaigns.create_campaign(
        CampaignInput(
            name="Budget participatif test",
            organiser="Bailleur test",
            ideas_start=date(2026, 9, 1),
            ideas_end=date(2026, 10, 15),
            workshops_start=date(2026, 9, 15),
            workshops_end=date(2026, 11, 30),
            commission_date=date(2026, 12, 10),
            vote_start=date(2027, 1, 10),
            vote_end=date(2027, 1, 20),
            results_date=date(2027, 1, 31),
        )
    )


@pytest.fixture
def residence(services: Services, campaign):
    return services.campaigns.add_residence(
        "Les Tilleuls", address="12 rue des Lilas", dwellings=120, budget_cents=30_000_00
    )
