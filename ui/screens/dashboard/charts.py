"""The dashboard's pictures, painted with QPainter (PySide6-Essentials has no Qt Charts).

`BarChart`: horizontal bars with their label and value in words; a click (or Entrée on the
bar chosen with the arrows) opens the list behind the bar. `Timeline`: the campaign's phases
on one line with where today stands. Both read without colour: every bar and phase carries its
figure or its state in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.dates import format_date
from app.i18n import _
from app.services.dashboard import Milestone
from ui.theme import COLORS

ROW = 30
STATE_WORDS = {"done": "✔", "now": "▶", "later": "○", "undated": "?"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the figure in words beside the bar ("45 %", "12 idées")
    key: str = ""  # what a click opens (residence id, theme...)
    highlight: bool = False


class BarChart(QWidget):
    """One bar per item, in the given order; `bar_clicked(key)` when a bar is chosen."""

    bar_clicked = Signal(str)

    def __init__(self, name: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.empty_text = empty_text
        self.current = -1
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        self.current = -1
        self.setMinimumHeight(ROW * max(1, len(self.bars)) + 12)
        self.setAccessibleDescription("; ".join(f"{b.label} : {b.text}" for b in self.bars))
        self.updateGeometry()
        self.update()

    def bar_at(self, y: float) -> int:
        index = int((y - 6) // ROW)
        return index if 0 <= index < len(self.bars) else -1

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        index = self.bar_at(event.position().y())
        if index >= 0:
            self.bar_clicked.emit(self.bars[index].key)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.bars:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = max(0, min(len(self.bars) - 1, self.current + step))
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current >= 0:
            self.bar_clicked.emit(self.bars[self.current].key)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt API
        if self.current < 0 and self.bars:
            self.current = 0
        super().focusInEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.bars:
            painter.setPen(QColor(COLORS.text_muted))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        metrics = painter.fontMetrics()
        label_w = min(
            self.width() * 0.36, max(metrics.horizontalAdvance(b.label) for b in self.bars) + 12
        )
        text_w = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 12
        bar_w = max(30.0, self.width() - label_w - text_w - 8)
        top = max((b.value for b in self.bars), default=0) or 1
        for i, bar in enumerate(self.bars):
            self._paint_bar(painter, i, bar, label_w, bar_w * bar.value / top)
        painter.end()

    def _paint_bar(self, painter: QPainter, i: int, bar: Bar, label_w: float, width: float) -> None:
        y = 6 + i * ROW
        metrics = painter.fontMetrics()
        if i == self.current and self.hasFocus():
            painter.setPen(QPen(QColor(COLORS.focus), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(1, y, self.width() - 2, ROW - 2), 4, 4)
        painter.setPen(QColor(COLORS.text))
        label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_w - 10))
        painter.drawText(
            QRectF(0, y, label_w - 10, ROW - 2),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(COLORS.accent if bar.highlight else "#7F9CC4"))
        painter.drawRoundedRect(QRectF(label_w, y + 6, max(width, 2), ROW - 14), 3, 3)
        painter.setPen(QColor(COLORS.text))
        painter.drawText(
            QRectF(label_w + width + 6, y, self.width() - label_w - width - 6, ROW - 2),
            Qt.AlignmentFlag.AlignVCenter,
            bar.text,
        )


class Timeline(QWidget):
    """The phases left to right, each with its dates and state; today's phase stands out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[Milestone] = []
        self.setMinimumHeight(92)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Calendrier de la campagne"))

    def set_milestones(self, steps: Sequence[Milestone]) -> None:
        self.steps = list(steps)
        self.setAccessibleDescription(
            "; ".join(f"{s.label} : {self.state_word(s)} ({self.dates(s)})" for s in self.steps)
        )
        self.update()

    @staticmethod
    def state_word(step: Milestone) -> str:
        words = {
            "done": _("terminé"),
            "now": _("en cours"),
            "later": _("à venir"),
            "undated": _("date à fixer"),
        }
        return f"{STATE_WORDS[step.state]} {words[step.state]}"

    @staticmethod
    def dates(step: Milestone) -> str:
        """ "17 décembre 2026", or "28/09 – 09/11/2026" for a period (it fits its column)."""
        if step.start is None and step.end is None:
            return _("date à fixer")
        if step.start == step.end or step.end is None or step.start is None:
            return format_date(step.start or step.end, weekday=False)  # type: ignore[arg-type]
        start = step.start.strftime("%d/%m" if step.start.year == step.end.year else "%d/%m/%Y")
        return _("{start} – {end}").format(start=start, end=step.end.strftime("%d/%m/%Y"))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if not self.steps:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width() / len(self.steps)
        line_y = 22.0
        painter.setPen(QPen(QColor(COLORS.border), 3))
        painter.drawLine(int(width / 2), int(line_y), int(self.width() - width / 2), int(line_y))
        for i, step in enumerate(self.steps):
            self._paint_step(painter, QRectF(i * width, 0, width, self.height()), step, line_y)
        painter.end()

    def _paint_step(self, painter: QPainter, cell: QRectF, step: Milestone, line_y: float) -> None:
        colour = {
            "done": COLORS.success,
            "now": COLORS.accent,
            "later": COLORS.neutral,
            "undated": COLORS.warning,
        }[step.state]
        centre = cell.center().x()
        radius = 11.0 if step.state == "now" else 8.0
        painter.setPen(QPen(QColor(colour), 2))
        painter.setBrush(QColor(colour if step.state in ("done", "now") else COLORS.background))
        painter.drawEllipse(QRectF(centre - radius, line_y - radius, 2 * radius, 2 * radius))
        font = painter.font()
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(COLORS.text))
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        line = painter.fontMetrics().height()
        painter.drawText(QRectF(cell.x() + 2, 38, cell.width() - 4, line), flags, step.label)
        painter.setFont(font)
        painter.setPen(QColor(COLORS.text_muted))
        dates = painter.fontMetrics().elidedText(
            self.dates(step), Qt.TextElideMode.ElideRight, int(cell.width() - 4)
        )
        painter.drawText(QRectF(cell.x() + 2, 38 + line, cell.width() - 4, line), flags, dates)
        painter.setPen(QColor(colour))
        painter.drawText(
            QRectF(cell.x() + 2, 38 + 2 * line, cell.width() - 4, line),
            flags,
            self.state_word(step),
        )
