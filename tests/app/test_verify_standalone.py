"""The standalone verifier (issue 14): `python -m app.verify BUNDLE.zip [--slip CODE]` runs from
a checkout without a data folder or a database, needs only the pure domain, the standard
library and `cryptography` (checked by running it with the storage, the services, Qt, the
database and the image libraries blocked), and `bp-terrain verify` runs the same code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.audit import EventType
from app.services import open_services
from app.services.counting.log import load_entries
from tests.helpers.verify import live_count, tampered, write_bundle

ROOT = Path(__file__).resolve().parents[2]
BLOCKED = ("app.services", "app.storage", "ui", "sync", "sqlalchemy", "alembic", "PySide6",
           "cv2", "numpy", "PIL", "pyzbar", "reportlab", "pypdfium2")  # fmt: skip


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("standalone")
    with open_services(tmp / "data") as services:
        counted = live_count(services, tmp / "scans", [[0], [1], [0, 1], []])
        with services.uow() as s:
            seal = [e for e in load_entries(s, counted.session_id)
                    if e.event is EventType.SESSION_SEALED][-1]  # fmt: skip
        code = services.count_slips.build_slip(counted.session_id, seq=seal.seq).code
        return write_bundle(services, counted.session_id, tmp / "paquet.zip", False), code


def _run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "PYTHONPATH": str(ROOT), **extra}
    env.pop("BP_TERRAIN_DATA", None)
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_python_m_app_verify_checks_a_real_bundle_without_a_data_folder(sealed, tmp_path):
    bundle, code = sealed
    done = _run([sys.executable, "-m", "app.verify", str(bundle), "--slip", code], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Paquet vérifié" in done.stdout and "1 bordereau conforme" in done.stdout
    assert "Manifeste couvert par la signature du scellement" in done.stdout
    assert list(tmp_path.iterdir()) == []  # nothing written: no data folder, no database

    forged = tampered(bundle, tmp_path / "faux.zip", "election.json",
                      lambda d: d.replace(b'"threshold": 0', b'"threshold": 120'),
                      fix_manifest=True)  # fmt: skip
    failed = _run([sys.executable, "-m", "app.verify", str(forged), "--json"], tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    report = json.loads(failed.stdout)
    assert report["failure"]["where"] == "election.json"
    assert "seuil de voix" in report["failure"]["message"]
    usage = _run([sys.executable, "-m", "app.verify"], tmp_path)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


_BLOCKING = """
import importlib.abc, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in BLOCKED):
            raise ImportError(f"blocked for the standalone verifier: {{name}}")
        return None
sys.meta_path.insert(0, Block())
from app.verify.__main__ import main
code = main({args!r})
loaded = sorted(m for m in sys.modules if any(m == b or m.startswith(b + ".") for b in BLOCKED))
print("LOADED", loaded)
sys.exit(code)
"""


def test_the_verifier_runs_with_storage_services_qt_and_image_libraries_blocked(sealed, tmp_path):
    bundle, code = sealed
    script = _BLOCKING.format(blocked=BLOCKED, args=[str(bundle), "--slip", code])
    done = _run([sys.executable, "-c", script], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Paquet vérifié" in done.stdout
    assert "LOADED []" in done.stdout


def test_the_blocking_itself_works(tmp_path):
    """The finder above really refuses a blocked module (else the test above proves nothing)."""
    script = _BLOCKING.format(blocked=BLOCKED, args=[]).split("from app.verify")[0]
    script += "import app.services\n"
    done = _run([sys.executable, "-c", script], tmp_path)
    assert done.returncode != 0 and "blocked for the standalone verifier" in done.stderr


def test_bp_terrain_verify_prints_exactly_what_the_standalone_verifier_prints(sealed, tmp_path):
    bundle, code = sealed
    alone = _run([sys.executable, "-m", "app.verify", str(bundle), "--slip", code], tmp_path)
    app = _run([sys.executable, "-m", "ui.cli", "verify", str(bundle), "--slip", code], tmp_path)
    assert app.returncode == alone.returncode == 0, app.stderr
    assert app.stdout == alone.stdout


def test_the_audited_part_is_small_listed_in_the_docs_and_needs_only_cryptography():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "verifier_size.py"), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    size = json.loads(done.stdout)
    assert size["external"] == ["cryptography"]
    assert not any(f.startswith(("app/services", "app/storage", "ui/", "sync/"))
                   for f in size["files"])  # fmt: skip
    assert size["total"] < 8000, size["total"]
    docs = (ROOT / "docs" / "verify.md").read_text(encoding="utf-8")
    for path in size["files"]:
        assert f"`{path}`" in docs, f"docs/verify.md does not name {path}"
