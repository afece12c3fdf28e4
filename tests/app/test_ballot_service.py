"""Printing ballots through the application: real PDFs, real QR codes, real database file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from pyzbar import pyzbar
from sqlalchemy import select

from app.domain import models as m
from app.errors import Cancelled, UserError
from app.services import Services
from app.services.commission import ReviewInput
from app.services.ideas import ProjectInput
from app.services.printing.types import PrintOptions, ProjectOrder, RuleKind
from app.storage.tables import IssuedSerialRow, PrintBatchRow
from ballots.layout import layout_from_json
from ballots.payload import Payload, decode_text
from ballots.raster import page_count, render_page
from ballots.serials import keyed_serial_hash, merkle_root

TITLES = ("Jardin partagé", "Bancs dans la cour", "Local vélos", "Boîte à livres", "Fresque")


def make_admissible(services: Services, residence_id: str, titles=TITLES) -> list[m.Project]:
    """Create projects and have a commission session declare them admissible."""
    from datetime import date

    session = services.commission.open_session(date(2026, 12, 10), ["Sophie Laurent"])
    projects = []
    for i, title in enumerate(titles):
        project = services.projects.create_project(
            ProjectInput(
                title=title,
                residence_id=residence_id,
                short_description=f"Description courte du projet {title}.",
                cost_cents=(i + 1) * 1_000_00,
            )
        )
        services.commission.record_review(
            session.id, ReviewInput(project.id, m.Decision.ADMISSIBLE, (), "", None)
        )
        projects.append(project)
    return projects


@pytest.fixture
def style(services: Services, residence):
    make_admissible(services, residence.id)
    return services.ballots.ensure_default_style(residence.id)


def read_payloads(pdf: Path, key: bytes) -> list[Payload]:
    """Decode every page's QR code with zbar, then the payload with the campaign key."""
    payloads = []
    for index in range(page_count(pdf)):
        grey = np.asarray(render_page(pdf, index, dpi=150, grey=True))
        symbols = pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE])
        assert len(symbols) == 1, f"page {index + 1}: {len(symbols)} QR codes"
        payloads.append(decode_text(symbols[0].data.decode("ascii"), key))
    return payloads


def secret(services: Services, residence) -> bytes:
    return services.campaigns.campaign_secret(residence.campaign_id)


def test_default_style_takes_the_admissible_projects_and_a_sensible_rule(services, residence):
    projects = make_admissible(services, residence.id)
    style = services.ballots.ensure_default_style(residence.id)
    assert style.project_ids == tuple(p.id for p in projects)
    assert (style.rule_kind, style.max_choices, style.name) == (RuleKind.APPROVAL, 3, "Standard")
    assert services.ballots.ensure_default_style(residence.id).id == style.id  # not twice


def test_print_writes_pdf_layout_and_records_the_batch(services, residence, style, tmp_path):
    out = tmp_path / "bulletins.pdf"
    steps: list[tuple[int, int]] = []
    summary = services.ballots.print_ballots(
        style.id, out, PrintOptions(count=4), progress=lambda d, t: steps.append((d, t))
    )
    assert steps[-1] == (4, 4)
    assert summary.layout_file == tmp_path / "bulletins.layout.json"
    layout = layout_from_json(summary.layout_file.read_text(encoding="utf-8"))
    assert layout.template_hash == summary.batch.template_hash
    assert [b.title for b in layout.boxes] == list(TITLES)
    assert layout.residence.name == "Les Tilleuls"
    [batch] = services.ballots.list_batches()
    assert (batch.number, batch.count, batch.test, batch.serials_recorded) == (1, 4, False, 4)
    with services.uow() as session:
        row = session.scalars(select(PrintBatchRow)).one()
        assert json.loads(row.layout_json)["template_hash"] == layout.template_hash
        stored = set(session.scalars(select(IssuedSerialRow.serial_hash)))
    key = secret(services, residence)
    payloads = read_payloads(out, key)
    serials = {p.serial for p in payloads}
    assert len(serials) == 4 and None not in serials
    assert {p.batch for p in payloads} == {1}
    assert {p.template_prefix for p in payloads} == {layout.template_prefix}
    assert stored == {keyed_serial_hash(key, s) for s in serials}  # type: ignore[arg-type]
    assert batch.merkle_root == merkle_root(serials).hex()  # type: ignore[arg-type]
    assert services.status.campaign_status().as_dict()["ballots_printed"] == 4


def test_no_serial_in_clear_anywhere_in_the_data_folder(services, residence, style, tmp_path):
    out = tmp_path / "bulletins.pdf"
    services.ballots.print_ballots(style.id, out, PrintOptions(count=6))
    serials = [p.serial for p in read_payloads(out, secret(services, residence))]
    data_dir = services.data_dir
    services.close()  # checkpoints the WAL into the database file
    blobs = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert blobs, "the data folder holds the database"
    for serial in serials:
        assert serial is not None
        for form in (serial.to_bytes(8, "big"), str(serial).encode(), f"{serial:016x}".encode()):
            assert form not in blobs


def test_two_batches_never_share_a_serial(services, residence, style, tmp_path):
    key = secret(services, residence)
    first = services.ballots.print_ballots(style.id, tmp_path / "a.pdf", PrintOptions(count=12))
    second = services.ballots.print_ballots(style.id, tmp_path / "b.pdf", PrintOptions(count=12))
    assert (first.batch.number, second.batch.number) == (1, 2)
    a = {p.serial for p in read_payloads(tmp_path / "a.pdf", key)}
    b = {p.serial for p in read_payloads(tmp_path / "b.pdf", key)}
    assert len(a) == len(b) == 12 and not a & b
    with services.uow() as session:
        assert len(session.scalars(select(IssuedSerialRow)).all()) == 24


def test_issued_serials_are_recognised_for_the_collision_check(
    services, residence, style, tmp_path
):
    out = tmp_path / "a.pdf"
    services.ballots.print_ballots(style.id, out, PrintOptions(count=2))
    key = secret(services, residence)
    serial = read_payloads(out, key)[0].serial
    assert serial is not None
    assert services.ballots.issued_before([keyed_serial_hash(key, serial)])
    assert not services.ballots.issued_before([keyed_serial_hash(key, serial ^ 1)])


def test_test_mode_flag_and_no_serial_mode(services, residence, style, tmp_path):
    key = secret(services, residence)
    test = services.ballots.print_ballots(style.id, tmp_path / "t.pdf", PrintOptions(2, test=True))
    assert test.batch.test and {p.test for p in read_payloads(tmp_path / "t.pdf", key)} == {True}
    plain = services.ballots.print_ballots(
        style.id, tmp_path / "n.pdf", PrintOptions(3, with_serials=False)
    )
    payloads = read_payloads(tmp_path / "n.pdf", key)
    assert {p.serial for p in payloads} == {None} and {p.test for p in payloads} == {False}
    assert plain.batch.merkle_root == hashlib.sha256(b"").hexdigest()
    assert plain.batch.serials_recorded == 0 and not plain.batch.with_serials
    counts = services.status.campaign_status().as_dict()
    assert (counts["ballots_printed"], counts["test_ballots_printed"]) == (3, 2)


def test_orders_alphabetical_and_random_per_batch(services, residence, style, tmp_path):
    alpha = services.ballots.print_ballots(
        style.id, tmp_path / "a.pdf", PrintOptions(1, order=ProjectOrder.ALPHABETICAL)
    )
    titles = [b.title for b in layout_from_json(alpha.layout_file.read_text()).boxes]
    assert titles == sorted(TITLES, key=str.casefold)
    orders = set()
    for i in range(6):
        done = services.ballots.print_ballots(
            style.id, tmp_path / f"r{i}.pdf", PrintOptions(1, order=ProjectOrder.RANDOM)
        )
        layout = layout_from_json(done.layout_file.read_text())
        orders.add(tuple(b.title for b in layout.boxes))
        assert sorted(b.title for b in layout.boxes) == sorted(TITLES)
    assert len(orders) > 1  # 6 draws of 120 orders: all equal has odds 1 in 120^5


def test_no_admissible_project_is_a_french_error(services, residence, tmp_path):
    with pytest.raises(UserError, match="Aucun projet recevable"):
        services.ballots.ensure_default_style(residence.id)


@pytest.mark.parametrize("count", [0, 1_000_000])
def test_absurd_counts_are_refused_before_anything_is_written(services, style, tmp_path, count):
    out = tmp_path / "bulletins.pdf"
    with pytest.raises(UserError, match="Nombre de bulletins invalide") as error:
        services.ballots.print_ballots(style.id, out, PrintOptions(count=count))
    assert error.value.field == "count"
    assert list(tmp_path.iterdir()) == [services.data_dir]
    assert services.ballots.list_batches() == []


class CancelAfter:
    def __init__(self, pages: int) -> None:
        self.pages, self.cancelled = pages, False

    def progress(self, done: int, total: int) -> None:
        self.cancelled = done >= self.pages


def test_cancel_leaves_the_previous_file_and_records_nothing(services, style, tmp_path):
    out = tmp_path / "bulletins.pdf"
    out.write_bytes(b"previous good file")
    cancel = CancelAfter(3)
    with pytest.raises(Cancelled):
        services.ballots.print_ballots(
            style.id, out, PrintOptions(count=40), progress=cancel.progress, cancel=cancel
        )
    assert out.read_bytes() == b"previous good file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulletins.pdf", "data"]
    assert services.ballots.list_batches() == []


def test_missing_folder_is_a_french_error(services, style, tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        services.ballots.print_ballots(style.id, tmp_path / "nope" / "b.pdf", PrintOptions(1))


def test_preview_is_a_png_of_the_page(services, style):
    preview = services.ballots.preview(style.id, dpi=60)
    assert preview.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert abs(preview.height_px / preview.width_px - 297 / 210) < 0.01
    assert preview.project_count == len(TITLES)
    assert preview.rule_text == "Cochez jusqu'à 3 projets."
    assert services.ballots.list_batches() == []  # a preview is not a print
