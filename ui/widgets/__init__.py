"""Reusable widgets shared by every screen."""

from ui.widgets.feedback import Badge, EmptyState, SavedHint
from ui.widgets.forms import (
    Form,
    FormRow,
    OptionalDateEdit,
    int_edit,
    line_edit,
    money_edit,
    read_money,
    text_edit,
)
from ui.widgets.screen import Screen, ScreenHeader, ScreenshotVariant, primary_button
from ui.widgets.table_model import (
    CENTER,
    LEFT,
    RIGHT,
    Column,
    DataclassTableModel,
    DataTableView,
    ObjectRole,
    SearchProxyModel,
    SortRole,
    fold,
)
from ui.widgets.toast import Toast

__all__ = [
    "CENTER",
    "LEFT",
    "RIGHT",
    "Badge",
    "Column",
    "DataTableView",
    "DataclassTableModel",
    "EmptyState",
    "Form",
    "FormRow",
    "ObjectRole",
    "OptionalDateEdit",
    "SavedHint",
    "Screen",
    "ScreenHeader",
    "ScreenshotVariant",
    "SearchProxyModel",
    "SortRole",
    "Toast",
    "fold",
    "int_edit",
    "line_edit",
    "money_edit",
    "primary_button",
    "read_money",
    "text_edit",
]
