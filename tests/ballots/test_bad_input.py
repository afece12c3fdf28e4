"""Bad input gives clear French messages and never a half-written PDF."""

from __future__ import annotations

import errno
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from ballots.errors import Cancelled, CountError, DiskFullError, PictureError
from ballots.model import Project
from ballots.raster import page_count
from ballots.render import prepare_ballot, render_ballots
from tests.ballots.conftest import KEY, make_projects, make_spec


def _with_picture(picture: Path | bytes) -> tuple[Project, ...]:
    projects = make_projects(4)
    first = projects[0]
    return (
        Project(first.project_id, 1, first.title, first.cost_cents, "Un jardin.", picture),
    ) + projects[1:]


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "white" if mode == "RGB" else 1).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pics") / "huge.png"
    path.write_bytes(_png(20_000, 20_000, "1"))
    return path


def test_a_good_picture_is_printed(tmp_path: Path) -> None:
    spec = make_spec(projects=_with_picture(_png(800, 600)))
    result = render_ballots(spec, tmp_path / "b.pdf", key=KEY, batch=1, count=1)
    assert page_count(result.path) == 1
    assert not [w for w in result.warnings if w.code == "picture_omitted"]


def test_picture_that_is_not_an_image(tmp_path: Path) -> None:
    bogus = tmp_path / "photo.jpg"
    bogus.write_text("ceci n'est pas une image")
    with pytest.raises(PictureError, match="n'est pas une image lisible"):
        prepare_ballot(make_spec(projects=_with_picture(bogus)))
    with pytest.raises(PictureError, match="introuvable"):
        prepare_ballot(make_spec(projects=_with_picture(tmp_path / "absente.png")))


def test_huge_picture_is_refused_before_printing(tmp_path: Path, huge_png: Path) -> None:
    out = tmp_path / "b.pdf"
    with pytest.raises(PictureError, match="trop grande"):
        render_ballots(make_spec(projects=_with_picture(huge_png)), out, key=KEY, batch=1, count=1)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(PictureError, match="trop grande .9000 × 6000 pixels"):
        prepare_ballot(make_spec(projects=_with_picture(_png(9000, 6000, "1"))))


@pytest.mark.parametrize("count", [0, -1, 1_000_000])
def test_count_out_of_range(tmp_path: Path, count: int) -> None:
    with pytest.raises(CountError, match="Nombre de bulletins invalide"):
        render_ballots(make_spec(3), tmp_path / "b.pdf", key=KEY, batch=1, count=count)
    assert list(tmp_path.iterdir()) == []


class _CancelAt:
    def __init__(self, at: int) -> None:
        self.at, self.seen = at, 0

    @property
    def cancelled(self) -> bool:
        self.seen += 1
        return self.seen > self.at


def test_cancel_leaves_the_previous_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    out.write_bytes(b"previous good file")
    steps: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        render_ballots(
            make_spec(3),
            out,
            key=KEY,
            batch=1,
            count=50,
            cancel=_CancelAt(10),
            progress=lambda done, total: steps.append((done, total)),
        )
    assert steps == [(i, 50) for i in range(1, 11)]
    assert out.read_bytes() == b"previous good file"
    assert [p.name for p in tmp_path.iterdir()] == ["b.pdf"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 200 KB tmpfs when we may mount one (root), else a folder whose writes fail."""
    mount = tmp_path / "petit-disque"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        yield mount
        subprocess.run(["umount", str(mount)], check=False)
    else:
        yield mount


def test_full_disk_gives_a_typed_error_and_no_file(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not os.path.ismount(small_disk):  # fallback: the OS error a full disk raises
        real_open = open

        def full_open(file: object, mode: str = "r", *args: object, **kw: object) -> object:
            if "w" in mode and str(file).startswith(str(small_disk)):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_open(file, mode, *args, **kw)  # type: ignore[call-overload]

        monkeypatch.setattr("builtins.open", full_open)
    out = small_disk / "bulletins.pdf"
    with pytest.raises(DiskFullError, match="Le disque est plein"):
        render_ballots(make_spec(15), out, key=KEY, batch=1, count=100)
    assert list(small_disk.iterdir()) == []
