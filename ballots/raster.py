"""Rasterise PDF pages (pypdfium2): what the scanner's corpus and our tests look at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pypdfium2 as pdfium
from PIL import Image


def page_count(pdf: Path | bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_page(
    pdf: Path | bytes, index: int = 0, dpi: float = 200, grey: bool = False
) -> Image.Image:
    """One page as a PIL image at `dpi` (1 mm = dpi / 25.4 pixels), white background."""
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[index]
        bitmap = page.render(scale=dpi / 72, grayscale=grey)
        image: Image.Image = bitmap.to_pil()
        page.close()
    finally:
        doc.close()
    return image.convert("L" if grey else "RGB")


def render_page_array(
    pdf: Path | bytes, index: int = 0, dpi: float = 200, grey: bool = True
) -> npt.NDArray[np.uint8]:
    """Same as `render_page`, as a numpy array (H x W grey, or H x W x 3 RGB)."""
    return np.asarray(render_page(pdf, index, dpi, grey), dtype=np.uint8)
