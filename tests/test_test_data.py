"""A fresh clone carries every file its tests read: nothing outside the project folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.helpers.pabulib import README, folder, names

ROOT = Path(__file__).resolve().parents[1]
#: Folders beside or above the checkout that a person who clones the project does not have.
OUTSIDE = re.compile(r"""["'](/work/|\.\./shared|/tmp/|/home/)""")


def test_no_test_reads_a_file_outside_the_project() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line) and path != Path(__file__)
    ]
    assert offenders == []


def test_pabulib_archive_holds_the_files_its_readme_lists_unchanged() -> None:
    listed = dict(
        reversed(line.split("  ", 1))
        for line in README.read_text(encoding="utf-8").splitlines()
        if re.fullmatch(r"[0-9a-f]{64}  \S+\.pb", line)
    )
    assert sorted(listed) == list(names())
    for name, digest in listed.items():
        assert hashlib.sha256((folder() / name).read_bytes()).hexdigest() == digest, name
