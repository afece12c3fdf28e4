"""The seeded corpus: real printed ballots, marked by hand-like strokes, scanned or photographed.

`generate` writes image files and a `truth.jsonl` (one line per file page with the truth of every
box) into a folder; it is deterministic for a given seed and size. Work is split in tasks of one
print batch each, run in a process pool.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from ballots.layout import layout_to_dict
from ballots.raster import render_page_array
from benchmarks.scanner_eval import degrade as dg
from benchmarks.scanner_eval.draw import (
    MARKED_KINDS,
    PENS,
    Canvas,
    draw_fold,
    draw_kind,
    pick_pen,
)
from benchmarks.scanner_eval.factory import make_spec, print_pdf
from scanner.context import keyed_serial_hash
from scanner.pool import process_pool

RULES = ("approval", "approval", "single", "budget")
PER_TASK = 25
#: Share of photos framed short of a corner marker (the marker cut or out of the picture).
PHOTO_SHORT = 0.35


SERIAL_KEY = hashlib.sha256(b"bp-terrain-eval-serial-key").digest()


def campaign_key(seed: int) -> bytes:
    return hashlib.sha256(b"bp-terrain-eval-key/%d" % seed).digest()


@dataclass(frozen=True)
class Task:
    index: int
    seed: int
    out: str
    count: int
    photos: bool


def plan_tasks(out: Path, scans: int, photos: int, seed: int) -> list[Task]:
    tasks = []
    for kind_count, is_photo in ((scans, False), (photos, True)):
        left = kind_count
        while left > 0:
            n = min(PER_TASK, left)
            tasks.append(Task(len(tasks), seed * 100_003 + len(tasks), str(out), n, is_photo))
            left -= n
    return tasks


def _choose_votes(layout: dict[str, Any], rnd: random.Random) -> tuple[list[int], bool]:
    boxes, rule = layout["boxes"], layout["rule"]
    n = len(boxes)
    order = rnd.sample(range(n), n)
    over = rnd.random() < 0.03
    if rule["kind"] == "budget":
        chosen, total = [], 0
        for i in order:
            cost = boxes[i]["cost_cents"]
            if total + cost <= rule["budget_cents"] or (over and not chosen):
                chosen.append(i)
                total += cost
            if rnd.random() < 0.3:
                break
        if over:
            chosen = [i for i in order if i not in chosen][:1] + chosen
            over = sum(boxes[i]["cost_cents"] for i in chosen) > rule["budget_cents"]
        return chosen, over
    limit = 1 if rule["kind"] == "single" else rule["max_choices"]
    k = limit + 1 if over and n > limit else rnd.choice([0] + list(range(1, limit + 1)) * 6)
    return order[:k], over and k > limit


def plan_marks(layout: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    """Choose the pen, the marked boxes, the distractors and maybe one special case."""
    boxes = layout["boxes"]
    chosen, over = _choose_votes(layout, rnd)
    kinds: list[str | None] = [None] * len(boxes)
    for i in chosen:
        kinds[i] = rnd.choice(MARKED_KINDS)
    free = [i for i in range(len(boxes)) if kinds[i] is None]
    for i in free:
        r = rnd.random()
        kinds[i] = "dot" if r < 0.04 else "stray_near" if r < 0.08 else None
    special = None
    if rnd.random() < 0.12:
        special = rnd.choice(("circle_around", "circled_title", "fold_line"))
        empty = [i for i in range(len(boxes)) if kinds[i] is None]
        if special != "fold_line" and empty:
            kinds[rnd.choice(empty)] = special
        elif special != "fold_line":
            special = None
    return {"pen": rnd.choice(PENS), "kinds": kinds, "overvote": over, "special": special}


def truth_of(kind: str | None) -> str:
    if kind in MARKED_KINDS:
        return "marked"
    if kind in ("circle_around", "circled_title"):
        return "review"
    return "unmarked"


def draw_plan(
    page: np.ndarray, s: float, layout: dict[str, Any], plan: dict[str, Any], rnd: random.Random
) -> str | None:
    pen = pick_pen(plan["pen"], rnd)
    canvas = Canvas(page.shape, s)
    for kind, box in zip(plan["kinds"], layout["boxes"], strict=True):
        if kind is not None:
            draw_kind(canvas, kind, box, box["label"], pen, rnd)
    canvas.apply(page, pen, rnd)
    if plan["special"] == "fold_line":
        _, direction = draw_fold(page, s, layout["boxes"], rnd)
        return direction
    return None


def _scan(page: np.ndarray, rnd: random.Random, deg: str) -> tuple[np.ndarray, dict[str, Any]]:
    orientation = rnd.choice((0, 90, 180, 270))
    skew = rnd.uniform(-5, 5) if deg in ("skew", "skew_window") else rnd.uniform(-0.8, 0.8)
    scale = rnd.uniform(0.90, 1.03) if deg == "scale" else rnd.uniform(0.995, 1.005)
    dpi = 150.0 if deg == "dpi150" else 300.0 if deg == "dpi300" else 200.0
    if deg == "skew_window":
        shift = (rnd.uniform(-1.5, 1.5), rnd.uniform(-1.5, 1.5))
        img = dg.scan_window(page, 300.0, dpi, orientation, skew, shift)
    else:
        img = dg.scan_geometry(page, 300.0, dpi, orientation, skew, scale)
    fn = {
        "blur": dg.blur,
        "noise": dg.noise,
        "low_contrast": dg.low_contrast,
        "tinted": dg.tinted,
        "bw": dg.bw,
        "streaks": dg.streaks,
    }.get(deg)
    if fn is not None:
        img = fn(img, rnd)
    meta = {
        "orientation": orientation,
        "skew": round(skew, 2),
        "scale": round(scale, 3),
        "dpi": dpi,
    }
    return img, meta


def _photo(
    page: np.ndarray, layout: dict[str, Any], rnd: random.Random, short: bool
) -> tuple[np.ndarray, dict[str, Any]]:
    """A photo; framed short of one corner marker when `short`, with where the content fell."""
    bed = dg.scan_geometry(page, 300.0, 200.0, 0, 0.0, 1.0)
    s = 200 / 25.4
    off = ((bed.shape[1] - dg.A4[0] * s) / 2, (bed.shape[0] - dg.A4[1] * s) / 2)
    cut = None
    if short:
        mk = rnd.choice(layout["markers"])
        cut = (
            (mk["x_mm"] + mk["w_mm"] / 2) * s + off[0],
            (mk["y_mm"] + mk["h_mm"] / 2) * s + off[1],
        )
    img, m = dg.photo_framed(bed, rnd, cut_at=cut)
    # Boxes with the ring the reader measures around them, and the QR with its quiet zone.
    rects = [(b, 4.0) for b in layout["boxes"]] + [(layout["qr"], 2.0)]
    pts = np.array(
        [
            ((r["x_mm"] + dx) * s + off[0], (r["y_mm"] + dy) * s + off[1])
            for r, g in rects
            for dx in (-g, r["w_mm"] + g)
            for dy in (-g, r["h_mm"] + g)
        ],
        dtype=np.float64,
    ).reshape(-1, 1, 2)
    proj = cv2.perspectiveTransform(pts, m).reshape(-1, 2)
    h, w = img.shape
    inside = bool(((proj >= 2) & (proj <= (w - 3, h - 3))).all())
    markers = [
        ((mk["x_mm"] + mk["w_mm"] / 2) * s + off[0], (mk["y_mm"] + mk["h_mm"] / 2) * s + off[1])
        for mk in layout["markers"]
    ]
    mp = cv2.perspectiveTransform(np.array(markers, dtype=np.float64).reshape(-1, 1, 2), m)
    mp = mp.reshape(-1, 2)
    markers_in = int(((mp >= 0) & (mp < (w, h))).all(axis=1).sum())
    return img, {"content_in_frame": inside, "marker_centres_in_frame": markers_in}


def _write(img: np.ndarray, path: Path, deg: str, rnd: random.Random, blank_back: bool) -> str:
    if deg in ("jpeg", "photo", "photo_short"):
        q = rnd.randint(30, 60) if deg == "jpeg" else rnd.randint(70, 90)
        p = path.with_suffix(".jpg")
        p.write_bytes(dg.jpeg_bytes(img, q))
        return p.name
    if deg == "bw" or blank_back:
        p = path.with_suffix(".tif")
        frames = [Image.fromarray(img)]
        if blank_back:
            back = np.full_like(img, 250)
            back = dg.noise(np.minimum(back, 255 - (255 - img[:, ::-1]) // 12), rnd, 3)
            frames.append(Image.fromarray(back))
        if deg == "bw":
            frames = [f.convert("1") for f in frames]
        frames[0].save(
            p,
            save_all=True,
            append_images=frames[1:],
            compression="group4" if deg == "bw" else "tiff_lzw",
        )
        return p.name
    p = path.with_suffix(".png")
    cv2.imwrite(str(p), img)
    return p.name


def run_task(task: Task) -> list[dict[str, Any]]:
    """Print one batch, then mark, degrade and write each of its ballots."""
    cv2.setNumThreads(1)
    rnd = random.Random(task.seed)
    n_projects = rnd.choice((5, 8, 10, 12, 15, 20, 24, 30, 30))
    spec = make_spec(n_projects, rnd.choice(RULES), task.seed, style_index=task.index)
    out = Path(task.out)
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "b.pdf"
        res = print_pdf(spec, pdf, task.count, campaign_key(0), batch=task.index + 1)
        layout = layout_to_dict(res.layout)
        for i in range(task.count):
            page = np.array(render_page_array(pdf, i, dpi=300.0, grey=True))
            records.append(_one(page, layout, task, i, rnd, out))
    records[0]["batch"] = task.index + 1
    records[0]["serial_hashes"] = sorted(keyed_serial_hash(SERIAL_KEY, s) for s in res.serials)
    return records


def _one(
    page: np.ndarray, layout: dict[str, Any], task: Task, i: int, rnd: random.Random, out: Path
) -> dict[str, Any]:
    plan = plan_marks(layout, rnd)
    fold = draw_plan(page, 300 / 25.4, layout, plan, rnd)
    blank_back = False
    if task.photos:
        deg = "photo_short" if rnd.random() < PHOTO_SHORT else "photo"
        img, meta = _photo(page, layout, rnd, deg == "photo_short")
    else:
        deg = rnd.choice(dg.SCAN_DEGRADATIONS)
        img, meta = _scan(page, rnd, deg)
        blank_back = rnd.random() < 0.03 and deg != "jpeg"
    name = _write(img, out / f"t{task.index:04d}_{i:03d}", deg, rnd, blank_back)
    boxes = [
        {"project_id": b["project_id"], "kind": k, "truth": truth_of(k)}
        for b, k in zip(layout["boxes"], plan["kinds"], strict=True)
    ]
    return {
        "file": name,
        "stratum": "photo" if task.photos else "scan",
        "degradation": deg,
        "pen": plan["pen"],
        "special": plan["special"],
        "fold": fold,
        "overvote": plan["overvote"],
        "blank_back": blank_back,
        "boxes": boxes,
        "template_hash": layout["template_hash"],
        "layout": layout,
        **meta,
    }


def generate(out: Path, scans: int, photos: int, seed: int = 1, workers: int = 2) -> Path:
    """Write the corpus into `out`; returns the path of truth.jsonl."""
    out.mkdir(parents=True, exist_ok=True)
    tasks = plan_tasks(out, scans, photos, seed)
    truth = out / "truth.jsonl"
    with truth.open("w", encoding="utf-8") as fh:
        if workers <= 1:
            results = map(run_task, tasks)
        else:
            pool = process_pool(workers)
            results = pool.map(run_task, tasks)
        for records in results:
            for r in records:
                fh.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
        if workers > 1:
            pool.shutdown()
    return truth
