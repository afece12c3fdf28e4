"""Form rows with their inline error line, and small field helpers.

Errors are shown as a red line (icon + words) right under the field concerned, never in a pop-up:
a `UserError` from a service names its input field in `.field`, and `Form.show_user_error` puts the
message under the matching row.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_euros, parse_euros
from app.errors import UserError
from app.i18n import _
from ui.theme import TONE_ICONS, set_role


def _mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class FormRow(QWidget):
    """A label above its field, an optional hint, and a red error line (hidden when all is well)."""

    def __init__(
        self, label: str, widget: QWidget, *, hint: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.widget = widget
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(3)
        self.label = QLabel(label)
        self.label.setBuddy(widget)
        self.label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.label)
        layout.addWidget(widget)
        self.hint = set_role(QLabel(hint), "muted")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.error = set_role(QLabel(), "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.error.setAccessibleName(_("Erreur"))
        layout.addWidget(self.error)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", ""))

    def set_error(self, message: str | None) -> None:
        self.error.setText(f"{TONE_ICONS['danger']} {message}" if message else "")
        self.error.setVisible(bool(message))
        _mark_invalid(self.widget, bool(message))

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""


class Form(QWidget):
    """A vertical stack of `FormRow`s addressed by the service's input field names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, FormRow] = {}
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(8)

    def add_row(self, field: str, label: str, widget: QWidget, hint: str = "") -> FormRow:
        row = FormRow(label, widget, hint=hint, parent=self)
        self.rows[field] = row
        self.layout_.addWidget(row)
        return row

    def register(self, field: str, row: FormRow) -> FormRow:
        """Address a row placed elsewhere (e.g. in a grid) by its service field name."""
        self.rows[field] = row
        return row

    def add_widget(self, widget: QWidget) -> None:
        self.layout_.addWidget(widget)

    def set_error(self, field: str, message: str) -> None:
        self.rows[field].set_error(message)

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)

    def errors(self) -> dict[str, str]:
        """Visible error lines by field name (used by tests and by the save hint)."""
        return {f: r.error_text() for f, r in self.rows.items() if r.error_text()}

    def show_user_error(self, exc: UserError, focus: bool = True) -> bool:
        """Show the error under its field (which takes the focus unless `focus` is False);
        False when no row matches (the caller shows it elsewhere)."""
        field = exc.field or ""
        row = self.rows.get(field) or self.rows.get(field.split(".")[0])
        if row is None:
            return False
        row.set_error(exc.message)
        if focus and not row.widget.hasFocus():
            row.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True


def line_edit(text: str = "", placeholder: str = "", max_length: int = 200) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(max_length)
    edit.setClearButtonEnabled(True)
    return edit


def tall(edit: QPlainTextEdit, lines: int) -> QPlainTextEdit:
    """Give a multi-line field room for `lines` lines.

    The application stylesheet's `min-height` on text fields wins over `setMinimumHeight`, so the
    height is set through the field's own stylesheet.
    """
    height = edit.fontMetrics().lineSpacing() * lines + 22
    edit.setStyleSheet(f"QPlainTextEdit {{ min-height: {height}px; max-height: {height}px; }}")
    return edit


def text_edit(text: str = "", placeholder: str = "", min_lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    line = edit.fontMetrics().lineSpacing()
    edit.setMinimumHeight(line * min_lines + 16)
    return edit


def int_edit(value: int = 0, maximum: int = 100_000, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)  # typed; arrow keys still step
    return spin


def money_edit(cents: int | None = None, placeholder: str = "12 500") -> QLineEdit:
    """Euros typed the French way ("1 234,50"); read back with `read_money`."""
    edit = line_edit(format_euros(cents).replace("\u00a0€", "") if cents is not None else "")
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def read_money(edit: QLineEdit, field: str, optional: bool = True) -> int | None:
    """Cents from a money field; an empty optional field is None; bad input raises UserError."""
    if optional and not edit.text().strip():
        return None
    return parse_euros(edit.text(), field=field)


class OptionalDateEdit(QWidget):
    """A date that may be left empty: a check box "Date fixée" beside a calendar field."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QHBoxLayout

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(_("Date fixée"))
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit, 1)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.set_value(value)
        self.setFocusProxy(self.edit)

    def value(self) -> date | None:
        if not self.enabled.isChecked():
            return None
        d = self.edit.date()
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.enabled.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.edit.setDate(
            QDate(value.year, value.month, value.day) if value else QDate.currentDate()
        )


def parse_date(text: str, field: str | None = None) -> date | None:
    """A date typed the French way ("29/11/2026", "29/11/26", also "2026-11-29"); empty is None."""
    cleaned = text.strip().replace("-", "/").replace(".", "/").replace(" ", "")
    if not cleaned:
        return None
    parts = cleaned.split("/")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3:
            year = int(parts[2]) + (2000 if len(parts[2]) == 2 else 0)
            return date(year, int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise UserError(
        _("« {text} » n'est pas une date (exemple : 29/11/2026).").format(text=text.strip()),
        field=field,
    )


class DateField(QLineEdit):
    """A date typed as jj/mm/aaaa; left empty when not fixed yet. Read with `value(field)`."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("jj/mm/aaaa"))
        self.setMaxLength(10)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 56)
        self.set_value(value)

    def set_value(self, value: date | None) -> None:
        self.setText(value.strftime("%d/%m/%Y") if value else "")
        self.setCursorPosition(0)

    def value(self, field: str | None = None) -> date | None:
        return parse_date(self.text(), field)


def fit_to_choices(box: QComboBox, most: int = 320) -> None:
    """A filter as wide as its longest choice (up to `most` px at 100 %): the style sheet's
    padding is not in Qt's own size hint, which cut "Toutes les résidences" to "…résider"."""
    metrics = box.fontMetrics()
    widest = max(
        (metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count())), default=0
    )
    zoom = max(1.0, box.font().pointSizeF() / 11)
    box.setMinimumWidth(min(widest + round(56 * zoom), round(most * zoom)))
