"""The reader's view of a ballot layout (the `*.layout.json` contract of docs/ballot-format.md).

The reader only needs geometry, the rule and identity, so it keeps its own small frozen copy built
from the documented JSON. That keeps `scanner` usable by outside tools that only have a layout
file, and lets it accept the ballots library's layout objects through their JSON form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in millimetres from the page's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> Rect:
        return Rect(float(d["x_mm"]), float(d["y_mm"]), float(d["w_mm"]), float(d["h_mm"]))

    def corners(self) -> tuple[tuple[float, float], ...]:
        """Top-left, top-right, bottom-right, bottom-left (ArUco's corner order)."""
        x, y, w, h = self.x, self.y, self.w, self.h
        return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))

    def grow(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)


@dataclass(frozen=True, slots=True)
class BoxSpec:
    project_id: str
    number: int | str
    title: str
    cost_cents: int
    rect: Rect
    label: Rect | None


@dataclass(frozen=True, slots=True)
class MarkerSpec:
    id: int
    corner: str
    rect: Rect


@dataclass(frozen=True, slots=True)
class RuleSpec:
    kind: str
    max_choices: int | None
    min_choices: int | None
    budget_cents: int | None


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A survey question: its boxes (indices) and rule, or a free-text zone to crop."""

    id: str
    kind: str  # single | multiple | text
    boxes: tuple[int, ...]
    zone: Rect | None


@dataclass(frozen=True, slots=True)
class Template:
    """Everything the reader needs from one layout page."""

    template_hash: str
    campaign_tag: bytes
    residence_id: str
    residence_name: str
    style_index: int
    style_name: str
    page_number: int
    width_mm: float
    height_mm: float
    rule: RuleSpec
    boxes: tuple[BoxSpec, ...]
    qr: Rect
    markers: tuple[MarkerSpec, ...]
    groups: tuple[GroupSpec, ...] = ()

    @property
    def hash_prefix(self) -> bytes:
        return bytes.fromhex(self.template_hash)[:8]


def canonical_hash(layout: Mapping[str, Any]) -> str:
    """Recompute the template hash as documented: sorted keys, compact separators, UTF-8."""
    body = {k: v for k, v in layout.items() if k != "template_hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _opt_int(v: Any) -> int | None:
    return None if v is None else int(v)


def template_from_json(layout: Mapping[str, Any], *, verify_hash: bool = True) -> Template:
    """Build a `Template` from a layout dict; refuse one whose hash does not match its content."""
    if layout.get("format") != "bp-terrain-layout":
        raise ValueError("not a bp-terrain layout")
    th = str(layout["template_hash"])
    if verify_hash and canonical_hash(layout) != th:
        raise ValueError("template hash does not match the layout")
    rule = layout.get("rule") or {}
    boxes = tuple(
        BoxSpec(
            project_id=str(b["project_id"]),
            number=b["number"] if isinstance(b["number"], int) else str(b["number"]),
            title=str(b.get("title", "")),
            cost_cents=int(b.get("cost_cents") or 0),
            rect=Rect.from_json(b),
            label=Rect.from_json(b["label"]) if b.get("label") else None,
        )
        for b in layout["boxes"]
    )
    markers = tuple(
        MarkerSpec(int(m["id"]), str(m["corner"]), Rect.from_json(m)) for m in layout["markers"]
    )
    return Template(
        template_hash=th,
        campaign_tag=bytes.fromhex(str(layout["campaign"]["tag"])),
        residence_id=str(layout["residence"]["id"]),
        residence_name=str(layout["residence"].get("name", "")),
        style_index=int(layout["style"]["index"]),
        style_name=str(layout["style"].get("name", "")),
        page_number=int(layout["page"].get("number", 1)),
        width_mm=float(layout["page"]["width_mm"]),
        height_mm=float(layout["page"]["height_mm"]),
        rule=RuleSpec(
            kind=str(rule.get("kind", "approval")),
            max_choices=_opt_int(rule.get("max_choices")),
            min_choices=_opt_int(rule.get("min_choices")),
            budget_cents=_opt_int(rule.get("budget_cents")),
        ),
        boxes=boxes,
        qr=Rect.from_json(layout["qr"]),
        markers=markers,
        groups=tuple(
            GroupSpec(
                id=str(g["id"]),
                kind=str(g["kind"]),
                boxes=tuple(int(i) for i in g.get("boxes") or ()),
                zone=Rect.from_json(g["zone"]) if g.get("zone") else None,
            )
            for g in layout.get("groups") or ()
        ),
    )


def as_template(layout: object) -> Template:
    """Accept a `Template`, a layout dict, or any object with `to_json()`/`to_dict()`."""
    if isinstance(layout, Template):
        return layout
    if isinstance(layout, Mapping):
        return template_from_json(layout)
    if hasattr(layout, "template_hash") and hasattr(layout, "markers"):
        from ballots.layout import layout_to_dict

        return template_from_json(layout_to_dict(layout))  # type: ignore[arg-type]
    for name in ("to_json", "to_dict", "as_json", "as_dict"):
        fn = getattr(layout, name, None)
        if callable(fn):
            data = fn()
            if isinstance(data, str):
                data = json.loads(data)
            return template_from_json(data)
    raise TypeError(f"cannot read a layout from {type(layout).__name__}")
