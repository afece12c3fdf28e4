"""A horizontal bar chart of votes per project, painted with QPainter (no extra dependency).

Funded projects are drawn in the accent colour with "✔ financé"; the others in grey with their
status in words, so the chart reads without colour too. A long title is elided to the label
column; resting the pointer on its line shows it whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.i18n import _
from app.services.counting.results import ProjectLine
from ui.tasks import format_count
from ui.theme import COLORS

ROW = 34
#: Largest share of the chart's width given to the project labels (longer ones are elided).
LABEL_SHARE = 0.45
#: ... and the least it keeps when the chart is narrow (the status is elided next).
LABEL_FLOOR = 0.30
#: The longest bar's least length, in pixels.
MIN_BAR = 40.0


@dataclass(frozen=True)
class ChartRow:
    """One project's line as drawn: label (elided to its rectangle), bar, votes and status."""

    line: ProjectLine
    label: str
    label_rect: QRectF
    bar: QRectF
    after: str
    after_rect: QRectF


class VotesChart(QWidget):
    """One bar per project, longest first, with its votes and status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[ProjectLine] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setAccessibleName(_("Voix par projet"))

    def set_lines(self, lines: Sequence[ProjectLine]) -> None:
        self.lines = sorted(lines, key=lambda p: (-p.votes, p.number or 0))
        self.setMinimumHeight(ROW * max(1, len(self.lines)) + 16)
        self.setAccessibleDescription(
            "; ".join(f"{p.title} : {p.votes} voix, {p.status_label}" for p in self.lines)
        )
        self.updateGeometry()
        self.update()

    def rows(self) -> list[ChartRow]:
        """Where each line is drawn at the current width: its label elided to fit the label
        column (at most 45 % of the width), its bar, and its votes and status after the bar."""
        metrics = self.fontMetrics()
        if not self.lines:
            return []
        width = float(self.width())
        label_w = min(
            width * LABEL_SHARE,
            max(metrics.horizontalAdvance(self._label(p)) for p in self.lines) + 12,
        )
        status_w = max(metrics.horizontalAdvance(self._after_bar(p)) for p in self.lines) + 8.0
        room = width - 16 - MIN_BAR  # for the labels and the votes and status
        if label_w + status_w > room:  # narrow: labels down to their floor, then the status
            label_w = max(min(label_w, width * LABEL_FLOOR), room - status_w)
            status_w = max(room - label_w, 0.0)
        bar_w = max(MIN_BAR, width - label_w - status_w - 16)
        top = max(1, max(p.votes for p in self.lines))
        out = []
        for i, p in enumerate(self.lines):
            y = 8 + i * ROW
            label_rect = QRectF(0, y, label_w - 8, ROW - 8)
            bar = QRectF(label_w, y + 3, max(bar_w * p.votes / top, 2), ROW - 14)
            after = self._after_bar(p)
            elided = metrics.elidedText(after, Qt.TextElideMode.ElideRight, int(status_w))
            out.append(
                ChartRow(
                    line=p,
                    label=metrics.elidedText(
                        self._label(p), Qt.TextElideMode.ElideRight, int(label_rect.width())
                    ),
                    label_rect=label_rect,
                    bar=bar,
                    after=elided,
                    after_rect=QRectF(bar.right() + 8, y, status_w, ROW - 8),
                )
            )
        return out

    def row_at(self, y: float) -> ChartRow | None:
        for row in self.rows():
            if row.label_rect.top() - 4 <= y < row.label_rect.top() + ROW - 4:
                return row
        return None

    def tooltip_text(self, p: ProjectLine) -> str:
        """The whole line, the title never cut: shown when the pointer rests on a bar."""
        return _("{label} : {votes} voix, {status}").format(
            label=self._label(p), votes=format_count(p.votes), status=p.status_label
        )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            row = self.row_at(event.pos().y())
            if row is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_text(row.line), self)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.lines:
            painter.setPen(QColor(COLORS.text_muted))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, _("Aucune voix pour l'instant.")
            )
            return
        for row in self.rows():
            funded = row.line.status == "funded"
            painter.setPen(QColor(COLORS.text))
            painter.drawText(
                row.label_rect,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                row.label,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(COLORS.accent if funded else "#9AA3B2"))
            painter.drawRoundedRect(row.bar, 3, 3)
            painter.setPen(QColor(COLORS.success if funded else COLORS.text_muted))
            painter.drawText(row.after_rect, Qt.AlignmentFlag.AlignVCenter, row.after)
        painter.end()

    @staticmethod
    def _after_bar(p: ProjectLine) -> str:
        return f"{format_count(p.votes)}  {VotesChart._status(p)}"

    @staticmethod
    def _label(p: ProjectLine) -> str:
        return f"{p.number if p.number is not None else '?'}. {p.title}"

    @staticmethod
    def _status(p: ProjectLine) -> str:
        return ("✔ " if p.status == "funded" else "· ") + p.status_label
