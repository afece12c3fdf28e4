"""Fixtures of the count screens' tests: the demo campaign with real printed, marked scans.

The ballots are printed once per test session through the ballots service (the print batch is
recorded in that data folder), rendered and marked (`app.services.demo.count`); each test gets
its own copy of the folder, so it can count, decide and seal freely. No test lives here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.services import Services, open_services
from app.services.demo.count import DEMO_PLAN
from ui.context import AppContext, AppEvents
from ui.settings import UiSettings
from ui.tasks import InlineTaskRunner

PASSPHRASE = "une phrase secrète pour les tests"


@dataclass
class Printed:
    data_dir: Path
    scans: list[Path]
    residence_id: str


@pytest.fixture(scope="session")
def printed_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    root = tmp_path_factory.mktemp("count-template")
    data = root / "data"
    shutil.copytree(demo_template, data, ignore=shutil.ignore_patterns("backups"))
    with open_services(data) as services:
        residence_id = services.demo.demo_residence_id()
        scans = services.demo.print_marked(residence_id, DEMO_PLAN, root / "scans")
    return Printed(data, [p for p in scans if p.suffix == ".png"], residence_id)


@pytest.fixture
def printed(printed_template: Printed, tmp_path: Path) -> Printed:
    data = tmp_path / "data"
    shutil.copytree(printed_template.data_dir, data, ignore=shutil.ignore_patterns("backups"))
    return Printed(data, printed_template.scans, printed_template.residence_id)


@pytest.fixture
def count_services(printed: Printed) -> Iterator[Services]:
    services = open_services(printed.data_dir)
    yield services
    services.close()


@pytest.fixture
def count_ctx(qapp: object, count_services: Services, ui_settings: UiSettings) -> AppContext:
    return AppContext(
        services=count_services, events=AppEvents(), tasks=InlineTaskRunner(), settings=ui_settings
    )
