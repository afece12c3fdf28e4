"""The campaign's own form: name, organiser, rules of the game, key dates, themes.

Saved as you type once the campaign exists; before that, one explicit "Créer la campagne" button.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.errors import UserError
from app.i18n import _
from app.services.campaigns import CampaignInput
from ui.context import AppContext
from ui.theme import set_role
from ui.widgets import (
    AutoSaver,
    DateField,
    Form,
    FormRow,
    SavedHint,
    line_edit,
    primary_button,
    text_edit,
)

# (label, start field, end field); a single date has no end field.
DATE_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("Collecte des idées", "ideas_start", "ideas_end"),
    ("Ateliers", "workshops_start", "workshops_end"),
    ("Commission d'examen", "commission_date", None),
    ("Vote", "vote_start", "vote_end"),
    ("Résultats", "results_date", None),
)


class CampaignForm(QWidget):
    """Emits nothing itself: it calls the services and `ctx.changed("campaign")`."""

    def __init__(self, ctx: AppContext, hint: SavedHint, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.campaign: m.Campaign | None = None
        self.form = Form()
        self.saver = AutoSaver(self.save, self.form, hint, parent=self)
        self.dates: dict[str, DateField] = {}
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 8, 0, 0)
        columns.setSpacing(32)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        self._build_identity(left)
        self._build_dates(right)
        self.create_button = primary_button(_("Créer la campagne"), self.create)
        left.addWidget(self.create_button)
        left.addStretch(1)
        right.addStretch(1)

    def _build_identity(self, layout: QVBoxLayout) -> None:
        self.name = line_edit(placeholder=_("Budget participatif des habitants 2026"))
        self.organiser = line_edit(placeholder=_("Nom du bailleur ou de la collectivité"))
        self.short_code = line_edit(placeholder="BP26", max_length=12)
        self.description = text_edit(min_lines=3)
        self.rules = text_edit(min_lines=5)
        for edit in (self.description, self.rules):
            edit.setMaximumHeight(edit.minimumHeight() + 20)
        self.form.add_row("name", _("Nom de la campagne"), self.name)
        ident = QHBoxLayout()
        ident.setSpacing(16)
        ident.addWidget(
            self.form.register("organiser", FormRow(_("Organisateur"), self.organiser)), 3
        )
        ident.addWidget(
            self.form.register(
                "short_code",
                FormRow(_("Code court (bulletins)"), self.short_code),
            ),
            1,
        )
        self.form.layout_.addLayout(ident)
        self.form.add_row("description", _("Présentation"), self.description)
        self.form.add_row(
            "rules_text",
            _("Règles du jeu"),
            self.rules,
            hint=_("Expliquées aux habitants : qui propose, qui choisit, comment on vote."),
        )
        layout.addWidget(self.form)
        for edit in (self.name, self.organiser, self.short_code):
            edit.textEdited.connect(self._touched)
        for text in (self.description, self.rules):
            text.textChanged.connect(self._touched)

    def _build_dates(self, layout: QVBoxLayout) -> None:
        layout.addWidget(set_role(QLabel(_("Dates clés")), "section"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        for col, text in ((1, _("Début ou date")), (2, _("Fin"))):
            grid.addWidget(set_role(QLabel(text), "muted"), 0, col)
        for row, (label, start, end) in enumerate(DATE_ROWS, start=1):
            name = QLabel(_(label))
            name.setStyleSheet("font-weight: bold;")
            name.setWordWrap(True)
            grid.addWidget(name, row, 0)
            first = _("{label} : début") if end else _("{label} : date")
            self._add_date(grid, row, 1, start, first.format(label=_(label)))
            if end:
                self._add_date(grid, row, 2, end, _("{label} : fin").format(label=_(label)))
        grid.setColumnStretch(0, 1)
        layout.addLayout(grid)
        self.themes = text_edit(min_lines=8)
        self.themes.setMaximumHeight(self.themes.minimumHeight() + 40)
        self.form.register(
            "themes",
            FormRow(
                _("Thèmes"),
                self.themes,
                hint=_("Un thème par ligne ; ils servent à classer les idées."),
            ),
        )
        layout.addSpacing(12)
        layout.addWidget(self.form.rows["themes"])
        self.themes.textChanged.connect(self._touched)
        self.online_ideas = QCheckBox(
            _("Les habitants peuvent proposer des idées sur le site public")
        )
        self.online_ideas.setToolTip(
            _("Chaque page de résidence offre alors un formulaire « Proposer une idée » ; les "
              "idées reçues attendent votre modération (Réunions & idées).")
        )  # fmt: skip
        self.online_ideas.toggled.connect(self._online_ideas_toggled)
        layout.addSpacing(8)
        layout.addWidget(self.online_ideas)

    def _add_date(self, grid: QGridLayout, row: int, col: int, field: str, label: str) -> None:
        edit = DateField()
        edit.setAccessibleName(label)
        edit.setToolTip(label)
        edit.textEdited.connect(self._touched)
        edit.editingFinished.connect(self.saver.flush)
        self.dates[field] = edit
        form_row = FormRow(label, edit)
        form_row.label.hide()
        grid.addWidget(self.form.register(field, form_row), row, col)

    def _touched(self, *_args: object) -> None:
        if self.campaign is not None:  # before creation, the explicit button saves
            self.saver.touch()

    # --- data --------------------------------------------------------------------------------

    def load(self, campaign: m.Campaign | None) -> None:
        same = (
            campaign is not None and self.campaign is not None and campaign.id == self.campaign.id
        )
        self.campaign = campaign
        self.create_button.setVisible(campaign is None)  # even when the focus is on it
        if same and self.isAncestorOf(QApplication.focusWidget()):
            return  # never overwrite what the person is typing
        with self.saver.loading():
            self.saver.discard()
            self.name.setText(campaign.name if campaign else "")
            self.organiser.setText(campaign.organiser if campaign else "")
            self.short_code.setText(campaign.short_code if campaign else "")
            self.description.setPlainText(campaign.description if campaign else "")
            self.rules.setPlainText(campaign.rules_text if campaign else "")
            for field, edit in self.dates.items():
                edit.set_value(getattr(campaign, field) if campaign else None)
            self.themes.setPlainText("\n".join(campaign.themes) if campaign else "")
            self.online_ideas.blockSignals(True)
            self.online_ideas.setChecked(bool(campaign and campaign.online_ideas))
            self.online_ideas.setEnabled(campaign is not None)
            self.online_ideas.blockSignals(False)

    def read_input(self) -> CampaignInput:
        dates = {field: edit.value(field) for field, edit in self.dates.items()}
        themes = tuple(t.strip() for t in self.themes.toPlainText().splitlines() if t.strip())
        return CampaignInput(
            name=self.name.text(),
            organiser=self.organiser.text().strip(),
            description=self.description.toPlainText().strip(),
            rules_text=self.rules.toPlainText().strip(),
            short_code=self.short_code.text(),
            themes=themes,
            **dates,
        )

    def save(self) -> None:
        if self.campaign is None:
            return  # nothing to save into yet: "Créer la campagne" does it
        self.campaign = self.ctx.services.campaigns.update_campaign(
            self.campaign.id, self.read_input()
        )
        self.ctx.changed("campaign")

    def _online_ideas_toggled(self, on: bool) -> None:
        """Saved at once (an ordinary synced field: the site offers the form after a sync)."""
        if self.campaign is None:
            return
        self.campaign = self.ctx.services.campaigns.set_online_ideas(on, self.campaign.id)
        self.ctx.notify(
            _("Idées en ligne ouvertes : le site les recevra après la synchronisation.")
            if on
            else _("Idées en ligne fermées.")
        )
        self.ctx.changed("campaign")

    def create(self) -> None:
        self.form.clear_errors()
        try:
            self.campaign = self.ctx.services.campaigns.create_campaign(self.read_input())
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.ctx.show_error(exc, self)
            return
        self.load(self.campaign)
        self.ctx.notify(_("Campagne « {name} » créée.").format(name=self.campaign.name))
        self.ctx.changed("all")
