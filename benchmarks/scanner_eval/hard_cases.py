"""Save the hardest pages of an evaluation corpus small, for the reader's regression tests.

    .venv/bin/python -m benchmarks.scanner_eval.hard_cases --out /tmp/bp-scan-corpus \\
        t0006_021.tif t0089_023.png ...

A full 200 dpi scan is 1-4 MB; the reader's trouble on these pages sits around the markers and
the QR code. Each page is kept as the same-sized image, white except for a window around each
marker and around the QR (with the fold, streak and noise they carry), written as a PNG of a
few tens of kilobytes into tests/scanner/data/, with the layout it was printed from.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from benchmarks.scanner_eval.evaluate import context_for
from scanner.interpret import register_page
from scanner.loading import iter_pages
from scanner.registration import Registration
from scanner.template import Rect

#: Paper kept around each marker and around the QR square, in mm.
WINDOW_MM = 9.0
DATA = Path(__file__).resolve().parents[2] / "tests" / "scanner" / "data"


def _window(grey: NDArray[np.uint8], hom: NDArray[np.float64], rect: Rect) -> tuple[slice, slice]:
    quad = np.array(rect.grow(WINDOW_MM).corners(), dtype=np.float64).reshape(-1, 1, 2)
    pts = cv2.perspectiveTransform(quad, hom).reshape(-1, 2)
    h, w = grey.shape
    x0, y0 = np.maximum(np.floor(pts.min(axis=0)).astype(int), 0)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    return slice(y0, min(y1, h)), slice(x0, min(x1, w))


def windows_only(
    grey: NDArray[np.uint8], reg: Registration, rects: list[Rect]
) -> NDArray[np.uint8]:
    """The page with everything outside the windows made paper (the 90th percentile grey)."""
    paper = int(np.percentile(grey[::8, ::8], 90))
    out = np.full_like(grey, paper)
    for rect in rects:
        ys, xs = _window(grey, reg.matrix(), rect)
        out[ys, xs] = grey[ys, xs]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.scanner_eval.hard_cases")
    ap.add_argument("--out", type=Path, default=Path("/tmp/bp-scan-corpus"))
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    records = {
        r["file"]: r
        for r in map(json.loads, (args.out / "truth.jsonl").read_text("utf-8").splitlines())
    }
    ctx = context_for(records.values())
    for name in args.files:
        grey = next(iter(iter_pages(args.out / name))).image
        assert grey is not None
        reg, tpl, _ = register_page(grey, ctx)
        if not isinstance(reg, Registration) or tpl is None:
            raise SystemExit(f"{name}: the reader does not register this page ({reg})")
        small = windows_only(grey, reg, [m.rect for m in tpl.markers] + [tpl.qr])
        stem = Path(name).stem
        cv2.imwrite(str(args.data / f"{stem}.png"), small, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        layout = records[name]["layout"]
        (args.data / f"{stem}.layout.json").write_text(json.dumps(layout, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
