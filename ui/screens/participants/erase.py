"""The erasure dialog: the one place of the meetings screen that asks for a typed confirmation.

Erasing a person's data cannot be undone (the bytes are purged from the file, see
`ParticipantService.erase_participant`), so instead of an undo toast the dialog asks to type the
person's name, as UX.md reserves for the truly irreversible. Case and accents are not required:
"fatima benali" confirms "Fatima Bénali".
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.i18n import _
from ui.theme import COLORS, set_role
from ui.widgets import fold


def danger_button(text: str) -> QPushButton:
    """A red-outlined button that looks plainly unavailable when disabled.

    The application stylesheet's danger rule comes after its `:disabled` rule and would keep a
    disabled button red, as if it could be pressed.
    """
    button = QPushButton(text)
    button.setProperty("danger", True)
    button.setStyleSheet(
        f"QPushButton:disabled {{ color: {COLORS.text_muted}; border-color: {COLORS.border}; }}"
    )
    return button


def confirmation_text(person: m.Participant) -> str:
    """What must be typed: the person's name, or a fixed word when the record holds no name."""
    return person.name.strip() or _("EFFACER")


def confirms(typed: str, expected: str) -> bool:
    """The typed text matches, ignoring case, accents and extra spaces."""
    return " ".join(fold(typed).split()) == " ".join(fold(expected).split())


class EraseParticipantDialog(QDialog):
    """Explain what will be erased, and enable the button only once the name is typed."""

    def __init__(self, person: m.Participant, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.expected = confirmation_text(person)
        self.setWindowTitle(_("Effacer les données d'une personne"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = _("Effacer les données de « {name} » ?").format(name=self.expected)
        heading = QLabel(title)
        set_role(heading, "section")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        explanation = QLabel(
            _(
                "Son nom, son téléphone, son e-mail, son logement et son accord seront effacés "
                "de cet ordinateur, définitivement. Les idées qu'elle a proposées restent, sans "
                "son nom. Pensez à exporter ses données d'abord si elle les demande."
            )
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        prompt = QLabel(_("Pour confirmer, tapez : {text}").format(text=self.expected))
        prompt.setWordWrap(True)
        self.typed = QLineEdit()
        self.typed.setAccessibleName(_("Confirmation de l'effacement"))
        prompt.setBuddy(self.typed)
        layout.addWidget(prompt)
        layout.addWidget(self.typed)
        self.buttons = QDialogButtonBox()
        self.erase_button = danger_button(_("Effacer définitivement"))
        self.erase_button.setEnabled(False)
        self.erase_button.setAutoDefault(False)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(_("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.typed.textChanged.connect(self._typed_changed)
        self.typed.setFocus()

    def _typed_changed(self, text: str) -> None:
        self.erase_button.setEnabled(confirms(text, self.expected))

    def accept(self) -> None:
        if confirms(self.typed.text(), self.expected):  # Entrée cannot bypass the check
            super().accept()
