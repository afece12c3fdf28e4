"""A project's picture: copied into the data folder (shrunk, upright, JPEG), kept by a path
relative to it, printed on the project sheet; removed on request; a file that is not a picture
is refused in French and changes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from app.errors import UserError
from app.services.printing.types import MaterialKind
from tests.app.test_ballot_service import make_admissible


def _photo(path: Path, size: tuple[int, int] = (3000, 2000)) -> Path:
    Image.new("RGB", size, (70, 130, 90)).save(path, "JPEG")
    return path


def _images_on(pdf: Path, index: int) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(list(doc[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))
    finally:
        doc.close()


def test_a_picture_is_copied_into_the_data_folder_and_printed(services, residence, tmp_path):
    projects = make_admissible(services, residence.id)
    source = _photo(tmp_path / "chantier.jpg")
    project = services.projects.set_picture(projects[0].id, source)
    assert project.picture_path == f"pictures/{project.id}.jpg"
    stored = services.data_dir / project.picture_path
    with Image.open(stored) as image:
        assert max(image.size) <= 2000 and image.format == "JPEG"
    assert _picture_sha256(services, project.id) == hashlib.sha256(stored.read_bytes()).hexdigest()
    source.unlink()  # the original may go: the data folder has its own copy
    out = services.ballots.materials(residence.id, MaterialKind.SHEETS, tmp_path / "fiches.pdf")
    numbers = [p.number for p in sorted(projects, key=lambda p: p.number)]
    page = numbers.index(project.number)
    assert _images_on(out, page) == 1
    assert all(_images_on(out, i) == 0 for i in range(len(numbers)) if i != page)


def test_removing_the_picture_forgets_it_and_deletes_the_copy(services, residence, tmp_path):
    projects = make_admissible(services, residence.id)
    project = services.projects.set_picture(projects[0].id, _photo(tmp_path / "a.jpg"))
    stored = services.data_dir / project.picture_path
    cleared = services.projects.set_picture(project.id, None)
    assert cleared.picture_path == "" and not stored.exists()
    assert _picture_sha256(services, project.id) == ""


def _picture_sha256(services, project_id: str) -> str:
    """The record names its picture file by its SHA-256: the file travels by sync by it."""
    from app.storage.tables import ProjectRow

    with services.uow() as session:
        return session.get(ProjectRow, project_id).picture_sha256


def test_a_file_that_is_not_a_picture_is_refused(services, residence, tmp_path):
    projects = make_admissible(services, residence.id)
    text = tmp_path / "devis.jpg"
    text.write_text("pas une image")
    with pytest.raises(UserError) as error:
        services.projects.set_picture(projects[0].id, text)
    assert error.value.field == "picture" and "image" in error.value.message
    assert services.projects.get_project(projects[0].id).picture_path == ""
    with pytest.raises(UserError, match="introuvable"):
        services.projects.set_picture(projects[0].id, tmp_path / "absent.png")
