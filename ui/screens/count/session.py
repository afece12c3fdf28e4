"""Opening a counting session, and the moments the officer signs (batch close, seal).

The officer's passphrase opens (or, the first time, creates) their signing key; it is asked
when the session opens and again at each signature, never kept. Sealing is the only
irreversible action of the application: the officer types the residence's name to confirm.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.counting.models import Checkpoint, CountSession
from app.errors import UserError
from app.i18n import _
from ui.theme import TONE_ICONS, set_role, tone_colors
from ui.widgets import Form, FormRow, line_edit, primary_button

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from ui.context import AppContext


def passphrase_edit() -> QLineEdit:
    edit = line_edit(placeholder=_("phrase secrète de l'agent"), max_length=500)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class OpenSessionPanel(QWidget):
    """Residence, officer, witnesses, passphrase: opens a session (`opened` carries it)."""

    opened = Signal(object)  # CountSession

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = set_role(
            QLabel(
                _(
                    "Ouvrez une session par urne ou par résidence, en présence des témoins. "
                    "La première fois, votre phrase secrète crée votre clé de signature : "
                    "son empreinte sera imprimée sur le procès-verbal."
                )
            ),
            "muted",
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = Form()
        self.residence = QComboBox()
        self.officer = line_edit(placeholder=_("Prénom Nom"))
        self.witnesses = line_edit(placeholder=_("Prénom Nom, Prénom Nom"), max_length=500)
        self.passphrase = passphrase_edit()
        self.hide_machine = QCheckBox(_("Masquer l'avis de la machine jusqu'à la décision"))
        self.test_mode = QCheckBox(_("Dépouillement d'essai (bulletins d'essai seulement)"))
        self.form.add_row("residence", _("Résidence"), self.residence)
        self.form.add_row("officer", _("Agent de dépouillement"), self.officer)
        self.form.add_row(
            "witnesses",
            _("Témoins présents"),
            self.witnesses,
            _("Séparez les noms par des virgules."),
        )
        self.form.add_row("passphrase", _("Phrase secrète"), self.passphrase)
        self.passphrase_again = passphrase_edit()
        self.form.add_row(
            "passphrase_again",
            _("Phrase secrète, une seconde fois"),
            self.passphrase_again,
            _("Première session de cet agent : la phrase crée sa clé, tapez-la deux fois."),
        )
        self.demo_hint = set_role(QLabel(), "muted")
        self.demo_hint.setWordWrap(True)
        self.form.add_widget(self.demo_hint)
        self.form.add_widget(self.hide_machine)
        self.form.add_widget(self.test_mode)
        layout.addWidget(self.form)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        layout.addWidget(self.advice)
        self.acknowledge = QCheckBox(_("J'ai lu ces avertissements : ouvrir quand même"))
        self.form.register("acknowledge", FormRow(_("Avertissements"), self.acknowledge))
        self.form.rows["acknowledge"].label.hide()
        layout.addWidget(self.form.rows["acknowledge"])
        self.open_button = primary_button(_("Ouvrir la session"), self.open_session)
        layout.addWidget(self.open_button)
        layout.addStretch(1)
        self.passphrase.returnPressed.connect(self.open_session)
        self.passphrase_again.returnPressed.connect(self.open_session)
        self.officer.textChanged.connect(self._officer_changed)
        self._officer_changed()
        self.residence.currentIndexChanged.connect(self.show_advice)
        self.test_mode.toggled.connect(self.show_advice)
        self.show_advice()

    def show_advice(self) -> None:
        """Say what looks wrong about opening this count now, and what it locks (live only)."""
        residence_id = self.residence.currentData()
        advice = (
            self.ctx.services.count_opening.advice(residence_id, test=self.test_mode.isChecked())
            if residence_id
            else None
        )
        self.warnings = advice.warnings if advice else ()
        lines = [f"{TONE_ICONS['warning']} {w.message}" for w in self.warnings]
        if advice and advice.rule_notice:
            lines.append(f"{TONE_ICONS['info']} {advice.rule_notice}")
        self.advice.setText("\n".join(lines))
        self.advice.setVisible(bool(lines))
        tone = "warning" if self.warnings else "info"
        self.advice.setStyleSheet(f"color: {tone_colors(tone)[0]}; font-weight: bold;")
        self.acknowledge.setChecked(False)
        self.form.rows["acknowledge"].setVisible(bool(self.warnings))

    def new_officer(self) -> bool:
        """True when the typed officer has no key yet: their passphrase is asked twice."""
        name = self.officer.text().strip()
        return bool(name) and not self.ctx.services.counting.has_officer_key(name)

    def _officer_changed(self) -> None:
        self.form.rows["passphrase_again"].setVisible(self.new_officer())
        demo = self.ctx.services.counting.demo_passphrase(self.officer.text())
        self.demo_hint.setText(demo_hint(self.officer.text().strip(), demo))
        self.demo_hint.setVisible(demo is not None)

    def load(self) -> None:
        current = self.residence.currentData()
        self.residence.clear()
        for r in self.ctx.services.campaigns.list_residences():
            self.residence.addItem(r.name, r.id)
        index = self.residence.findData(current)
        self.residence.setCurrentIndex(max(index, 0))
        self.show_advice()

    def open_session(self) -> CountSession | None:
        self.form.clear_errors()
        witnesses = [w.strip() for w in self.witnesses.text().split(",") if w.strip()]
        try:
            if self.residence.currentData() is None:
                raise UserError(_("Choisissez une résidence."), field="residence")
            if not self.officer.text().strip():
                raise UserError(_("Indiquez le nom de l'agent de dépouillement."), field="officer")
            if self.new_officer() and self.passphrase.text() != self.passphrase_again.text():
                raise UserError(
                    _("Les deux phrases secrètes diffèrent : tapez la même deux fois."),
                    field="passphrase_again",
                )
            if self.warnings and not self.acknowledge.isChecked():
                raise UserError(
                    _("Lisez les avertissements ci-dessus, puis cochez la case pour ouvrir."),
                    field="acknowledge",
                )
            session = self.ctx.services.counting.open_session(
                self.residence.currentData(),
                self.officer.text(),
                witnesses,
                passphrase=self.passphrase.text(),
                mode="test" if self.test_mode.isChecked() else "live",
                hide_machine_opinion=self.hide_machine.isChecked(),
            )
        except UserError as exc:
            if not self.form.show_user_error(exc):
                self.form.set_error("passphrase", exc.message)
            return None
        self.passphrase.clear()
        self.passphrase_again.clear()
        self._officer_changed()
        self.opened.emit(session)
        return session


def demo_hint(officer: str, passphrase: str | None) -> str:
    if passphrase is None:
        return ""
    return _("Démonstration : la phrase secrète de {officer} est « {passphrase} ».").format(
        officer=officer, passphrase=passphrase
    )


def loose(text: str) -> str:
    """A name as compared for the seal's confirmation: no case, no accents, single spaces."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


class SignDialog(QDialog):
    """The passphrase (and, to seal, the residence's name typed in full) before signing.

    The dialog stays open until the signature succeeds: `signing` (a callable returning None on
    success or the error's message) is called by the button; a refusal is shown under the
    passphrase and nothing typed is lost."""

    def __init__(
        self,
        session: CountSession,
        seal: bool,
        parent: QWidget | None = None,
        *,
        signing: Callable[[SignDialog], str | None] | None = None,
        demo_passphrase: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.seal, self.signing = session, seal, signing
        self.setWindowTitle(_("Sceller la session") if seal else _("Clore le lot"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        text = (
            _(
                "Sceller est définitif : plus aucune feuille ni décision ne pourra être ajoutée. "
                "Pour confirmer, tapez le nom de la résidence : « {name} »."
            ).format(name=session.residence_name)
            if seal
            else _(
                "Clore le lot signe le journal à ce point : imprimez ensuite le bordereau pour "
                "que les témoins le signent."
            )
        )
        explain = QLabel(text)
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.form = Form()
        self.confirm = line_edit(placeholder=session.residence_name)
        if seal:
            self.form.add_row("confirm", _("Nom de la résidence"), self.confirm)
        self.passphrase = passphrase_edit()
        self.form.add_row(
            "passphrase", _("Phrase secrète de {officer}").format(officer=session.officer),
            self.passphrase, demo_hint(session.officer, demo_passphrase),
        )  # fmt: skip
        layout.addWidget(self.form)
        self.why = set_role(QLabel(), "muted")
        self.why.setWordWrap(True)
        layout.addWidget(self.why)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Sceller définitivement") if seal else _("Signer et clore le lot"))
        self.buttons.accepted.connect(self.try_sign)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.confirm.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.confirmed()
        self.ok.setEnabled(ok)
        reason = (
            ""
            if ok
            else _("Pour activer « {button} », tapez le nom de la résidence : « {name} ».").format(
                button=self.ok.text(), name=self.session.residence_name
            )
        )
        self.ok.setToolTip(reason)
        self.why.setText(reason)
        self.why.setVisible(bool(reason))

    def confirmed(self) -> bool:
        return not self.seal or loose(self.confirm.text()) == loose(self.session.residence_name)

    def try_sign(self) -> bool:
        """Sign through `signing`; close on success, else show why under the passphrase."""
        if not self.confirmed():
            return False
        self.form.clear_errors()
        error = self.signing(self) if self.signing is not None else None
        if error:
            self.form.set_error("passphrase", error)
            self.passphrase.setFocus()
            self.passphrase.selectAll()
            return False
        self.accept()
        return True


class SlipDialog(QDialog):
    """The slip text of a checkpoint, for the witnesses to check and sign on paper; with a
    session, it also saves the printed slip (PDF) and prints it at 100 %."""

    def __init__(
        self,
        title: str,
        slip: str,
        parent: QWidget | None = None,
        *,
        ctx: AppContext | None = None,
        session_id: str | None = None,
        seq: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.session_id, self.seq = ctx, session_id, seq
        self.setWindowTitle(title)
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        hint = QLabel(_("Imprimez ou recopiez ce bordereau ; les témoins le signent."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.text = QPlainTextEdit(slip)
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        if ctx is not None and session_id is not None:
            self.save_button = QPushButton(_("Enregistrer le bordereau (PDF)…"))
            self.print_button = QPushButton(_("Imprimer…"))
            self.save_button.clicked.connect(self.ask_save)
            self.print_button.clicked.connect(self.ask_print)
            for button in (self.save_button, self.print_button):
                buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def of(
        cls, ctx: AppContext, session_id: str, checkpoint: Checkpoint, title: str, parent: QWidget
    ) -> SlipDialog:
        return cls(title, checkpoint.slip, parent, ctx=ctx, session_id=session_id,
                   seq=checkpoint.seq)  # fmt: skip

    def ask_save(self) -> None:
        assert self.ctx is not None
        folder = Path(self.ctx.settings.last_folder or str(Path.home()))
        name = _("bordereau-entree-{seq}.pdf").format(seq=self.seq)
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer le bordereau"), str(folder / name), _("Documents PDF (*.pdf)")
        )
        if path:
            self.ctx.settings.last_folder = str(Path(path).parent)
            self.save_to(Path(path))

    def save_to(self, path: Path) -> Path | None:
        """Write the slip PDF of this checkpoint; a refusal is shown, never raised."""

        assert self.ctx is not None and self.session_id is not None
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            self.ctx.services.count_slips.write_slip(self.session_id, path, seq=self.seq)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return None
        self.ctx.notify(_("Bordereau enregistré : {path}").format(path=path))
        return path

    def ask_print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog

        from ui.screens.vote.printing import a4_printer

        printer = a4_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Imprimer à 100 % (taille réelle) — jamais « Ajuster à la page »"))
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_with(printer)

    def print_with(self, printer: QPrinter) -> bool:
        """Write the slip to a temporary PDF and paint it on `printer` at its real size (one
        page, quick enough for the GUI thread)."""
        from ui.screens.vote.printing import print_pdf

        assert self.ctx is not None
        with tempfile.TemporaryDirectory(prefix="bp-bordereau-") as folder:
            pdf = self.save_to(Path(folder) / "bordereau.pdf")
            if pdf is None:
                return False
            try:
                print_pdf(self.ctx.services, pdf, printer)
            except UserError as exc:
                self.ctx.show_error(exc, self)
                return False
        self.ctx.notify(_("Bordereau envoyé à l'imprimante."))
        return True
