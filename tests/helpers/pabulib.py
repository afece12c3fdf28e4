"""Real pabulib files for the tests, carried by the project in `tests/data/pabulib/pabulib.tar.xz`
(source and licence in its README): a fresh clone has every file its tests read.

The archive is extracted once per test process into a temporary folder removed at exit, so the
tests and the command line read ordinary `.pb` paths.
"""

from __future__ import annotations

import atexit
import shutil
import tarfile
import tempfile
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "data" / "pabulib"
ARCHIVE = FOLDER / "pabulib.tar.xz"
README = FOLDER / "README.md"
LARGE = frozenset({"Poland_Lodz_2022.pb"})


@cache
def names() -> tuple[str, ...]:
    """The `.pb` files in the archive, sorted."""
    with tarfile.open(ARCHIVE) as tar:
        return tuple(sorted(Path(m.name).name for m in tar.getmembers() if m.isfile()))


@cache
def folder() -> Path:
    """A temporary folder holding every file of the archive (flat: names only, no paths)."""
    target = Path(tempfile.mkdtemp(prefix="bp-pabulib-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    with tarfile.open(ARCHIVE) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member) if member.isfile() else None
            if data is not None:
                (target / Path(member.name).name).write_bytes(data.read())
    return target


def pb(name: str) -> Path:
    """The path of one file of the archive; a name it does not hold is a test bug."""
    if name not in names():
        raise FileNotFoundError(f"{name} is not in {ARCHIVE}")
    return folder() / name
