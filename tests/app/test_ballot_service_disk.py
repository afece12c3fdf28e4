"""A full disk while printing: a French message, no half-written PDF, no batch recorded."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import UserError
from app.services.printing.types import PrintOptions
from tests.app.test_ballot_service import make_admissible


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 96 KB tmpfs (this suite runs as root on the build machine)."""
    mount = tmp_path / "petit-disque"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mount)],
        check=True,
        capture_output=True,
    )
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_gives_a_french_error_and_no_pdf(services, residence, small_disk):
    make_admissible(services, residence.id)
    style = services.ballots.ensure_default_style(residence.id)
    out = small_disk / "bulletins.pdf"
    with pytest.raises(UserError, match="Le disque est plein"):
        services.ballots.print_ballots(style.id, out, PrintOptions(count=300))
    assert os.path.ismount(small_disk)
    assert list(small_disk.iterdir()) == []
    assert services.ballots.list_batches() == []


def test_full_disk_keeps_the_previous_good_file(services, residence, small_disk):
    make_admissible(services, residence.id)
    style = services.ballots.ensure_default_style(residence.id)
    out = small_disk / "bulletins.pdf"
    out.write_bytes(b"previous good file")
    with pytest.raises(UserError, match="Le disque est plein"):
        services.ballots.print_ballots(style.id, out, PrintOptions(count=300))
    assert out.read_bytes() == b"previous good file"
    assert [p.name for p in small_disk.iterdir()] == ["bulletins.pdf"]
