"""Campagne: set-up of the campaign (temporary stub while the full screen is written)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.i18n import _
from ui.context import AppContext
from ui.widgets import Screen


class CampaignScreen(Screen):
    kinds = ("campaign", "residences", "criteria")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Campagne")
        self.standard_layout(self.title)
