"""Online ideas' moderation, above the idea's form: who proposed it (if they said), whether
their name may be shown on the site, and "Accepter" / "Refuser (motif)…" with the keyboard.

An accepted idea follows the path of meeting ideas (shown on the site, can become a project,
goes to the commission); a refused one stays in the app with its reason, never on the site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.domain.dates import format_datetime
from app.errors import UserError
from app.i18n import _
from ui.theme import set_role

if TYPE_CHECKING:
    from ui.context import AppContext


class RefuseDialog(QDialog):
    """The reason of a refusal (required): Entrée refuses, Échap cancels."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Refuser l'idée"))
        layout = QVBoxLayout(self)
        text = QLabel(
            _("Refuser « {title} » ? Elle ne sera pas affichée sur le site. Donnez le motif "
              "(il reste dans l'application, pour l'équipe) :").format(title=title)
        )  # fmt: skip
        text.setWordWrap(True)
        layout.addWidget(text)
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Motif du refus"))
        self.reason.setPlaceholderText(_("Par exemple : hors du périmètre du budget"))
        text.setBuddy(self.reason)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Refuser l'idée"))
        self.ok.setEnabled(False)
        self.ok.setDefault(True)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())


class ModerationBox(QFrame):
    """Shown for an online idea: its state, its proposer, and the moderation buttons."""

    moderated = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.idea: m.Idea | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.state = set_role(QLabel(), "section")
        self.state.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # what a resident typed, as is
        self.accept_button = QPushButton(_("Accepter"))
        self.accept_button.setToolTip(
            _("L'idée sera affichée sur le site et pourra devenir un projet.")
        )
        self.accept_button.clicked.connect(self.ask_accept)
        self.refuse_button = QPushButton(_("Refuser (motif)…"))
        self.refuse_button.clicked.connect(self.ask_refuse)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.refuse_button)
        buttons.addWidget(self.accept_button)
        layout.addWidget(self.state)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.hide()

    def set_idea(self, idea: m.Idea | None) -> None:
        self.idea = idea
        self.setVisible(idea is not None and idea.origin == "online")
        if idea is None or idea.origin != "online":
            return
        label = m.MODERATION_LABELS.get(idea.moderation, m.MODERATION_LABELS[m.MODERATION_PENDING])
        self.state.setText(_(label))
        lines = [_("Reçue le {moment}").format(moment=format_datetime(idea.meta.created_at))]
        if idea.online_name:
            lines.append(_("Proposée par : {name}").format(name=idea.online_name))
            lines.append(
                _("Nom affiché sur le site : oui (accord donné)")
                if idea.name_public
                else _("Nom affiché sur le site : non")
            )
        else:
            lines.append(_("Proposée sans nom."))
        if idea.online_contact:
            lines.append(
                _("Contact (jamais publié) : {contact}").format(contact=idea.online_contact)
            )
        if idea.moderation == m.MODERATION_REFUSED and idea.moderation_reason:
            lines.append(_("Motif du refus : {reason}").format(reason=idea.moderation_reason))
        self.details.setText("\n".join(lines))
        self.accept_button.setVisible(idea.moderation != m.MODERATION_ACCEPTED)
        self.refuse_button.setVisible(idea.moderation != m.MODERATION_REFUSED)

    def ask_accept(self) -> None:
        idea = self.idea
        if idea is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Accepter l'idée ?"),
            _("« {title} » sera une idée comme celles des ateliers : affichée sur le site après "
              "la prochaine synchronisation (sans le nom de son auteur, sauf accord), elle pourra "
              "devenir un projet et passer en commission.").format(title=idea.title),
            parent=self,
        )  # fmt: skip
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Accepter"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        self._apply(lambda: self.ctx.services.ideas.accept_idea(idea.id), _("Idée acceptée."))

    def ask_refuse(self) -> None:
        idea = self.idea
        if idea is None:
            return
        dialog = RefuseDialog(idea.title, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason = dialog.reason.text()
        self._apply(
            lambda: self.ctx.services.ideas.refuse_idea(idea.id, reason), _("Idée refusée.")
        )

    def _apply(self, action: Callable[[], m.Idea], done: str) -> None:
        try:
            changed = action()
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.set_idea(changed)
        self.ctx.notify(done)
        self.moderated.emit(changed.id)
