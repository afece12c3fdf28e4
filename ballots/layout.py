"""The layout model: where everything sits on a printed ballot, and its JSON file.

The layout file is the contract between printing and scanning (see docs/ballot-format.md): every
coordinate is in millimetres from the top-left corner of the page, x right, y down. The template
hash is the SHA-256 of the canonical JSON, so any change of geometry, text or rule changes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ballots.errors import LayoutFileError
from ballots.i18n import _
from ballots.model import RuleKind, VotingRule

FORMAT = "bp-terrain-layout"
VERSION = 1
CORNERS = ("tl", "tr", "br", "bl")


def mm(value: float) -> float | int:
    """Canonical number: rounded to 0.01 mm, integral values written without a decimal point.

    This matches JavaScript's JSON.stringify, so another program recomputes the same hash.
    """
    rounded = round(float(value), 2)
    if rounded == int(rounded):
        return int(rounded)
    return rounded


@dataclass(frozen=True)
class Rect:
    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float

    @property
    def right(self) -> float:
        return self.x_mm + self.w_mm

    @property
    def bottom(self) -> float:
        return self.y_mm + self.h_mm

    @property
    def center(self) -> tuple[float, float]:
        return (self.x_mm + self.w_mm / 2, self.y_mm + self.h_mm / 2)

    def inflate(self, margin: float) -> Rect:
        return Rect(
            self.x_mm - margin, self.y_mm - margin, self.w_mm + 2 * margin, self.h_mm + 2 * margin
        )

    def intersects(self, other: Rect) -> bool:
        return (
            self.x_mm < other.right
            and other.x_mm < self.right
            and self.y_mm < other.bottom
            and other.y_mm < self.bottom
        )

    def contains(self, other: Rect) -> bool:
        return (
            self.x_mm <= other.x_mm
            and self.y_mm <= other.y_mm
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "x_mm": mm(self.x_mm),
            "y_mm": mm(self.y_mm),
            "w_mm": mm(self.w_mm),
            "h_mm": mm(self.h_mm),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rect:
        return cls(
            float(data["x_mm"]), float(data["y_mm"]), float(data["w_mm"]), float(data["h_mm"])
        )

    def rounded(self) -> Rect:
        return Rect(mm(self.x_mm), mm(self.y_mm), mm(self.w_mm), mm(self.h_mm))


@dataclass(frozen=True)
class BoxLayout:
    """One project's box (outer edge of its outline) and the label printed beside it."""

    project_id: str
    number: int
    title: str
    cost_cents: int
    rect: Rect
    label: Rect

    def to_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "number": self.number,
            "title": self.title,
            "cost_cents": self.cost_cents,
            **self.rect.to_dict(),
            "label": self.label.to_dict(),
        }


@dataclass(frozen=True)
class GroupLayout:
    """A question of a paper survey: its boxes (indices into `boxes`) and how many may be
    ticked (`single`: one at most, `multiple`: any), or a free-text `zone` kept as an image.

    Ballots have no groups (the key is then left out of the layout file, so their template
    hashes are unchanged); see docs/ballot-format.md, "Survey forms".
    """

    id: str
    kind: str  # single | multiple | text
    boxes: tuple[int, ...] = ()
    zone: Rect | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "boxes": list(self.boxes),
            "zone": None if self.zone is None else self.zone.to_dict(),
        }


@dataclass(frozen=True)
class MarkerLayout:
    id: int
    corner: str
    rect: Rect

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "corner": self.corner, **self.rect.to_dict()}


@dataclass(frozen=True)
class CampaignRef:
    id: str
    short_code: str
    name: str
    tag: str  # hex of the 4-byte campaign tag carried in the QR


@dataclass(frozen=True)
class ResidenceRef:
    id: str
    name: str


@dataclass(frozen=True)
class StyleRef:
    index: int
    name: str
    language: str
    large_print: bool


@dataclass(frozen=True)
class PageInfo:
    width_mm: float
    height_mm: float
    number: int
    count: int


@dataclass(frozen=True)
class BallotLayout:
    """A ballot style's geometry. Build it with `build_layout`, read it with `layout_from_json`."""

    template_hash: str
    campaign: CampaignRef
    residence: ResidenceRef
    style: StyleRef
    page: PageInfo
    rule: VotingRule
    boxes: tuple[BoxLayout, ...]
    qr: Rect
    markers: tuple[MarkerLayout, ...]
    format: str = FORMAT
    version: int = VERSION
    groups: tuple[GroupLayout, ...] = ()

    @property
    def template_prefix(self) -> bytes:
        """First 8 bytes of the template hash, as carried in the QR payload."""
        return bytes.fromhex(self.template_hash)[:8]

    def marker(self, marker_id: int) -> MarkerLayout:
        for marker in self.markers:
            if marker.id == marker_id:
                return marker
        raise KeyError(marker_id)


def layout_to_dict(layout: BallotLayout, *, with_hash: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": layout.format,
        "version": layout.version,
        "campaign": {
            "id": layout.campaign.id,
            "short_code": layout.campaign.short_code,
            "name": layout.campaign.name,
            "tag": layout.campaign.tag,
        },
        "residence": {"id": layout.residence.id, "name": layout.residence.name},
        "style": {
            "index": layout.style.index,
            "name": layout.style.name,
            "language": layout.style.language,
            "large_print": layout.style.large_print,
        },
        "page": {
            "width_mm": mm(layout.page.width_mm),
            "height_mm": mm(layout.page.height_mm),
            "number": layout.page.number,
            "count": layout.page.count,
        },
        "rule": layout.rule.to_dict(),
        "boxes": [box.to_dict() for box in layout.boxes],
        "qr": layout.qr.to_dict(),
        "markers": [marker.to_dict() for marker in layout.markers],
    }
    if layout.groups:
        data["groups"] = [group.to_dict() for group in layout.groups]
    if with_hash:
        data["template_hash"] = layout.template_hash
    return data


def canonical_bytes(data: Mapping[str, Any]) -> bytes:
    """The canonical form hashed into `template_hash` (the `template_hash` key itself left out)."""
    body = {key: value for key, value in data.items() if key != "template_hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_template_hash(layout: BallotLayout) -> str:
    return hashlib.sha256(canonical_bytes(layout_to_dict(layout, with_hash=False))).hexdigest()


def with_template_hash(layout: BallotLayout) -> BallotLayout:
    """Return the layout with its hash filled in (used once geometry is final)."""
    return replace(layout, template_hash=compute_template_hash(layout))


def layout_to_json(layout: BallotLayout) -> str:
    """The layout file's text: readable (indented, sorted keys), UTF-8, final newline."""
    return json.dumps(layout_to_dict(layout), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def layout_from_json(text: str | bytes) -> BallotLayout:
    """Read a layout file, refusing it when its format, version or template hash is wrong."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LayoutFileError(_("Le fichier de mise en page n'est pas un JSON lisible.")) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LayoutFileError(_("Ce fichier n'est pas une mise en page de bulletin BP Terrain."))
    if data.get("version") != VERSION:
        raise LayoutFileError(
            _("Version de mise en page non prise en charge : {version}.").format(
                version=data.get("version")
            )
        )
    try:
        layout = layout_from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise LayoutFileError(_("La mise en page est incomplète ou mal formée.")) from exc
    expected = hashlib.sha256(canonical_bytes(data)).hexdigest()
    if data.get("template_hash") != expected or compute_template_hash(layout) != expected:
        raise LayoutFileError(
            _("L'empreinte de la mise en page ne correspond pas : le fichier a été modifié.")
        )
    return layout


def layout_from_dict(data: Mapping[str, Any]) -> BallotLayout:
    camp, res, sty, page, rule = (
        data["campaign"],
        data["residence"],
        data["style"],
        data["page"],
        data["rule"],
    )
    return BallotLayout(
        template_hash=str(data.get("template_hash", "")),
        campaign=CampaignRef(
            str(camp["id"]), str(camp["short_code"]), str(camp["name"]), str(camp["tag"])
        ),
        residence=ResidenceRef(str(res["id"]), str(res["name"])),
        style=StyleRef(
            int(sty["index"]), str(sty["name"]), str(sty["language"]), bool(sty["large_print"])
        ),
        page=PageInfo(
            float(page["width_mm"]),
            float(page["height_mm"]),
            int(page["number"]),
            int(page["count"]),
        ),
        rule=VotingRule(
            RuleKind(rule["kind"]),
            _opt_int(rule["max_choices"]),
            _opt_int(rule["min_choices"]),
            _opt_int(rule["budget_cents"]),
        ),
        boxes=tuple(
            BoxLayout(
                str(b["project_id"]),
                int(b["number"]),
                str(b["title"]),
                int(b["cost_cents"]),
                Rect.from_dict(b),
                Rect.from_dict(b["label"]),
            )
            for b in data["boxes"]
        ),
        qr=Rect.from_dict(data["qr"]),
        markers=tuple(
            MarkerLayout(int(m["id"]), str(m["corner"]), Rect.from_dict(m)) for m in data["markers"]
        ),
        format=str(data["format"]),
        version=int(data["version"]),
        groups=tuple(
            GroupLayout(
                str(g["id"]),
                str(g["kind"]),
                tuple(int(i) for i in g["boxes"]),
                None if g.get("zone") is None else Rect.from_dict(g["zone"]),
            )
            for g in data.get("groups") or ()
        ),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)
