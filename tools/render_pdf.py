"""Render a PDF to one PNG per page, to look at printed documents.

Usage: .venv/bin/python tools/render_pdf.py FILE.pdf [--dpi 100] [--out FOLDER]
Writes FOLDER/FILE-p1.png, FILE-p2.png... (FOLDER defaults to the PDF's folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pypdfium2 as pdfium


def render(pdf: Path, dpi: float, out: Path, first: int | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    written = []
    try:
        pages = range(len(doc)) if first is None else range(min(first, len(doc)))
        for index in pages:
            image = doc[index].render(scale=dpi / 72).to_pil()
            path = out / f"{pdf.stem}-p{index + 1}.png"
            image.save(path)
            written.append(path)
    finally:
        doc.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF -> one PNG per page (pypdfium2)")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--dpi", type=float, default=100)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--pages", type=int, help="only the first N pages")
    args = parser.parse_args()
    for path in render(args.pdf, args.dpi, args.out or args.pdf.parent, args.pages):
        print(path)


if __name__ == "__main__":
    main()
