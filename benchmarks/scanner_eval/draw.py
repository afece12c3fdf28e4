"""Hand-like pen marks drawn on a rendered page, with the truth of every box.

Marks are drawn into a coverage layer in page millimetres, then laid on the page with the pen's
tone (pencil gets a paper-grain texture), so the same mark can be drawn at any resolution.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

#: Mark kinds and the truth they give their box.
MARKED_KINDS = ("full_fill", "half_fill", "cross", "tick", "single_stroke")
UNMARKED_KINDS = ("dot", "stray_near")
REVIEW_KINDS = ("circle_around", "circled_title")
PAGE_KINDS = ("fold_line",)
PENS = ("ballpoint_blue", "ballpoint_black", "felt_tip", "pencil")


@dataclass(frozen=True)
class Pen:
    name: str
    tone: float  # grey level of the ink (0 black .. 255 white)
    width_mm: float
    grain: float  # 0: solid, up to 1: very grainy (pencil)


def pick_pen(name: str, rnd: random.Random) -> Pen:
    if name == "ballpoint_blue":
        return Pen(name, rnd.uniform(55, 95), rnd.uniform(0.35, 0.55), 0.1)
    if name == "ballpoint_black":
        return Pen(name, rnd.uniform(20, 55), rnd.uniform(0.35, 0.5), 0.1)
    if name == "felt_tip":
        return Pen(name, rnd.uniform(10, 45), rnd.uniform(0.9, 1.6), 0.0)
    return Pen(name, rnd.uniform(110, 165), rnd.uniform(0.45, 0.7), 0.45)


class Canvas:
    """A coverage layer over a page image, addressed in millimetres."""

    def __init__(self, shape: tuple[int, int], px_per_mm: float) -> None:
        self.s = px_per_mm
        self.cov = np.zeros(shape, dtype=np.uint8)

    def _pt(self, p: tuple[float, float]) -> tuple[int, int]:
        return (int(round(p[0] * self.s * 16)), int(round(p[1] * self.s * 16)))

    def polyline(self, pts: list[tuple[float, float]], width_mm: float) -> None:
        t = max(1, int(round(width_mm * self.s)))
        arr = np.array([self._pt(p) for p in pts], dtype=np.int32).reshape(-1, 1, 2)
        cv2.polylines(self.cov, [arr], False, 255, t, cv2.LINE_AA, shift=4)

    def polygon(self, pts: list[tuple[float, float]]) -> None:
        arr = np.array([self._pt(p) for p in pts], dtype=np.int32).reshape(-1, 1, 2)
        cv2.fillPoly(self.cov, [arr], 255, cv2.LINE_AA, shift=4)

    def disc(self, c: tuple[float, float], r_mm: float) -> None:
        cv2.circle(
            self.cov, self._pt(c), int(round(r_mm * self.s * 16)), 255, -1, cv2.LINE_AA, shift=4
        )

    def apply(self, page: NDArray[np.uint8], pen: Pen, rnd: random.Random) -> None:
        seed = rnd.getrandbits(32)
        x, y, w, h = cv2.boundingRect(self.cov)
        if w == 0 or h == 0:
            return
        sub = (slice(y, y + h), slice(x, x + w))
        a = self.cov[sub].astype(np.float32) / 255.0
        if pen.grain > 0:
            nrng = np.random.default_rng(seed)
            grain = nrng.uniform(1 - pen.grain, 1.0, size=a.shape).astype(np.float32)
            a *= cv2.GaussianBlur(grain, (0, 0), 0.6)
        out = page[sub].astype(np.float32) * (1 - a) + pen.tone * a
        np.minimum(page[sub], out.astype(np.uint8), out=page[sub])
        self.cov[sub] = 0


def _jit(rnd: random.Random, v: float) -> float:
    return rnd.uniform(-v, v)


def stroke(
    c: Canvas,
    a: tuple[float, float],
    b: tuple[float, float],
    w: float,
    rnd: random.Random,
    bow: float = 0.4,
) -> None:
    """A slightly bowed hand stroke from a to b."""
    mx, my = (a[0] + b[0]) / 2 + _jit(rnd, bow), (a[1] + b[1]) / 2 + _jit(rnd, bow)
    pts = []
    for i in range(9):
        t = i / 8
        x = (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * mx + t * t * b[0]
        y = (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * my + t * t * b[1]
        pts.append((x, y))
    c.polyline(pts, w)


def ellipse(
    c: Canvas, cx: float, cy: float, rx: float, ry: float, w: float, rnd: random.Random
) -> None:
    start = rnd.uniform(0, 2 * math.pi)
    sweep = rnd.uniform(2.0 * math.pi, 2.25 * math.pi)
    pts = []
    for i in range(49):
        t = start + sweep * i / 48
        k = 1 + 0.01 * math.sin(3 * t + start)
        pts.append((cx + rx * k * math.cos(t), cy + ry * k * math.sin(t)))
    c.polyline(pts, w)


def draw_kind(
    c: Canvas,
    kind: str,
    box: dict[str, float],
    label: dict[str, float],
    pen: Pen,
    rnd: random.Random,
) -> None:
    """Draw one mark of `kind` for the box (layout dict with x_mm, y_mm, w_mm, h_mm)."""
    x, y, w, h = box["x_mm"], box["y_mm"], box["w_mm"], box["h_mm"]
    pw = pen.width_mm
    if kind == "full_fill":
        m = rnd.uniform(0.3, 1.0)
        c.polygon(
            [
                (x + m + _jit(rnd, 0.3), y + m + _jit(rnd, 0.3)),
                (x + w - m + _jit(rnd, 0.3), y + m + _jit(rnd, 0.3)),
                (x + w - m + _jit(rnd, 0.3), y + h - m + _jit(rnd, 0.3)),
                (x + m + _jit(rnd, 0.3), y + h - m + _jit(rnd, 0.3)),
            ]
        )
    elif kind == "half_fill":
        m, f = rnd.uniform(0.5, 1.2), rnd.uniform(0.4, 0.6)
        if rnd.random() < 0.5:
            c.polygon(
                [
                    (x + m, y + m),
                    (x + m + (w - 2 * m) * f, y + m),
                    (x + m + (w - 2 * m) * f, y + h - m),
                    (x + m, y + h - m),
                ]
            )
        else:
            c.polygon([(x + m, y + m), (x + w - m, y + m), (x + m, y + h - m)])
    elif kind == "cross":
        o = rnd.uniform(-0.8, 1.5)
        stroke(
            c,
            (x + 1 - o * 0.3 + _jit(rnd, 0.6), y + 1 - o * 0.3),
            (x + w - 1 + o * 0.3, y + h - 1 + o * 0.3 + _jit(rnd, 0.6)),
            pw,
            rnd,
        )
        stroke(
            c,
            (x + w - 1 + _jit(rnd, 0.6), y + 1 + _jit(rnd, 0.5)),
            (x + 1 + _jit(rnd, 0.6), y + h - 1 + _jit(rnd, 0.5)),
            pw,
            rnd,
        )
    elif kind == "tick":
        sc = rnd.uniform(0.55, 0.95)
        cx, cy = x + w / 2, y + h / 2
        a = (cx - w * 0.35 * sc, cy + _jit(rnd, 0.2))
        b = (cx - w * 0.08 * sc, cy + h * 0.38 * sc)
        e = (cx + w * 0.42 * sc, cy - h * 0.45 * sc)
        c.polyline([a, b, e], pw)
    elif kind == "single_stroke":
        f = rnd.uniform(0.6, 1.0)
        cx, cy = x + w / 2, y + h / 2
        dx, dy = (w - 2) / 2 * f, (h - 2) / 2 * f
        if rnd.random() < 0.5:
            dy = -dy
        stroke(c, (cx - dx, cy - dy), (cx + dx, cy + dy), pw, rnd)
    elif kind == "dot":
        c.disc(
            (x + w / 2 + _jit(rnd, w * 0.25), y + h / 2 + _jit(rnd, h * 0.25)),
            rnd.uniform(0.3, 0.8),
        )
    elif kind == "stray_near":
        side = rnd.choice(("left", "top", "bottom", "right"))
        d = rnd.uniform(1.0, 2.2)
        if side == "left":
            p = (x - d, y + rnd.uniform(0, h))
        elif side == "right":
            p = (x + w + d, y + rnd.uniform(0, h))
        elif side == "top":
            p = (x + rnd.uniform(0, w), y - d)
        else:
            p = (x + rnd.uniform(0, w), y + h + d)
        ang = rnd.uniform(0, math.pi)
        ln = rnd.uniform(0.3, 1.2)
        c.polyline(
            [
                (p[0] - ln / 2 * math.cos(ang), p[1] - ln / 2 * math.sin(ang)),
                (p[0] + ln / 2 * math.cos(ang), p[1] + ln / 2 * math.sin(ang)),
            ],
            pw,
        )
    elif kind == "circle_around":
        g = rnd.uniform(1.2, 2.2)
        ellipse(c, x + w / 2, y + h / 2, w / 2 + g, h / 2 + g, pw, rnd)
    elif kind == "circled_title":
        lx = label["x_mm"]
        rx = rnd.uniform(22, 38)
        left = lx - rnd.uniform(1.0, 2.6)
        ellipse(c, left + rx, y + h / 2, rx, rnd.uniform(4.5, 6.5), pw, rnd)
    else:
        raise ValueError(kind)


def draw_fold(
    page: NDArray[np.uint8], s: float, boxes: list[dict[str, float]], rnd: random.Random
) -> tuple[int, str]:
    """A fold crease (a long grey line) through one box, horizontal or vertical."""
    i = rnd.randrange(len(boxes))
    b = boxes[i]
    tone = rnd.uniform(60, 150)
    width = max(1, int(round(rnd.uniform(0.25, 0.5) * s)))
    h, w = page.shape
    if rnd.random() < 0.5:
        yy = (b["y_mm"] + rnd.uniform(0.25, 0.75) * b["h_mm"]) * s
        slope = math.tan(math.radians(rnd.uniform(-1.5, 1.5)))
        p0, p1 = (0, yy - slope * w / 2), (w, yy + slope * w / 2)
    else:
        xx = (b["x_mm"] + rnd.uniform(0.25, 0.75) * b["w_mm"]) * s
        slope = math.tan(math.radians(rnd.uniform(-1.5, 1.5)))
        p0, p1 = (xx - slope * h / 2, 0), (xx + slope * h / 2, h)
    layer = np.zeros_like(page)
    cv2.line(layer, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), 255, width, cv2.LINE_AA)
    a = layer.astype(np.float32) / 255.0
    out = page.astype(np.float32) * (1 - a) + tone * a
    np.minimum(page, out.astype(np.uint8), out=page)
    return i, "h" if abs(p1[1] - p0[1]) < abs(p1[0] - p0[0]) else "v"
