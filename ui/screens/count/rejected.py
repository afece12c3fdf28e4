"""Under a sheet the reader refused: why, what to do, and the two ways on.

The reader says which corner is cut or whether the photo misses part of the page
(`scanner.reasons`, e.g. `corner_cut_top_right`); the words come from the count's labels. The
officer then rescans the sheet (it becomes a new sheet; the refused one never counts) or keys
the ballot in by hand, under witnesses, with the reason already filled in.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.counting.models import REJECTED
from app.i18n import _
from app.services.counting import view as count_view
from app.services.counting.view import SheetPicture
from ui.theme import TONE_ICONS, set_role


class RejectedSheetBar(QFrame):
    """Shown only while the sheet on screen is one the reader rejected."""

    rescan = Signal()
    key_by_hand = Signal(str)  # the reason to prefill

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card-late")
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.rescan_button = QPushButton(_("Rescanner cette feuille"))
        self.rescan_button.setToolTip(
            _("La feuille rejetée ne compte pas ; la nouvelle lecture la remplace.")
        )
        self.rescan_button.clicked.connect(self.rescan.emit)
        self.hand_button = QPushButton(_("Saisir ce bulletin à la main"))
        self.hand_button.setToolTip(_("Cochez les projets choisis, devant un témoin."))
        self.hand_button.clicked.connect(self._key_by_hand)
        row.addWidget(self.rescan_button)
        row.addWidget(self.hand_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.picture: SheetPicture | None = None
        self.hide()

    def show_for(self, picture: SheetPicture | None, *_args: object) -> None:
        """Show the bar for a rejected sheet, hide it for anything else."""
        self.picture = picture if picture is not None and picture.outcome == REJECTED else None
        if self.picture is None:
            self.hide()
            return
        self.text.setText(
            f"{TONE_ICONS['warning']} "
            + _("Feuille rejetée par le lecteur ({file}, page {page}) : {why}").format(
                file=self.picture.file_name, page=self.picture.page, why=self.advice()
            )
        )
        self.show()

    def advice(self) -> str:
        return count_view.reasons_text(self.picture.reasons) if self.picture else ""

    def _key_by_hand(self) -> None:
        if self.picture is None:
            return
        # The reason is stored with the ballot: no scan file name in it (a name often holds
        # the scan's time, and the count keeps none).
        self.key_by_hand.emit(_("Feuille rejetée par le lecteur, saisie à la main"))
