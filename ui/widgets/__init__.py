"""Reusable widgets shared by every screen."""

from ui.widgets.autosave import AutoSaver, record_saver
from ui.widgets.feedback import Badge, EmptyState, SavedHint
from ui.widgets.forms import (
    DateField,
    Form,
    FormRow,
    OptionalDateEdit,
    int_edit,
    line_edit,
    money_edit,
    parse_date,
    read_money,
    tall,
    text_edit,
)
from ui.widgets.screen import Screen, ScreenHeader, ScreenshotVariant, primary_button
from ui.widgets.scroll import scroll_page
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
    "AutoSaver",
    "Badge",
    "Column",
    "DataTableView",
    "DataclassTableModel",
    "EmptyState",
    "Form",
    "FormRow",
    "ObjectRole",
    "DateField",
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
    "parse_date",
    "primary_button",
    "read_money",
    "record_saver",
    "scroll_page",
    "tall",
    "text_edit",
]
