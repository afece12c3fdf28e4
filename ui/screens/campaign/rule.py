"""Règle de résultats: the campaign declares, before counting, how funded projects are chosen.

One plain French sentence per rule, the vote threshold, the Equal Shares options, the tie-break
in words and the seed of the public lot (with the drawn order, read out loud project by
project). Saved with a button: declaring the rule is a deliberate act, refused by the service
once a live count is open or sealed; the tab then turns read-only and says why.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.i18n import _
from app.services.counting.results import RuleDeclaration
from ui.cli.results_rule import (
    RULE_SENTENCES,
    RULES,
    TIE_BREAK,
    equal_shares_options,
    lot_by_residence,
)
from ui.context import AppContext
from ui.theme import set_role
from ui.widgets import Badge, Form, SavedHint, line_edit, primary_button


def _label(text: str, role: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if role:
        set_role(label, role)
    return label


class RulePanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.declared: RuleDeclaration | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(self._intro())
        self.locked = Badge("", "warning")
        self.locked.setWordWrap(True)
        layout.addWidget(self.locked)
        self.form = Form()
        self.form.add_row("rule", _("Comment choisir les projets financés"), self._rules_box())
        self.threshold = line_edit("0", max_length=7)
        self.threshold.setMaximumWidth(120)
        self.form.add_row(
            "threshold",
            _("Seuil de voix"),
            self.threshold,
            hint=_("Nombre minimal de voix pour être financé ; 0 : au moins une voix suffit."),
        )
        self.form.add_row("options", _("Options des parts égales"), self._mes_box())
        layout.addWidget(self.form)
        layout.addWidget(self._tie_box())
        layout.addLayout(self._buttons())
        layout.addStretch(1)

    def _intro(self) -> QLabel:
        return _label(
            _(
                "La règle décide quels projets sont financés avec le budget de chaque résidence. "
                "Déclarez-la avant d'ouvrir le dépouillement : elle ne peut plus changer ensuite."
            ),
            "muted",
        )

    def _rules_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.rule_group = QButtonGroup(self)
        self.rule_buttons: dict[str, QRadioButton] = {}
        for rule in RULES:
            button = QRadioButton(_(RULE_SENTENCES[rule]))
            button.setAccessibleName(_(RULE_SENTENCES[rule]))
            self.rule_group.addButton(button)
            self.rule_buttons[rule] = button
            column.addWidget(button)
            button.toggled.connect(self._rule_toggled)
        return box

    def _mes_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.overspend_only = QCheckBox(
            _("Arrêter le complément Add1 seulement avant de dépasser le budget")
        )
        self.top_up = QCheckBox(_("Distribuer le reste du budget au plus de voix"))
        self.compare = QCheckBox(
            _("Comparer avec « le plus de voix » et garder le résultat préféré par plus de votants")
        )
        for check in (self.overspend_only, self.top_up, self.compare):
            column.addWidget(check)
        return box

    def _tie_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_label(_("Égalités"), "section"))
        column.addWidget(_label(_(TIE_BREAK)))
        self.seed_form = Form()
        self.seed = line_edit(placeholder=_("ex. 7 12 31"), max_length=200)
        self.seed.setMaximumWidth(360)
        self.seed_form.add_row(
            "lot_seed",
            _("Graine du tirage au sort"),
            self.seed,
            hint=_(
                "Tapez les numéros tirés en public (au chapeau, aux dés), une fois les projets "
                "arrêtés : chacun peut recalculer l'ordre à partir de cette graine."
            ),
        )
        column.addWidget(self.seed_form)
        self.lot = _label("")
        column.addWidget(self.lot)
        return box

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.save_button = primary_button(_("Enregistrer la règle"), self.save)
        self.hint = SavedHint()
        row.addWidget(self.save_button)
        row.addWidget(self.hint)
        row.addStretch(1)
        return row

    # --- data ---------------------------------------------------------------------------

    def reload(self) -> None:
        campaign = self.ctx.services.campaigns.get_campaign()
        self.show_declaration(self.ctx.services.counting.get_results_rule(campaign.id))

    def show_declaration(self, declared: RuleDeclaration) -> None:
        self.declared = declared
        self.form.clear_errors()
        self.seed_form.clear_errors()
        self.rule_buttons[declared.rule].setChecked(True)
        self.threshold.setText(str(declared.threshold))
        self.overspend_only.setChecked(not declared.add1_exhaustive_stop)
        self.top_up.setChecked(declared.top_up)
        self.compare.setChecked(declared.compare_with_greedy)
        self.seed.setText(declared.lot_seed)
        self.lot.setText(self._lot_text(declared))
        self.locked.set_badge(declared.locked, "warning")
        editable = not declared.locked
        for widget in (self.form, self.seed_form, self.save_button):
            widget.setEnabled(editable)
        self._rule_toggled()

    def _lot_text(self, declared: RuleDeclaration) -> str:
        if not declared.lot_seed:
            return _(
                "Pas encore de tirage : l'ordre s'affichera ici une fois la graine enregistrée."
            )
        parts = [_("Ordre tiré (le premier passe devant) :")]
        for residence, places in lot_by_residence(declared.lot):
            names = ", ".join(
                _("n° {n} {title}").format(
                    n=p.number if p.number is not None else "—", title=p.title
                )
                for p in places
            )
            parts.append(f"{residence} : {names}" if residence else names)
        return "\n".join(parts)

    def chosen_rule(self) -> str:
        return next((r for r, b in self.rule_buttons.items() if b.isChecked()), "greedy")

    def _rule_toggled(self, *_args: object) -> None:
        mes = self.chosen_rule() == "mes"
        for check in (self.overspend_only, self.top_up, self.compare):
            check.setEnabled(mes and not (self.declared and self.declared.locked))

    def save(self) -> bool:
        self.form.clear_errors()
        self.seed_form.clear_errors()
        text = self.threshold.text().strip() or "0"
        if not text.isdigit():
            self.form.set_error(
                "threshold", _("Indiquez un nombre entier de voix, 0 ou plus (sans espace).")
            )
            self.hint.mark_failed()
            return False
        rule = self.chosen_rule()
        options = (
            equal_shares_options(
                top_up=self.top_up.isChecked(),
                compare=self.compare.isChecked(),
                overspend_only=self.overspend_only.isChecked(),
            )
            if rule == "mes"
            else {}
        )
        campaign_id = self.ctx.services.campaigns.get_campaign().id
        try:
            self.ctx.services.counting.set_results_rule(
                campaign_id, rule, threshold=int(text), options=options, lot_seed=self.seed.text()
            )
        except UserError as exc:
            if not (self.form.show_user_error(exc) or self.seed_form.show_user_error(exc)):
                self.locked.set_badge(exc.message, "danger")
            self.hint.mark_failed()
            return False
        self.show_declaration(self.ctx.services.counting.get_results_rule(campaign_id))
        self.hint.mark_saved()
        self.ctx.notify(_("Règle de résultats enregistrée."))
        self.ctx.changed("campaign")
        return True
