"""The current sheet, large, with its boxes outlined, and the counters always in view.

Each box is outlined green (compté), grey (vide) or orange (à revoir) and carries a small tag
with an icon and the word, so colour is never the only signal. The box under review is framed
in the accent colour. The counters strip shows lus, valides, blancs, nuls and à revoir.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.domain.counting.models import Tally
from app.i18n import N_, _
from app.services.counting.view import COUNTED, EMPTY, REVIEW, SheetPicture
from ui.tasks import format_count
from ui.theme import COLORS, set_role

# state -> (outline colour, tag text colour, tag background, icon, word)
BOX_STYLES: dict[str, tuple[str, str, str, str, str]] = {
    COUNTED: (COLORS.success, COLORS.success, COLORS.success_soft, "✔", N_("compté")),
    EMPTY: ("#8A93A3", COLORS.text_muted, COLORS.neutral_soft, "○", N_("vide")),
    REVIEW: ("#E07B00", COLORS.warning, COLORS.warning_soft, "⚠", N_("à revoir")),
}


def box_word(state: str) -> str:
    _c, _t, _b, icon, word = BOX_STYLES[state]
    return f"{icon} {_(word)}"


class SheetView(QWidget):
    """Paints a `SheetPicture` scaled to fit, with its boxes; empty text when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture: SheetPicture | None = None
        self.pixmap = QPixmap()
        self.current_box: str | None = None
        self.empty_text = _("La feuille lue s'affichera ici, en grand, avec ses cases.")
        self.setMinimumSize(300, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(_("Feuille en cours"))

    def show_picture(self, picture: SheetPicture | None, current_box: str | None = None) -> None:
        self.picture, self.current_box = picture, current_box
        self.pixmap = QPixmap()
        if picture is not None and picture.png:
            self.pixmap.loadFromData(picture.png, "PNG")
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The boxes in words (for screen readers and tests): "n° 1 ✔ compté; ..."."""
        if self.picture is None:
            return ""
        return "; ".join(f"n° {b.number} {box_word(b.state)}" for b in self.picture.boxes)

    def _page_rect(self) -> QRectF:
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        w, h = self.pixmap.width(), self.pixmap.height()
        scale = min(area.width() / w, area.height() / h)
        x = area.x() + (area.width() - w * scale) / 2
        return QRectF(x, area.y(), w * scale, h * scale)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(COLORS.surface))
        if self.pixmap.isNull():
            painter.setPen(QColor(COLORS.text_muted))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        page = self._page_rect()
        painter.drawPixmap(page, self.pixmap, QRectF(self.pixmap.rect()))
        painter.setPen(QPen(QColor(COLORS.border), 1))
        painter.drawRect(page)
        if self.picture is not None and self.picture.upright:
            self._paint_boxes(painter, page)
        painter.end()

    def _paint_boxes(self, painter: QPainter, page: QRectF) -> None:
        assert self.picture is not None
        k = page.width() / (self.pixmap.width() / self.picture.px_per_mm)  # screen px per mm
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, min(11.0, 2.6 * k)))
        font.setBold(True)
        painter.setFont(font)
        for box in self.picture.boxes:
            x, y, w, h = box.rect
            rect = QRectF(page.x() + x * k, page.y() + y * k, w * k, h * k)
            outline, fg, bg, icon, word = BOX_STYLES[box.state]
            painter.setPen(QPen(QColor(outline), max(2.0, 0.8 * k)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(-0.8 * k, -0.8 * k, 0.8 * k, 0.8 * k))
            self._tag(painter, page, rect, f"{icon} {_(word)}", fg, bg)
            if box.project_id == self.current_box:
                painter.setPen(QPen(QColor(COLORS.accent), 3, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                right = page.right() - 2 * k
                painter.drawRect(QRectF(rect.x() - 3 * k, rect.y() - 3 * k,
                                        right - rect.x() + 3 * k, rect.height() + 6 * k))  # fmt: skip

    @staticmethod
    def _tag(painter: QPainter, page: QRectF, box: QRectF, text: str, fg: str, bg: str) -> None:
        """A pill with icon + word at the right edge of the page, on the box's line."""
        metrics = painter.fontMetrics()
        width, height = metrics.horizontalAdvance(text) + 14, metrics.height() + 6
        pill = QRectF(page.right() - width - 6, box.center().y() - height / 2, width, height)
        painter.setPen(QPen(QColor(fg), 1.5))
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)


class Counter(QFrame):
    """One figure with its word below it; `tone` colours the figure when it matters."""

    def __init__(self, word: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.setSpacing(0)
        self.figure = set_role(QLabel("0"), "figure")
        self.word = set_role(QLabel(word), "muted")
        for label in (self.figure, self.word):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)

    def set_value(self, value: int, alert: bool = False) -> None:
        self.figure.setText(format_count(value))
        color = COLORS.warning if alert and value else COLORS.accent
        self.figure.setStyleSheet(f"color: {color};")
        self.setAccessibleName(f"{self.word.text()} : {value}")


COUNTER_WORDS = (
    ("read", N_("lus")),
    ("valid", N_("valides")),
    ("blank", N_("blancs")),
    ("invalid", N_("nuls")),
    ("review", N_("à revoir")),
    ("set_aside", N_("mis de côté")),
    ("rejected", N_("rejetés")),
)


class CountersBar(QWidget):
    """Lus, valides, blancs, nuls, à revoir (and mis de côté, rejetés): always visible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.counters: dict[str, Counter] = {}
        for key, word in COUNTER_WORDS:
            self.counters[key] = Counter(_(word))
            row.addWidget(self.counters[key])
        row.addSpacing(8)

    def set_tally(self, tally: Tally | None) -> None:
        t = tally or Tally()
        values = {
            "read": t.sheets - t.skipped,
            "valid": t.valid,
            "blank": t.blank,
            "invalid": t.invalid,
            "review": t.pending,
            "set_aside": t.set_aside,
            "rejected": t.rejected,
        }
        for key, counter in self.counters.items():
            counter.set_value(values[key], alert=key in ("review", "rejected"))

    def values(self) -> dict[str, int]:
        return {k: int(c.figure.text().replace("\u202f", "")) for k, c in self.counters.items()}
