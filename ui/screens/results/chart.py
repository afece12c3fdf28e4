"""A horizontal bar chart of votes per project, painted with QPainter (no extra dependency).

Funded projects are drawn in the accent colour with "✔ financé"; the others in grey with their
status in words, so the chart reads without colour too.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.i18n import _
from app.services.counting.results import ProjectLine
from ui.tasks import format_count
from ui.theme import COLORS

ROW = 34


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

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.lines:
            painter.setPen(QColor(COLORS.text_muted))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, _("Aucune voix pour l'instant.")
            )
            return
        metrics = painter.fontMetrics()
        label_w = min(
            self.width() * 0.38,
            max(metrics.horizontalAdvance(self._label(p)) for p in self.lines) + 12,
        )
        status_w = max(metrics.horizontalAdvance(self._status(p)) for p in self.lines) + 16
        bar_w = max(40.0, self.width() - label_w - status_w - 60)
        top = max(1, max(p.votes for p in self.lines))
        for i, p in enumerate(self.lines):
            y = 8 + i * ROW
            painter.setPen(QColor(COLORS.text))
            label = metrics.elidedText(
                self._label(p), Qt.TextElideMode.ElideRight, int(label_w - 8)
            )
            painter.drawText(
                QRectF(0, y, label_w - 8, ROW - 8),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            width = bar_w * p.votes / top
            funded = p.status == "funded"
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(COLORS.accent if funded else "#9AA3B2"))
            painter.drawRoundedRect(QRectF(label_w, y + 3, max(width, 2), ROW - 14), 3, 3)
            painter.setPen(QColor(COLORS.text))
            text = f"{format_count(p.votes)}  {self._status(p)}"
            painter.setPen(QColor(COLORS.success if funded else COLORS.text_muted))
            painter.drawText(
                QRectF(label_w + width + 8, y, status_w + 50, ROW - 8),
                Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        painter.end()

    @staticmethod
    def _label(p: ProjectLine) -> str:
        return f"{p.number if p.number is not None else '?'}. {p.title}"

    @staticmethod
    def _status(p: ProjectLine) -> str:
        return ("✔ " if p.status == "funded" else "· ") + p.status_label
