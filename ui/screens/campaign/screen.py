"""Campagne: the campaign set-up in four tabs (the campaign and its dates, residences, criteria,
the results rule declared before counting).

Everything is saved as you type, with an "Enregistré" hint; errors appear under their field.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QWidget

from app.errors import UserError
from app.i18n import _
from ui.context import AppContext
from ui.screens.campaign.criteria import CriteriaPanel
from ui.screens.campaign.form import CampaignForm
from ui.screens.campaign.residences import ResidencesPanel
from ui.screens.campaign.rule import RulePanel
from ui.widgets import SavedHint, Screen, ScreenshotVariant, scroll_page


class CampaignScreen(Screen):
    kinds = ("campaign", "residences", "criteria", "projects", "count")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Campagne")
        layout, self.header = self.standard_layout(
            self.title, _("Tout ce que vous tapez est enregistré au fur et à mesure.")
        )
        self.hint = SavedHint()
        self.header.actions.addWidget(self.hint)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.form = CampaignForm(ctx, self.hint)
        scroll = scroll_page(self.form)
        self.residences = ResidencesPanel(ctx)
        self.criteria = CriteriaPanel(ctx)
        self.tabs.addTab(scroll, _("La campagne et ses dates"))
        self.tabs.addTab(self.residences, _("Résidences et budgets"))
        self.tabs.addTab(self.criteria, _("Critères de recevabilité"))
        self.rule = RulePanel(ctx)
        self.tabs.addTab(scroll_page(self.rule), _("Règle de résultats"))
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        layout.addLayout(row)

    def refresh(self) -> None:
        try:
            campaign = self.ctx.services.campaigns.get_campaign()
        except UserError:
            campaign = None
        self.form.load(campaign)
        for index in (1, 2, 3):
            self.tabs.setTabEnabled(index, campaign is not None)
        if campaign is not None:
            self.residences.reload()
            self.criteria.reload()
            self.rule.reload()

    def badge(self) -> str | None:
        if not self.ctx.services.campaigns.has_campaign():
            return _("à créer")
        residences = self.ctx.services.campaigns.list_residences()
        if not residences:
            return _("résidences ?")
        return None

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        """Leaving the screen saves what was being typed."""
        for saver in (self.form.saver, self.residences.saver, self.criteria.saver):
            saver.flush()
        super().hideEvent(event)

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [
            ("campaign-residences", self._show_residences),
            ("campaign-rule", self._show_rule),
        ]

    def _show_rule(self) -> QWidget:
        self.tabs.setCurrentIndex(3)
        return self

    def _show_residences(self) -> QWidget:
        self.tabs.setCurrentWidget(self.residences)
        return self
