"""Fichier › Sauvegarder la campagne… and Fichier › Restaurer… (app/services/backup.py).

Saving asks the passphrase twice, then writes the file off the GUI thread with its progress.
Restoring asks the passphrase, shows what the file holds (campaign, residences, counts, date)
before anything changes, and, when this laptop already holds a campaign, needs a ticked
confirmation: the current data is set aside, never deleted. The database is closed for the
restore, so the application closes afterwards and opens the restored campaign when relaunched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import CancelToken, UserError
from app.i18n import _
from app.services.backup import (
    BackupError,
    BackupInfo,
    create_backup,
    describe,
    holds_campaign,
    read_backup_info,
    restore_backup,
)
from ui.theme import set_role
from ui.widgets import Form, FormRow, line_edit

if TYPE_CHECKING:
    from ui.context import AppContext

SUFFIX = ".bpsave"


def _secret() -> QLineEdit:
    edit = line_edit(placeholder=_("au moins 8 caractères"), max_length=500)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SaveDialog(QDialog):
    """The save file's passphrase, typed twice; the button writes the file (as a task)."""

    def __init__(self, ctx: AppContext, out: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.out = ctx, out
        self.setWindowTitle(_("Sauvegarder la campagne"))
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Toute la campagne dans un seul fichier chiffré : {path}. Sans la phrase, "
                "personne ne peut l'ouvrir, vous non plus : notez-la en lieu sûr."
            ).format(path=out)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = Form()
        self.passphrase, self.again = _secret(), _secret()
        self.form.add_row("passphrase", _("Phrase de la sauvegarde"), self.passphrase)
        self.form.add_row("again", _("La même phrase, une seconde fois"), self.again)
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Sauvegarder"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.info: BackupInfo | None = None

    def save(self) -> bool:
        self.form.clear_errors()
        if self.passphrase.text() != self.again.text():
            self.form.set_error("again", _("Les deux phrases diffèrent : tapez la même deux fois."))
            return False
        phrase, data_dir = self.passphrase.text(), self.ctx.services.data_dir

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> BackupInfo:
            return create_backup(data_dir, self.out, phrase, progress=progress, cancel=cancel)

        self.ctx.tasks.run(
            work, on_done=self._saved, on_error=self._failed, title=_("Sauvegarde en cours…")
        )
        return True

    def _saved(self, info: BackupInfo) -> None:
        self.info = info
        self.ctx.notify(_("Sauvegarde écrite : {path}").format(path=self.out))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError) and self.form.show_user_error(exc):
            return
        self.ctx.show_error(exc, self)


class RestoreDialog(QDialog):
    """Passphrase, then the preview of the file, then (if needed) the replace confirmation."""

    def __init__(
        self,
        ctx: AppContext,
        source: Path,
        close_data: Callable[[], None],
        parent: QWidget | None = None,
        *,
        reopen_data: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.source, self.close_data = ctx, source, close_data
        self.reopen_data = reopen_data  # a failed restore gives the current data back
        self.data_dir = ctx.services.data_dir
        self.info: BackupInfo | None = None
        self.restored: Any = None
        self.setWindowTitle(_("Restaurer une sauvegarde"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.form = Form()
        self.passphrase = _secret()
        self.form.add_row("passphrase", _("Phrase de la sauvegarde"), self.passphrase)
        layout.addWidget(self.form)
        self.preview = set_role(QLabel(), "muted")
        self.preview.setWordWrap(True)
        layout.addWidget(self.preview)
        self.replace = QCheckBox()
        self.replace_row = self.form.register("replace", FormRow("", self.replace))
        self.replace_row.label.hide()
        layout.addWidget(self.replace_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.next_step)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_step()

    def _show_step(self) -> None:
        previewed = self.info is not None
        self.ok.setText(_("Restaurer") if previewed else _("Voir le contenu"))
        self.preview.setVisible(previewed)
        existing = previewed and holds_campaign(self.data_dir)
        self.replace_row.setVisible(existing)
        if existing:
            current = self.ctx.services.status.campaign_status().campaign_name or ""
            self.replace.setText(
                _(
                    "Remplacer la campagne de cet ordinateur « {name} » (elle sera mise de "
                    "côté dans un dossier voisin, pas effacée)"
                ).format(name=current)
            )

    def next_step(self) -> bool:
        """First the preview (nothing changes), then the restore."""
        self.form.clear_errors()
        if self.info is None:
            try:
                self.info = read_backup_info(self.source, self.passphrase.text())
            except BackupError as exc:
                if not self.form.show_user_error(exc):
                    self.form.set_error("passphrase", exc.message)
                return False
            lines = describe(self.info)
            self.preview.setText(_("Ce fichier contient :") + "\n" + "\n".join(lines))
            self.passphrase.setEnabled(False)
            self._show_step()
            return True
        return self.restore()

    def restore(self) -> bool:
        asked = holds_campaign(self.data_dir)
        replace = asked and self.replace.isChecked()
        if asked and not replace:
            self.form.set_error(
                "replace", _("Cochez la case pour remplacer la campagne de cet ordinateur.")
            )
            return False
        phrase = self.passphrase.text()
        self.close_data()  # the database must not be open while it is replaced

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> Any:
            return restore_backup(
                self.source, phrase, self.data_dir, replace=replace, progress=progress,
                cancel=cancel,
            )  # fmt: skip

        self.ctx.tasks.run(
            work, on_done=self._restored, on_error=self._failed,
            title=_("Restauration en cours…"), cancellable=False,
        )  # fmt: skip
        return True

    def _restored(self, result: Any) -> None:
        self.restored = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if self.reopen_data is not None:
            self.reopen_data()  # nothing was changed: work goes on with the current campaign
        self.ctx.show_error(exc, self)


def ask_save_file(ctx: AppContext, parent: QWidget) -> Path | None:
    folder = Path(ctx.settings.last_folder or str(Path.home()))
    name = _("sauvegarde-campagne{suffix}").format(suffix=SUFFIX)
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Sauvegarder la campagne"), str(folder / name),
        _("Sauvegardes BP Terrain (*{suffix})").format(suffix=SUFFIX),
    )  # fmt: skip
    if not path:
        return None
    out = Path(path)
    if out.suffix != SUFFIX:
        out = out.with_name(out.name + SUFFIX)
    ctx.settings.last_folder = str(out.parent)
    return out


def ask_backup_file(ctx: AppContext, parent: QWidget) -> Path | None:
    folder = ctx.settings.last_folder or str(Path.home())
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Restaurer une sauvegarde"), folder,
        _("Sauvegardes BP Terrain (*{suffix})").format(suffix=SUFFIX),
    )  # fmt: skip
    return Path(path) if path else None
