"""Pictures of PDF pages for the screens: the live preview of a style, and pages for the printer.

The user interface must not import reportlab or the image libraries, so it asks here for page
images: PNG bytes for the preview, raw RGB rows for printing at the printer's resolution. Both are
rendered by pypdfium2 from the very PDF the library wrote, so what is shown is what prints.
"""

from __future__ import annotations

import io
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from app.errors import UserError
from app.i18n import _
from app.services.printing import specs
from app.services.printing.jobs import PrintJobs
from ballots.render import render_ballots

MAX_DPI = 1200


@dataclass(frozen=True)
class BallotPreview:
    """A style's ballot as it will print: PNG of the page, and what the person should know."""

    png: bytes
    width_px: int
    height_px: int
    dpi: float
    warnings: tuple[str, ...]
    template_hash: str
    project_count: int
    rule_text: str


@dataclass(frozen=True)
class PageImage:
    """One page as raw 8-bit RGB rows (`width * 3` bytes each), e.g. for a QImage."""

    width: int
    height: int
    data: bytes


def _open(pdf: Path | bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(pdf)
    except (pdfium.PdfiumError, OSError) as exc:
        raise UserError(_("Ce fichier PDF ne peut pas être lu : {name}.").format(name=pdf)) from exc


def page_count(pdf: Path | bytes) -> int:
    doc = _open(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def page_image(pdf: Path | bytes, index: int = 0, dpi: float = 300.0) -> PageImage:
    """Page `index` (0-based) at `dpi`, white background, RGB."""
    if not 0 < dpi <= MAX_DPI:
        raise ValueError(f"dpi out of range: {dpi}")
    doc = _open(pdf)
    try:
        if not 0 <= index < len(doc):
            raise UserError(
                _("Page {n} introuvable : le document en compte {count}.").format(
                    n=index + 1, count=len(doc)
                )
            )
        page = doc[index]
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        page.close()
    finally:
        doc.close()
    return PageImage(image.width, image.height, image.tobytes())


def page_png(pdf: Path | bytes, index: int = 0, dpi: float = 100.0) -> bytes:
    image = page_image(pdf, index, dpi)
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (image.width, image.height), image.data).save(buffer, "PNG")
    return buffer.getvalue()


class Previews:
    """Ballot previews and page pictures (a part of `BallotService`): renders one ballot with a
    throw-away key, no serial."""

    def __init__(self, jobs: PrintJobs) -> None:
        self.jobs = jobs

    def preview(self, style_id: str, *, dpi: float = 100.0, test: bool = False) -> BallotPreview:
        """The ballot of a style as PNG. A random order is shown as drawn with a fixed seed."""
        job = self.jobs.job(style_id, seed=0)
        with tempfile.TemporaryDirectory(prefix="bp-preview-") as folder:
            out = Path(folder) / "preview.pdf"
            with specs.printed_language(job.language), specs.library_errors():
                result = render_ballots(
                    job.spec,
                    out,
                    key=secrets.token_bytes(32),
                    batch=1,
                    count=1,
                    test=test,
                    with_serials=False,
                )
                rule_text = job.spec.rule.headline()
            png = page_png(out, 0, dpi)
        image = page_image_size(png)
        return BallotPreview(
            png=png,
            width_px=image[0],
            height_px=image[1],
            dpi=dpi,
            warnings=tuple(w.message for w in result.warnings),
            template_hash=result.layout.template_hash,
            project_count=len(result.layout.boxes),
            rule_text=rule_text,
        )

    @staticmethod
    def page_count(pdf: Path | bytes) -> int:
        return page_count(pdf)

    @staticmethod
    def page_image(pdf: Path | bytes, index: int = 0, dpi: float = 300.0) -> PageImage:
        return page_image(pdf, index, dpi)

    @staticmethod
    def page_png(pdf: Path | bytes, index: int = 0, dpi: float = 100.0) -> bytes:
        return page_png(pdf, index, dpi)


def page_image_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR), without decoding it again."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
