"""Shared test set-up: Qt runs offscreen, set before PySide6 is ever imported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# No per-example time limit: a busy machine (CI, several test runs at once) must not turn a
# correct property into a failure. Speed lives in benchmarks/, not in tests.
settings.register_profile("bp-terrain", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("bp-terrain")


@pytest.fixture(autouse=True)
def _french_after_each_test():
    """The language is process-wide (`--lang en`, `set_language`): every test starts in French."""
    yield
    from app.i18n import language, set_language

    if language() != "fr":
        set_language("fr")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty data folder migrated once per test session (migrating costs ~0.1 s a folder).

    Opened with `open_database` only, so that it holds no device id: each copy gets its own
    when the services first open it. `tests/app/test_migrations.py` still migrates for real.
    """
    from app.storage.db import open_database

    path = tmp_path_factory.mktemp("migrated-template") / "data"
    open_database(path).close()
    return path


@pytest.fixture
def migrated_dir(migrated_template: Path, tmp_path: Path) -> Path:
    """`tmp_path / "data"`: a copy of the migrated template, ready for `open_services`."""
    target = tmp_path / "data"
    shutil.copytree(migrated_template, target, ignore=shutil.ignore_patterns("backups"))
    return target
