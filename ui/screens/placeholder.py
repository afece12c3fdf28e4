"""Screens whose feature comes with a later issue: a clean empty state naming what is coming.

Better than a blank page: the person learns what the phase will do, and what to do meanwhile.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.i18n import N_, _, ngettext
from ui.context import AppContext
from ui.widgets import EmptyState, Screen

# key: (coming soon, what it will do, what to do meanwhile, button text, screen the button opens)
COMING: dict[str, tuple[str, str, str, str, str]] = {
    "meetings": (
        N_("Bientôt : les réunions et le mode atelier"),
        N_(
            "Les réunions avec leur participation, les questions posées, et le mode atelier pour noter les idées en direct."
        ),
        N_("En attendant, préparez les résidences et les dates clés de la campagne."),
        N_("Préparer la campagne"),
        "campaign",
    ),
    "projects": (
        N_("Bientôt : les projets"),
        N_(
            "Regrouper les idées en projets, avec leur description pour le bulletin et leur coût estimé."
        ),
        N_("En attendant, vérifiez les budgets des résidences."),
        N_("Voir la campagne"),
        "campaign",
    ),
    "commission": (
        N_("Bientôt : la commission d'examen"),
        N_(
            "La grille de la commission (projets en lignes, critères en colonnes) et son compte rendu en PDF."
        ),
        N_("En attendant, relisez les critères de recevabilité."),
        N_("Voir les critères"),
        "campaign",
    ),
    "vote": (
        N_("Bientôt : impression des bulletins QR"),
        N_(
            "Les bulletins de chaque résidence avec leur code QR, les fiches projets, l'affiche d'appel au vote et les listes d'émargement."
        ),
        N_(
            "Les bulletins seront construits à partir des projets jugés recevables par la commission."
        ),
        N_("Retour à l'accueil"),
        "home",
    ),
    "count": (
        N_("Bientôt : le dépouillement des bulletins"),
        N_(
            "La lecture des bulletins scannés, les bulletins à revoir décidés au clavier, les compteurs en direct et le journal d'audit scellé."
        ),
        N_("Le dépouillement s'ouvrira quand les bulletins auront été imprimés."),
        N_("Retour à l'accueil"),
        "home",
    ),
    "results": (
        N_("Bientôt : les résultats"),
        N_(
            "Les projets financés dans chaque résidence, la règle de décision expliquée simplement et le procès-verbal de dépouillement."
        ),
        N_("Les résultats apparaîtront ici après le dépouillement."),
        N_("Retour à l'accueil"),
        "home",
    ),
    "sync": (
        N_("Bientôt : la synchronisation"),
        N_(
            "Envoyer et recevoir les modifications entre les ordinateurs de l'équipe, sans rien perdre."
        ),
        "",
        N_("Retour à l'accueil"),
        "home",
    ),
}


class PlaceholderScreen(Screen):
    kinds = ("all",)

    def __init__(self, ctx: AppContext, key: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.key = key
        coming, what, meanwhile, button, target = COMING[key]
        from ui.screens import SCREENS

        self.title = next(_(label) for k, label, _f in SCREENS if k == key)
        layout, self.header = self.standard_layout(self.title)
        self.target = target
        self.meanwhile = _(meanwhile)
        text = f"{_(what)}\n\n{self.meanwhile}" if meanwhile else _(what)
        self.empty = EmptyState(_(coming), text, _(button), self.go_to_target)
        self.empty.setMaximumWidth(760)
        layout.addStretch(1)
        row = QHBoxLayout()  # centred without an alignment flag, so the text wraps to its height
        row.addStretch(1)
        row.addWidget(self.empty, 4)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def go_to_target(self) -> None:
        self.ctx.navigate(self.target)

    def refresh(self) -> None:
        if self.key != "sync":
            return
        pending = self.ctx.services.status.campaign_status().pending_sync_changes
        what = _(COMING["sync"][1])
        self.empty.text_label.setText(
            what
            + "\n\n"
            + ngettext(
                "{n} modification est enregistrée sur cet ordinateur et attend la synchronisation.",
                "{n} modifications sont enregistrées sur cet ordinateur et attendent la synchronisation.",
                pending,
            ).format(n=pending)
        )
