"""Turn files into grey page images, or into a typed reason why they cannot be read.

Scanners hand over PNG, JPEG, multi-page TIFF or PDF, in colour, grey or 1-bit, from 150 to
600 dpi; cameras hand over large JPEGs. A bad file must never crash a count nor exhaust memory,
so the pixel count is checked from the header before anything is decoded, and Pillow's strict
decoder is used so that a truncated file is an error rather than a half-grey page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFile, UnidentifiedImageError

from scanner.reasons import Reason

log = logging.getLogger(__name__)

#: Largest image decoded: an A4 page at 600 dpi is 35 MP, a 50 MP phone photo fits.
MAX_PIXELS = 64_000_000
#: Smallest side worth trying: below this no ballot can be read.
MIN_SIDE = 300
#: Bytes of a PDF searched for its page count when PDFium refuses it.
MAX_PDF_SNIFF = 4_000_000
#: Resolution at which PDF pages are rasterised.
PDF_DPI = 200.0

GreyImage = NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class SourcePage:
    """One page of an input file: its grey pixels, or the reason it could not be decoded."""

    page: int
    image: GreyImage | None
    reason: Reason | None = None
    detail: str = ""


def _fail(page: int, reason: Reason, detail: str) -> SourcePage:
    log.info("page %d refused: %s (%s)", page, reason, detail)
    return SourcePage(page=page, image=None, reason=reason, detail=detail)


def _size_reason(width: int, height: int) -> Reason | None:
    if width * height > MAX_PIXELS:
        return Reason.IMAGE_TOO_LARGE
    if min(width, height) < MIN_SIDE:
        return Reason.IMAGE_TOO_SMALL
    return None


def to_grey(im: Image.Image) -> GreyImage:
    """Any Pillow mode to 8-bit grey; transparency is flattened on white paper."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(im, dtype=np.float64)
        top = max(float(arr.max()), 1.0)
        scale = 255.0 / (65535.0 if top > 255 else 255.0)
        return np.clip(arr * scale, 0, 255).astype(np.uint8)
    if im.mode != "L":
        im = im.convert("L")
    return np.ascontiguousarray(np.asarray(im, dtype=np.uint8))


def _load_grey(im: Image.Image) -> GreyImage:
    """Decode the current frame to 8-bit grey. A grey frame (most scans) is decoded straight
    into the array returned: `np.asarray` on a decoded Pillow image copies it twice (about
    6 ms for a 200 dpi A4 page, a tenth of the whole reading)."""
    if im.mode != "L":
        im.load()
        return to_grey(im)
    width, height = im.size
    pixels = np.empty((height, width), dtype=np.uint8)
    target = Image.frombuffer("L", (width, height), pixels, "raw", "L", 0, 1)
    im.im = target.im  # Pillow decodes into the image memory it finds: `pixels`
    im.load()
    if im.im is target.im and im.mode == "L" and im.size == (width, height):
        return pixels
    return to_grey(im)  # the format made its own image memory: the ordinary way


def _raster_pages(path: Path) -> Iterator[SourcePage]:
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        im = Image.open(path)
    except FileNotFoundError:
        yield _fail(1, Reason.FILE_UNREADABLE, "not found")
        return
    except UnidentifiedImageError:
        yield _fail(1, Reason.UNSUPPORTED_FORMAT, "unknown image format")
        return
    except Image.DecompressionBombError as exc:
        yield _fail(1, Reason.IMAGE_TOO_LARGE, str(exc))
        return
    except (OSError, ValueError) as exc:
        yield _fail(1, Reason.CORRUPT_IMAGE, str(exc))
        return
    with im:
        frames = int(getattr(im, "n_frames", 1) or 1)
        for index in range(frames):
            yield _decode_frame(im, index)


def _decode_frame(im: Image.Image, index: int) -> SourcePage:
    page = index + 1
    try:
        if index:
            im.seek(index)
        reason = _size_reason(*im.size)
        if reason is not None:
            return _fail(page, reason, f"{im.size[0]}x{im.size[1]}")
        return SourcePage(page=page, image=_load_grey(im))
    except Image.DecompressionBombError as exc:
        return _fail(page, Reason.IMAGE_TOO_LARGE, str(exc))
    except (OSError, ValueError, EOFError, SyntaxError) as exc:
        return _fail(page, Reason.CORRUPT_IMAGE, str(exc))


def _pdf_pages(path: Path) -> Iterator[SourcePage]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            reason = Reason.PDF_ENCRYPTED
        elif _declares_no_page(path):
            reason = Reason.PDF_NO_PAGE
        else:
            reason = Reason.CORRUPT_IMAGE
        yield _fail(1, reason, str(exc))
        return
    try:
        if len(pdf) == 0:
            yield _fail(1, Reason.PDF_NO_PAGE, "0 pages")
            return
        for index in range(len(pdf)):
            yield _render_pdf_page(pdf, index)
    finally:
        pdf.close()


def _render_pdf_page(pdf: object, index: int) -> SourcePage:
    import pypdfium2 as pdfium

    try:
        page = pdf[index]  # type: ignore[index]
        w_pt, h_pt = page.get_size()
        scale = PDF_DPI / 72.0
        pixels = w_pt * h_pt * scale * scale
        if pixels > MAX_PIXELS:
            scale *= (MAX_PIXELS / pixels) ** 0.5
        bitmap = page.render(scale=scale, grayscale=True)
        arr = bitmap.to_numpy()
        grey = arr if arr.ndim == 2 else arr[:, :, 0]
        return SourcePage(page=index + 1, image=np.ascontiguousarray(grey, dtype=np.uint8))
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        return _fail(index + 1, Reason.CORRUPT_IMAGE, str(exc))


def _declares_no_page(path: Path) -> bool:
    """PDFium refuses to open a document without pages: recognise one by its page tree."""
    try:
        data = path.read_bytes()[:MAX_PDF_SNIFF]
    except OSError:
        return False
    counts = [int(m) for m in re.findall(rb"/Count\s*(\d+)", data)]
    return bool(counts) and max(counts) == 0


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def page_total(path: str | Path) -> int:
    """How many pages `path` holds: a PDF's page count, a TIFF's frames, 1 for other images
    (0 for a file that cannot be opened; reading it then reports why)."""
    p = Path(path)
    if not p.is_file():
        return 0
    if _is_pdf(p):
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(p))
        except pdfium.PdfiumError:
            return 1
        try:
            return len(pdf)
        finally:
            pdf.close()
    try:
        with Image.open(p) as im:
            return int(getattr(im, "n_frames", 1) or 1)
    except (OSError, ValueError, Image.DecompressionBombError):
        return 1


def iter_pages(path: str | Path) -> Iterator[SourcePage]:
    """Yield every page of an image or PDF file, decoded to grey, or with its failure reason."""
    p = Path(path)
    if not p.is_file():
        yield _fail(1, Reason.FILE_UNREADABLE, "not a readable file")
        return
    if _is_pdf(p):
        yield from _pdf_pages(p)
    else:
        yield from _raster_pages(p)


def grey_from_array(frame: NDArray[np.uint8]) -> GreyImage:
    """A camera frame (BGR, BGRA or grey) as grey, without copying a grey frame."""
    import cv2

    if frame.ndim == 2:
        return frame
    code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return np.asarray(cv2.cvtColor(frame, code), dtype=np.uint8)
