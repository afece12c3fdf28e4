"""Read the corpus with the real reader and compare with the truth, stratum by stratum.

A silent error is a box decided "marked" or "unmarked" against its truth on a page that was not
rejected (a person reviewing a page is shown only the boxes in doubt). Boxes whose truth is
"review" (a circle around the box, a circled title) count as silent errors unless sent to review.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from benchmarks.scanner_eval.corpus import SERIAL_KEY, campaign_key
from scanner.batch import interpret_file
from scanner.context import KnownSerials, ReadContext
from scanner.pool import process_pool
from scanner.result import PageReading

_CTX: ReadContext | None = None


def _init(ctx: ReadContext) -> None:
    global _CTX
    cv2.setNumThreads(1)
    _CTX = ctx


def _timed(path: str) -> tuple[list[PageReading], float]:
    assert _CTX is not None
    t0 = time.perf_counter()
    out = interpret_file(path, _CTX)
    return out, (time.perf_counter() - t0) * 1000


@dataclass
class Stratum:
    pages: int = 0
    boxes: int = 0
    silent: int = 0
    review: int = 0
    rejected: int = 0
    qr_read: int = 0
    serial_ok: int = 0
    ms: list[float] = field(default_factory=list)

    def row(self, name: str) -> str:
        n = max(self.pages, 1)
        ms = sorted(self.ms) or [0.0]
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        return (
            f"{name:<28}{self.pages:>7}{self.boxes:>9}{self.silent:>7}"
            f"{100 * self.review / n:>9.2f}{100 * self.rejected / n:>9.2f}"
            f"{100 * self.qr_read / n:>9.2f}{statistics.median(ms):>9.0f}{p95:>8.0f}"
        )


HEADER = (
    f"{'stratum':<28}{'pages':>7}{'boxes':>9}{'silent':>7}{'review%':>9}{'reject%':>9}"
    f"{'qr%':>9}{'ms med':>9}{'p95':>8}"
)


def _strata(rec: dict[str, Any]) -> list[str]:
    if rec.get("content_in_frame") is False:
        # A photo whose boxes or QR fall outside the picture: it must be rejected, and it is
        # counted apart from the rejection target.
        return [f"{rec['stratum']}/misses-page", f"{rec['stratum']}/deg:{rec['degradation']}"]
    keys = [
        f"{rec['stratum']}",
        f"{rec['stratum']}/deg:{rec['degradation']}",
        f"{rec['stratum']}/pen:{rec['pen']}",
    ]
    kinds = {b["kind"] for b in rec["boxes"] if b["kind"]}
    if rec["special"] == "fold_line":
        kinds.add("fold_line")
    keys += [f"{rec['stratum']}/kind:{k}" for k in sorted(kinds)]
    ordinary = not rec["special"] and not rec["overvote"]
    keys.append(f"{rec['stratum']}/ordinary" if ordinary else f"{rec['stratum']}/expect-review")
    return keys


def _silent(rec: dict[str, Any], reading: PageReading) -> list[dict[str, Any]]:
    if reading.status == "rejected":
        return []
    errors = []
    by_id = {m.project_id: m for m in reading.marks}
    for b in rec["boxes"]:
        m = by_id.get(b["project_id"])
        if m is None or m.decision == "review":
            continue
        if m.decision != b["truth"]:
            errors.append(
                {
                    "file": rec["file"],
                    "box": b["project_id"],
                    "kind": b["kind"],
                    "truth": b["truth"],
                    "decision": m.decision,
                    "scores": m.to_json()["scores"],
                }
            )
    return errors


def _miss(rec: dict[str, Any], reading: PageReading) -> dict[str, Any]:
    """A rejected page or one whose QR gave no layout, with what the generator did to it."""
    return {
        "file": rec["file"],
        "stratum": rec["stratum"],
        "degradation": rec["degradation"],
        "special": rec["special"],
        "status": reading.status,
        "reasons": list(reading.reasons),
        "qr_read": reading.template_hash is not None,
        "skew": rec.get("skew"),
        "content_in_frame": rec.get("content_in_frame"),
    }


def context_for(records: Iterable[dict[str, Any]]) -> ReadContext:
    records = list(records)
    layouts = {r["template_hash"]: r["layout"] for r in records}
    batches = {r["batch"]: frozenset(r["serial_hashes"]) for r in records if "batch" in r}
    return ReadContext.create(
        list(layouts.values()),
        campaign_key(0),
        mode="live",
        serial_lookup=KnownSerials(SERIAL_KEY, batches),
        serial_key=SERIAL_KEY,
    )


def evaluate(corpus: Path, workers: int = 2) -> dict[str, Any]:
    records = [json.loads(x) for x in (corpus / "truth.jsonl").read_text("utf-8").splitlines()]
    ctx = context_for(records)
    paths = [str(corpus / r["file"]) for r in records]
    t0 = time.perf_counter()
    with process_pool(workers, initializer=_init, initargs=(ctx,)) as pool:
        results = list(pool.map(_timed, paths, chunksize=4))
    wall = time.perf_counter() - t0
    strata: dict[str, Stratum] = defaultdict(Stratum)
    errors: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    pages = 0
    for rec, (readings, ms) in zip(records, results, strict=True):
        front = readings[0]
        pages += len(readings)
        errs = _silent(rec, front)
        errors += errs
        if front.template_hash is None or front.status == "rejected":
            misses.append(_miss(rec, front))
        for key in _strata(rec):
            s = strata[key]
            s.pages += 1
            s.boxes += len(rec["boxes"])
            kind = key.split("/kind:")[1] if "/kind:" in key else None
            s.silent += len([e for e in errs if kind is None or e["kind"] == kind])
            s.review += front.status == "needs_review"
            s.rejected += front.status == "rejected"
            s.qr_read += front.template_hash is not None
            s.serial_ok += front.serial_check == "ok"
            s.ms.append(ms / max(len(readings), 1))
        if rec["blank_back"]:
            s = strata[f"{rec['stratum']}/blank-back"]
            s.pages += 1
            s.rejected += len(readings) < 2 or readings[1].status != "blank"
    return {
        "strata": strata,
        "errors": errors,
        "misses": misses,
        "wall_s": wall,
        "pages": pages,
        "records": records,
        "results": results,
    }


def report(res: dict[str, Any]) -> str:
    lines = [HEADER]
    for name in sorted(res["strata"]):
        lines.append(res["strata"][name].row(name))
    lines.append("")
    lines.append(
        f"throughput: {res['pages'] / res['wall_s']:.1f} pages/s "
        f"({res['pages']} pages in {res['wall_s']:.1f} s)"
    )
    lines.append(f"silent errors: {len(res['errors'])}")
    for e in res["errors"][:30]:
        lines.append("  " + json.dumps(e, sort_keys=True))
    lines.append(f"rejected or QR not read: {len(res['misses'])}")
    for m in res["misses"][:30]:
        lines.append("  " + json.dumps(m, sort_keys=True))
    return "\n".join(lines)


def throughput(corpus: Path, workers: int = 2, limit: int = 400) -> tuple[int, float]:
    """Pages per second on 200 dpi A4 PNG scans only, read with `interpret_files` (the pool)."""
    from scanner.batch import interpret_files

    records = [json.loads(x) for x in (corpus / "truth.jsonl").read_text("utf-8").splitlines()]
    picked = [
        r
        for r in records
        if r["stratum"] == "scan" and r.get("dpi") == 200.0 and r["file"].endswith(".png")
    ][:limit]
    ctx = context_for(records)
    t0 = time.perf_counter()
    readings = interpret_files([corpus / r["file"] for r in picked], ctx, workers=workers)
    return len(readings), len(readings) / (time.perf_counter() - t0)
