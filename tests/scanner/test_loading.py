"""Every input format, and every way a file can be bad, gives pages or a typed reason."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from scanner import interpret_file
from scanner.loading import iter_pages


def _png_header_only(path: Path, w: int, h: int) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def test_png_grey_colour_and_one_bit(tmp_path: Path, ballots) -> None:
    page = ballots.approval.pages[0]
    for mode in ("L", "RGB", "1"):
        path = tmp_path / f"p_{mode}.png"
        Image.fromarray(page).convert(mode).save(path)
        (src,) = list(iter_pages(path))
        assert src.reason is None and src.image is not None
        assert src.image.dtype == np.uint8 and src.image.shape == page.shape
        assert interpret_file(path, ballots.ctx)[0].status == "valid", mode


def test_jpeg_tiff_multipage_and_pdf(tmp_path: Path, ballots) -> None:
    pages = [Image.fromarray(p) for p in ballots.approval.pages]
    pages[0].save(tmp_path / "a.jpg", quality=50)
    pages[0].save(tmp_path / "a.tif", save_all=True, append_images=pages[1:])
    pages[0].save(tmp_path / "a.pdf", save_all=True, append_images=pages[1:], resolution=200)
    assert [r.status for r in interpret_file(tmp_path / "a.jpg", ballots.ctx)] == ["valid"]
    for name in ("a.tif", "a.pdf"):
        readings = interpret_file(tmp_path / name, ballots.ctx)
        assert [r.page for r in readings] == [1, 2, 3]
        assert all(r.status == "valid" for r in readings), name


def test_truncated_and_corrupt_files(tmp_path: Path, ballots) -> None:
    Image.fromarray(ballots.approval.pages[0]).save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (tmp_path / "text.png").write_text("not an image")
    assert interpret_file(tmp_path / "cut.png", ballots.ctx)[0].reasons == ("corrupt_image",)
    assert interpret_file(tmp_path / "junk.png", ballots.ctx)[0].status == "rejected"
    assert interpret_file(tmp_path / "text.png", ballots.ctx)[0].reasons == ("unsupported_format",)
    assert interpret_file(tmp_path / "missing.png", ballots.ctx)[0].reasons == ("file_unreadable",)


def test_huge_image_refused_from_its_header(tmp_path: Path, ballots) -> None:
    path = tmp_path / "huge.png"
    _png_header_only(path, 20_000, 20_000)
    (reading,) = interpret_file(path, ballots.ctx)
    assert reading.status == "rejected" and reading.reasons == ("image_too_large",)


def test_pdf_without_page_and_with_password(tmp_path: Path, ballots) -> None:
    empty = pdfium.PdfDocument.new()
    empty.save(tmp_path / "empty.pdf")
    canvas = Canvas(str(tmp_path / "locked.pdf"), encrypt="secret")
    canvas.drawString(100, 100, "bulletin")
    canvas.save()
    assert interpret_file(tmp_path / "empty.pdf", ballots.ctx)[0].reasons == ("pdf_no_page",)
    assert interpret_file(tmp_path / "locked.pdf", ballots.ctx)[0].reasons == ("pdf_encrypted",)


def test_blank_back_side_is_blank_not_an_error(tmp_path: Path, ballots) -> None:
    front = ballots.approval.pages[0]
    back = np.full_like(front, 247)
    back = np.minimum(back, 255 - (255 - front[:, ::-1]) // 12)  # show-through
    frames = [Image.fromarray(front), Image.fromarray(back)]
    frames[0].save(tmp_path / "duplex.tif", save_all=True, append_images=frames[1:])
    readings = interpret_file(tmp_path / "duplex.tif", ballots.ctx)
    assert [r.status for r in readings] == ["valid", "blank"]
    assert readings[1].reasons == ("blank_page",)
