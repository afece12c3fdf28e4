"""The evaluation report ("Rapport d'évaluation du dispositif") as a PDF, in the shared identity.

The application hands over the whole report as plain blocks (texts already in the reader's
language, figures already formatted): key figures, tables, bar charts, texts and "no data"
notes, grouped in sections. This module only lays them out with reportlab's platypus (pages,
tables that continue on the next page with their header) and draws the charts with
reportlab.graphics. `summary_only` writes the one-page summary for the landlord's board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from ballots.atomic import atomic_path
from ballots.i18n import _
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE_GREY,
    WHITE,
    register_fonts,
)

BAR_SOFT = HexColor("#8FB3D1")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


@dataclass(frozen=True)
class KeyFigure:
    value: str
    label: str


@dataclass(frozen=True)
class KeyFigures:
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class TextBlock:
    text: str  # plain text; blank lines separate paragraphs, "- " starts a bullet
    muted: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class NoData:
    text: str


@dataclass(frozen=True)
class TableBlock:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width
    right: tuple[int, ...] = ()  # columns aligned right (figures)
    total: tuple[str, ...] | None = None  # a last line in bold


@dataclass(frozen=True)
class BarsBlock:
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    value_texts: tuple[str, ...]
    highlight: tuple[bool, ...] = ()
    vertical: bool = False  # columns over time; else one horizontal bar per label
    note: str = ""


Block = KeyFigures | TextBlock | Heading | NoData | TableBlock | BarsBlock


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]
    intro: str = ""
    new_page: bool = False


@dataclass(frozen=True)
class EvaluationReport:
    title: str
    campaign: str
    organiser: str
    period: str
    issued: str  # "le 7 décembre 2026"
    summary: Section
    sections: tuple[Section, ...] = field(default_factory=tuple)


def render_evaluation(report: EvaluationReport, out: Path, *, summary_only: bool = False) -> None:
    """Write the report (or its one-page summary) to `out`, atomically."""
    register_fonts()
    story: list[Flowable] = []
    if summary_only:
        story += _summary_page(report, standalone=True)
    else:
        story += _cover(report)
        story += _summary_page(report, standalone=False)
        for section in report.sections:
            story += _section(section)
    with atomic_path(out) as tmp:
        doc = _Document(str(tmp), report)
        doc.build(story)


# --- page furniture ----------------------------------------------------------------------------


class _Document(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, path: str, report: EvaluationReport) -> None:
        super().__init__(
            path, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=24 * mm,
            bottomMargin=20 * mm, title=report.title, author=report.organiser,
            subject=report.campaign, creator="BP Terrain",
        )  # fmt: skip
        self.report = report
        frame = Frame(
            MARGIN, 20 * mm, WIDTH, A4[1] - 44 * mm, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    def _furniture(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        top = A4[1] - 14 * mm
        if doc.page > 1 or len(self.report.sections) == 0:
            canvas.setFont(FONT, 8.5)
            canvas.setFillColor(MUTED)
            canvas.drawString(MARGIN, top, self.report.campaign)
            canvas.drawRightString(A4[0] - MARGIN, top, self.report.title)
            canvas.setStrokeColor(ACCENT)
            canvas.setLineWidth(1.2)
            canvas.line(MARGIN, top - 3 * mm, A4[0] - MARGIN, top - 3 * mm)
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 11 * mm, self.report.organiser)
        canvas.drawRightString(A4[0] - MARGIN, 11 * mm, _("Page {n}").format(n=doc.page))
        canvas.restoreState()


# --- styles ------------------------------------------------------------------------------------


def _style(name: str, size: float, *, bold: bool = False, color: Color = INK, **kw: Any) -> Any:
    kw.setdefault("alignment", TA_LEFT)
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.35,
        textColor=color, **kw,
    )  # fmt: skip


BODY = _style("body", 10, spaceAfter=4)
MUTED_BODY = _style("muted", 9, color=MUTED, spaceAfter=3)
BULLET = _style("bullet", 10, leftIndent=12, bulletIndent=2, spaceAfter=2)
H1 = _style("h1", 18, bold=True, color=ACCENT, spaceBefore=4, spaceAfter=8)
H2 = _style("h2", 12.5, bold=True, color=INK, spaceBefore=10, spaceAfter=5)
CELL = _style("cell", 8.5)
CELL_RIGHT = _style("cellr", 8.5, alignment=2)
HEAD = _style("head", 7.5, bold=True, color=WHITE)
HEAD_RIGHT = _style("headr", 7.5, bold=True, color=WHITE, alignment=2)
FIG_VALUE = _style("figv", 19, bold=True, color=ACCENT, alignment=1)
FIG_LABEL = _style("figl", 8.5, color=MUTED, alignment=1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- cover and summary -------------------------------------------------------------------------


def _cover(report: EvaluationReport) -> list[Flowable]:
    title = _style("cover", 28, bold=True, color=ACCENT, spaceAfter=10)
    sub = _style("coversub", 15, color=INK, spaceAfter=6)
    band = Table([[""]], colWidths=[WIDTH], rowHeights=[6 * mm])
    band.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), ACCENT)]))
    return [
        Spacer(1, 45 * mm),
        band,
        Spacer(1, 12 * mm),
        Paragraph(_escape(report.title), title),
        Paragraph(_escape(report.campaign), sub),
        Spacer(1, 6 * mm),
        Paragraph(_escape(report.organiser), BODY),
        Paragraph(_escape(report.period), MUTED_BODY),
        Spacer(1, 70 * mm),
        HRFlowable(width="100%", color=RULE_GREY, thickness=0.6),
        Paragraph(
            _escape(_("Document établi {issued} avec BP Terrain.").format(issued=report.issued)),
            MUTED_BODY,
        ),  # fmt: skip
        PageBreak(),
    ]


def _summary_page(report: EvaluationReport, *, standalone: bool) -> list[Flowable]:
    story: list[Flowable] = []
    if standalone:
        story.append(Paragraph(_escape(report.campaign), MUTED_BODY))
    story.append(Paragraph(_escape(report.summary.title), H1))
    if standalone:
        story.append(Paragraph(_escape(f"{report.organiser} · {report.period}"), MUTED_BODY))
    if report.summary.intro:
        story.append(Paragraph(_escape(report.summary.intro), BODY))
    for block in report.summary.blocks:
        story += _block(block, compact=True)
    return story


# --- sections and blocks -----------------------------------------------------------------------


def _section(section: Section) -> list[Flowable]:
    story: list[Flowable] = [PageBreak()] if section.new_page else [CondPageBreak(60 * mm)]
    story.append(Paragraph(_escape(section.title), H1))
    if section.intro:
        story.append(Paragraph(_escape(section.intro), BODY))
    for block in section.blocks:
        story += _block(block)
    return story


def _block(block: Block, *, compact: bool = False) -> list[Flowable]:
    if isinstance(block, KeyFigures):
        return [_spaced(_figures(block.figures), 5 * mm)]
    if isinstance(block, TextBlock):
        return _text(block)
    if isinstance(block, NoData):
        return [_no_data(block.text), Spacer(1, 3 * mm)]
    if isinstance(block, Heading):
        return [CondPageBreak(40 * mm), Paragraph(_escape(block.text), H2)]
    if isinstance(block, TableBlock):
        return [_spaced(_table(block), 4 * mm)]
    parts: list[Flowable] = [Paragraph(_escape(block.title), H2), _bars(block, compact)]
    if block.note:
        parts.append(Paragraph(_escape(block.note), MUTED_BODY))
    return [KeepTogether(parts)]


def _spaced(flowable: Flowable, after: float) -> Flowable:
    """Space after a table as its `spaceAfter`, not a `Spacer`: a spacer that no longer fits at
    the foot of a full page would spill over and leave a blank page before the next section."""
    flowable.spaceAfter = after
    return flowable


def _text(block: TextBlock) -> list[Flowable]:
    out: list[Flowable] = []
    for para in [p.strip() for p in block.text.split("\n\n") if p.strip()]:
        for line in para.split("\n"):
            line = line.strip()
            if line.startswith("- "):
                out.append(Paragraph(_escape(line[2:]), BULLET, bulletText="•"))
            elif line:
                out.append(Paragraph(_escape(line), MUTED_BODY if block.muted else BODY))
        out.append(Spacer(1, 2 * mm))
    return out


def _no_data(text: str) -> Flowable:
    box = Table([[Paragraph(_escape(text), MUTED_BODY)]], colWidths=[WIDTH])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), HexColor("#F3F4F6")),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE_GREY),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))  # fmt: skip
    return box


def _figures(figures: Sequence[KeyFigure]) -> Flowable:
    per_row = 4
    cells = [[Paragraph(_escape(f.value), FIG_VALUE), Paragraph(_escape(f.label), FIG_LABEL)]
             for f in figures]  # fmt: skip
    rows = []
    for start in range(0, len(cells), per_row):
        chunk = cells[start : start + per_row]
        chunk += [["", ""]] * (per_row - len(chunk))
        rows.append([c[0] for c in chunk])
        rows.append([c[1] for c in chunk])
    table = Table(rows, colWidths=[WIDTH / per_row] * per_row)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for r in range(0, len(rows), 2):
        for c in range(per_row):
            if r // 2 * per_row + c < len(figures):
                style.append(("BACKGROUND", (c, r), (c, r + 1), ACCENT_TINT))
                style.append(("BOX", (c, r), (c, r + 1), 2, WHITE))
    table.setStyle(TableStyle(style))
    return table


class _Table(Table):  # type: ignore[misc]
    """A table that never leaves fewer than `MIN_ROWS` rows alone on the next page (a lonely row
    under its repeated header): rows move over with them, or the whole table when it is short."""

    MIN_ROWS = 3

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        head = self.repeatRows
        kept = len(parts[0]._cellvalues)  # rows on this page, header included
        left = len(parts[1]._cellvalues) - head  # body rows on the next page
        if left >= self.MIN_ROWS:
            return parts
        stay = kept - (self.MIN_ROWS - left)
        if stay <= head + 1:  # too short to split well: all of it on the next page
            return []
        height = sum(self._rowHeights[:stay]) + 0.5
        return list(super().split(availWidth, height))


def _table(block: TableBlock) -> Flowable:
    def cell(text: str, col: int, head: bool) -> Paragraph:
        right = col in block.right
        style = (HEAD_RIGHT if right else HEAD) if head else (CELL_RIGHT if right else CELL)
        return Paragraph(_escape(text), style)

    data = [[cell(h, i, True) for i, h in enumerate(block.headers)]]
    data += [[cell(v, i, False) for i, v in enumerate(row)] for row in block.rows]
    if block.total is not None:
        data.append([Paragraph("<b>" + _escape(v) + "</b>", CELL_RIGHT if i in block.right else CELL)
                     for i, v in enumerate(block.total)])  # fmt: skip
    table = _Table(data, colWidths=[w * WIDTH for w in block.widths], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE_GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for r in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), HexColor("#F6F8FA")))
    if block.total is not None:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1, INK))
    table.setStyle(TableStyle(style))
    return table


def _bars(block: BarsBlock, compact: bool) -> Flowable:
    if block.vertical:
        return _columns(block, compact)
    n = len(block.labels)
    row = 5.2 * mm if n > 16 or compact else 7 * mm
    height = n * row + 10 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    label_w = 55 * mm
    chart.x, chart.y = label_w, 4 * mm
    chart.width, chart.height = WIDTH - label_w - 28 * mm, n * row
    chart.data = [list(reversed(block.values))]
    chart.categoryAxis.categoryNames = list(reversed([_short(t, 34) for t in block.labels]))
    _axis_style(chart, 7.5 if n > 16 else 8.5)
    chart.bars.strokeColor = None
    highlight = list(reversed(block.highlight)) if block.highlight else [True] * n
    for i, on in enumerate(highlight):
        chart.bars[(0, i)].fillColor = ACCENT if on else BAR_SOFT
    chart.valueAxis.visible = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(block.values or (1,)) or 1
    drawing.add(chart)
    for i, text in enumerate(reversed(block.value_texts)):
        value = list(reversed(block.values))[i]
        x = chart.x + chart.width * value / chart.valueAxis.valueMax + 2 * mm
        y = chart.y + (i + 0.5) * row - 1.2 * mm
        drawing.add(
            String(x, y, text, fontName=FONT, fontSize=7.5 if n > 16 else 8.5, fillColor=INK)
        )
    return drawing


def _columns(block: BarsBlock, compact: bool) -> Flowable:
    height = (48 if compact else 62) * mm
    drawing = Drawing(WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 12 * mm
    chart.width, chart.height = WIDTH - 16 * mm, height - 18 * mm
    chart.data = [list(block.values)]
    chart.categoryAxis.categoryNames = list(block.labels)
    _axis_style(chart, 7)
    chart.categoryAxis.labels.angle = 45 if len(block.labels) > 10 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(block.labels) > 10 else "n"
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = ACCENT
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = HexColor("#E3E6EA")
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabelFormat = "%d" if len(block.labels) <= 20 else None
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _axis_style(chart: Any, size: float) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = size
        axis.strokeColor = RULE_GREY
    chart.categoryAxis.tickShift = 0


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
