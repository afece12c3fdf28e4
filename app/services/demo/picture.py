"""A picture for the demo's garden project, drawn here (no photo file to carry): raised beds,
plants, a water butt and a compost bin under a sky, as a team would sketch it for a sheet."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SKY, GRASS, WOOD, SOIL = (196, 224, 240), (128, 178, 92), (150, 104, 62), (96, 70, 48)
LEAF, FLOWER, WATER, BIN = (58, 130, 62), (226, 96, 84), (70, 120, 170), (74, 84, 70)


def draw_garden(path: Path, size: tuple[int, int] = (1200, 800)) -> Path:
    """Write the sketch as a PNG at `path`."""
    w, h = size
    image = Image.new("RGB", size, SKY)
    pen = ImageDraw.Draw(image)
    pen.ellipse([w - 230, 50, w - 110, 170], fill=(250, 214, 90))
    pen.rectangle([0, int(h * 0.55), w, h], fill=GRASS)
    for i in range(3):
        x = 90 + i * 330
        _bed(pen, x, int(h * 0.62), 260, 120, child=i == 0)
    pen.rectangle([w - 170, int(h * 0.50), w - 80, int(h * 0.80)], fill=WATER)
    pen.rectangle([40, int(h * 0.46), 150, int(h * 0.62)], fill=BIN)
    image.save(path, "PNG")
    return path


def _bed(pen: ImageDraw.ImageDraw, x: int, y: int, w: int, h: int, child: bool) -> None:
    """A raised bed of planks with soil and a row of plants (a low one for children)."""
    top = y + (40 if child else 0)
    pen.rectangle([x, top, x + w, y + h], fill=WOOD)
    pen.rectangle([x + 12, top + 10, x + w - 12, top + 34], fill=SOIL)
    for k in range(5):
        cx = x + 35 + k * 48
        pen.line([cx, top + 12, cx, top - 40], fill=LEAF, width=6)
        pen.ellipse([cx - 22, top - 70, cx + 22, top - 30], fill=LEAF)
        if k % 2:
            pen.ellipse([cx - 9, top - 60, cx + 9, top - 42], fill=FLOWER)
