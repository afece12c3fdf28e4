"""The main screens, in the order of the process; the sidebar and Ctrl+1..9 follow this list.

Each entry is (key, label, factory); a factory takes the `AppContext` and returns a `Screen`.
`lazy("module:Class")` imports the screen's module only when the window is built, so that a
screen module may import anything in ui/ without import cycles. To register a screen, replace its
`placeholder(...)` by `lazy("ui.screens.<area>.screen:<Class>")` (one line; each screen is a
package `ui/screens/<area>/`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.i18n import N_

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.widgets.screen import Screen

ScreenFactory = Callable[["AppContext"], "Screen"]


def lazy(target: str) -> ScreenFactory:
    """A factory that imports "package.module:ClassName" on first use."""

    def factory(ctx: AppContext) -> Screen:
        module_name, _sep, class_name = target.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        return cls(ctx)  # type: ignore[no-any-return]

    factory.target = target  # type: ignore[attr-defined]
    return factory


def placeholder(key: str) -> ScreenFactory:
    """A clean empty state naming the coming feature (see ui/screens/placeholder.py)."""

    def factory(ctx: AppContext) -> Screen:
        from ui.screens.placeholder import PlaceholderScreen

        return PlaceholderScreen(ctx, key)

    return factory


SCREENS: list[tuple[str, str, ScreenFactory]] = [
    ("home", N_("Accueil"), lazy("ui.screens.home.screen:HomeScreen")),
    ("campaign", N_("Campagne"), lazy("ui.screens.campaign.screen:CampaignScreen")),
    ("meetings", N_("Réunions & idées"), lazy("ui.screens.meetings.screen:MeetingsScreen")),
    ("projects", N_("Projets"), lazy("ui.screens.projects.screen:ProjectsScreen")),
    ("commission", N_("Commission"), lazy("ui.screens.commission.screen:CommissionScreen")),
    ("vote", N_("Vote"), lazy("ui.screens.vote.screen:VoteScreen")),
    ("count", N_("Dépouillement"), lazy("ui.screens.count.screen:CountScreen")),
    ("results", N_("Résultats"), lazy("ui.screens.results.screen:ResultsScreen")),
    ("sync", N_("Synchronisation"), lazy("ui.screens.sync.screen:SyncScreen")),
    ("site", N_("Site public"), lazy("ui.screens.site.screen:SiteScreen")),
    ("dashboard", N_("Tableau de bord"), lazy("ui.screens.dashboard.screen:DashboardScreen")),
    ("appointments", N_("Permanences"), lazy("ui.screens.appointments.screen:AppointmentsScreen")),
    ("surveys", N_("Questionnaires"), lazy("ui.screens.surveys.screen:SurveysScreen")),
]


def screen_keys() -> list[str]:
    return [key for key, _label, _factory in SCREENS]
