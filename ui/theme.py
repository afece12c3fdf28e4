"""The look of BP Terrain: one calm palette, large readable type, one accent colour.

Field teams read the screen standing, in poor light, on small laptops: every text colour here has
a contrast of at least 4.5:1 on its background (WCAG AA), targets are at least 36 px high, and the
focus ring is thick and coloured so that keyboard users always see where they are. Colour is never
the only signal: badges and messages also carry an icon and a word (see `TONE_ICONS`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 11.0
ATELIER_POINT_SIZE = 22.0
ZOOM_STEPS = (80, 90, 100, 110, 125, 150, 175, 200)


@dataclass(frozen=True)
class Colors:
    """Named colours; the comments give the contrast ratio on white."""

    text: str = "#1A1F29"  # 16:1
    text_muted: str = "#4D5666"  # 7.4:1
    background: str = "#FFFFFF"
    surface: str = "#F4F6F9"
    sidebar: str = "#EAEFF5"
    border: str = "#C5CCD6"
    accent: str = "#1F5AA6"  # 6.6:1, the one accent colour (primary buttons, selection)
    accent_hover: str = "#17467F"
    accent_soft: str = "#DCE8F7"
    focus: str = "#E07B00"
    success: str = "#1D6B34"  # 6.4:1
    success_soft: str = "#DFF1E4"
    warning: str = "#8A4B00"  # 6.9:1
    warning_soft: str = "#FCEBD2"
    danger: str = "#B3261E"  # 6.5:1
    danger_soft: str = "#F9DEDC"
    info: str = "#1F5AA6"
    info_soft: str = "#DCE8F7"
    neutral: str = "#4D5666"
    neutral_soft: str = "#E6E9EE"


COLORS = Colors()

# Colour + icon + word: the icon is drawn beside the word in badges, toasts and error lines.
TONE_ICONS: dict[str, str] = {
    "success": "✔",
    "warning": "⚠",
    "danger": "✖",
    "info": "ℹ",
    "neutral": "•",
}


def tone_colors(tone: str) -> tuple[str, str]:
    """(text colour, soft background) of a tone: success, warning, danger, info or neutral."""
    return getattr(COLORS, tone, COLORS.neutral), getattr(
        COLORS, f"{tone}_soft", COLORS.neutral_soft
    )


def load_fonts() -> str:
    """Register the shipped DejaVu Sans (full French coverage) and return the family to use."""
    family = ""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        try:
            data = (resources.files("resources") / "fonts" / name).read_bytes()
        except (FileNotFoundError, OSError):
            log.warning("font %s not found in resources", name)
            continue
        font_id = QFontDatabase.addApplicationFontFromData(data)
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (families[0] if families else "")
    return family or QApplication.font().family()


def palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: COLORS.background,
        QPalette.ColorRole.WindowText: COLORS.text,
        QPalette.ColorRole.Base: COLORS.background,
        QPalette.ColorRole.AlternateBase: COLORS.surface,
        QPalette.ColorRole.Text: COLORS.text,
        QPalette.ColorRole.Button: COLORS.surface,
        QPalette.ColorRole.ButtonText: COLORS.text,
        QPalette.ColorRole.Highlight: COLORS.accent,
        QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.ToolTipBase: COLORS.text,
        QPalette.ColorRole.ToolTipText: "#FFFFFF",
        QPalette.ColorRole.PlaceholderText: COLORS.text_muted,
        QPalette.ColorRole.Link: COLORS.accent,
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    return pal


def _pt(zoom: float, size: float) -> str:
    return f"{size * zoom:.1f}pt"


def stylesheet(zoom: float = 1.0) -> str:
    """The application stylesheet, with every size scaled by `zoom` (1.0 = 100 %).

    A spin box styled with a padding and no explicit button geometry gets an edit area 1 px wide
    (its digits are typed blind): its buttons are given an origin and a width, none for the
    typed fields that have no buttons (`buttonSymbols` 2 is `NoButtons`).
    """
    c = COLORS
    px = lambda n: f"{round(n * zoom)}px"  # noqa: E731
    return f"""
QWidget {{ color: {c.text}; font-size: {_pt(zoom, BASE_POINT_SIZE)}; }}
QMainWindow, QStackedWidget, QScrollArea > QWidget > QWidget {{ background: {c.background}; }}
QToolTip {{ background: {c.text}; color: #FFFFFF; border: none; padding: 6px; }}
QLabel[role="title"] {{ font-size: {_pt(zoom, 20)}; font-weight: bold; }}
QLabel[role="subtitle"] {{ color: {c.text_muted}; font-size: {_pt(zoom, 11.5)}; }}
QLabel[role="section"] {{ font-size: {_pt(zoom, 13.5)}; font-weight: bold; }}
QLabel[role="muted"] {{ color: {c.text_muted}; }}
QLabel[role="figure"] {{ font-size: {_pt(zoom, 24)}; font-weight: bold; color: {c.accent}; }}
QLabel[role="error"] {{ color: {c.danger}; font-weight: bold; }}
QLabel[role="saved"] {{ color: {c.success}; }}
QLabel[role="empty-title"] {{ font-size: {_pt(zoom, 16)}; font-weight: bold; }}
QFrame[role="card"] {{ background: {c.background}; border: 1px solid {c.border}; border-radius: {px(8)}; }}
QFrame[role="card-late"] {{ background: {c.warning_soft}; border: 1px solid {c.warning}; border-radius: {px(8)}; }}
QFrame[role="empty"] {{ background: {c.surface}; border: 2px dashed {c.border}; border-radius: {px(10)}; }}
QPushButton {{ background: {c.background}; border: 1px solid {c.border}; border-radius: {px(6)};
  padding: {px(7)} {px(16)}; min-height: {px(24)}; }}
QPushButton:hover {{ background: {c.surface}; border-color: {c.accent}; }}
QPushButton:pressed {{ background: {c.accent_soft}; }}
QPushButton:disabled {{ color: {c.text_muted}; background: {c.surface}; }}
QPushButton[primary="true"] {{ background: {c.accent}; color: #FFFFFF; border: 1px solid {c.accent};
  font-weight: bold; }}
QPushButton[primary="true"]:hover {{ background: {c.accent_hover}; }}
QPushButton[danger="true"] {{ color: {c.danger}; border-color: {c.danger}; }}
QPushButton[primary="true"]:disabled, QPushButton[danger="true"]:disabled {{
  color: {c.text_muted}; background: {c.surface}; border-color: {c.border}; }}
QPushButton:focus, QLineEdit:focus, QTextEdit:focus, QPlainTextEdit:focus, QComboBox:focus,
QSpinBox:focus, QDateEdit:focus, QTableView:focus, QListView:focus, QCheckBox:focus {{
  outline: none; border: {px(3)} solid {c.focus}; }}
QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QSpinBox, QDateEdit {{ background: {c.background};
  border: 1px solid {c.border}; border-radius: {px(5)}; padding: {px(5)} {px(8)}; min-height: {px(24)};
  selection-background-color: {c.accent}; selection-color: #FFFFFF; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ subcontrol-origin: border;
  width: {px(20)}; }}
QAbstractSpinBox[buttonSymbols="2"]::up-button, QAbstractSpinBox[buttonSymbols="2"]::down-button {{
  width: 0px; border: none; }}
QLineEdit[invalid="true"], QTextEdit[invalid="true"], QPlainTextEdit[invalid="true"],
QComboBox[invalid="true"], QSpinBox[invalid="true"], QDateEdit[invalid="true"] {{
  border: {px(2)} solid {c.danger}; background: {c.danger_soft}; }}
QTableView, QListView {{ background: {c.background}; alternate-background-color: {c.surface};
  border: 1px solid {c.border}; border-radius: {px(6)}; gridline-color: {c.border};
  selection-background-color: {c.accent}; selection-color: #FFFFFF; }}
QHeaderView::section {{ background: {c.surface}; color: {c.text}; font-weight: bold; border: none;
  border-bottom: 2px solid {c.border}; padding: {px(6)} {px(8)}; }}
QFrame#sidebar {{ background: {c.sidebar}; border-right: 1px solid {c.border}; }}
QScrollArea#sidebar-scroll, QWidget#sidebar-nav {{ background: {c.sidebar}; }}
QLabel#app-name {{ font-size: {_pt(zoom, 14)}; font-weight: bold; color: {c.accent}; }}
QPushButton[nav="true"] {{ background: transparent; border: none; border-radius: {px(6)};
  text-align: left; padding: {px(4)} {px(10)}; min-height: {px(34)}; }}
QPushButton[nav="true"]:hover {{ background: {c.accent_soft}; }}
QPushButton[nav="true"]:checked {{ background: {c.accent}; }}
QPushButton[nav="true"]:focus {{ border: {px(3)} solid {c.focus}; }}
QFrame#toast {{ background: {c.text}; border-radius: {px(8)}; }}
QFrame#toast QLabel {{ color: #FFFFFF; }}
QFrame#toast QPushButton {{ background: transparent; color: #FFFFFF; border: 2px solid #FFFFFF;
  font-weight: bold; }}
QStatusBar {{ background: {c.surface}; border-top: 1px solid {c.border}; }}
QStatusBar QLabel {{ padding: 0 {px(8)}; }}
QTabBar::tab {{ padding: {px(8)} {px(16)}; }}
QTabBar::tab:selected {{ border-bottom: 3px solid {c.accent}; font-weight: bold; }}
"""


def apply_theme(app: QApplication, zoom: float = 1.0) -> None:
    """Install fonts, palette and stylesheet; called again with a new zoom by the zoom actions."""
    family = app.property("bp_font_family") or load_fonts()
    app.setProperty("bp_font_family", family)
    font = QFont(family)
    font.setPointSizeF(BASE_POINT_SIZE * zoom)
    app.setFont(font)
    app.setPalette(palette())
    sheet = stylesheet(zoom)
    if app.styleSheet() != sheet:  # setting it re-polishes every widget, even when unchanged
        app.setStyleSheet(sheet)


def set_role(widget: QWidget, role: str) -> QWidget:
    """Give a widget a stylesheet role (title, subtitle, muted, card...)."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    return widget
