"""The review queue, decided with the keyboard: least certain sheet first.

For each sheet: the box in doubt cut out large, then the whole page (in the sheet view), the
reason in words, and one key per decision — M marqué, N non marqué (the box), I bulletin nul,
A mettre de côté (the whole sheet); ↑/↓ choose another box of the sheet, Entrée confirms the
machine's reading when only the page was in doubt. The machine's opinion can stay hidden until
the person has decided. Each decision records the officer, the witness and the reason.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.counting.models import ReviewItem
from app.errors import UserError
from app.i18n import N_, _
from app.services.counting import view as count_view
from app.services.counting.view import BoxView, SheetPicture
from ui.screens.count.sheet import box_word
from ui.theme import TONE_ICONS, set_role
from ui.widgets import line_edit

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

# key -> (target, value, button word); without a typed reason, the service records the
# decision's default words (app.domain.counting.labels.DEFAULT_REASONS), as the command line does
DECISION_KEYS: dict[int, tuple[str, str, str]] = {
    Qt.Key.Key_M: ("box", "marked", N_("Marqué")),
    Qt.Key.Key_N: ("box", "unmarked", N_("Non marqué")),
    Qt.Key.Key_I: ("sheet", "invalid", N_("Bulletin nul")),
    Qt.Key.Key_A: ("sheet", "set_aside", N_("Mettre de côté")),
}
KEY_NAMES = {Qt.Key.Key_M: "M", Qt.Key.Key_N: "N", Qt.Key.Key_I: "I", Qt.Key.Key_A: "A"}
MACHINE_WORDS = {"marked": N_("marquée"), "unmarked": N_("non marquée"), "review": N_("douteuse")}


class ReviewPanel(QWidget):
    """The current review item with its decision keys; `decided` after each decision,
    `sheet_shown(picture, project_id)` so the sheet view shows the whole page."""

    decided = Signal()
    sheet_shown = Signal(object, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id: str | None = None
        self.witnesses: tuple[str, ...] = ()
        self.items: list[ReviewItem] = []
        self.picture: SheetPicture | None = None
        self.box_index = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Bulletins à revoir"))
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.position = set_role(QLabel(), "section")
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.crop = QLabel()
        self.crop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.crop.setMinimumHeight(90)
        self.crop.setStyleSheet("background: white; border: 1px solid #C5CCD6;")
        self.box_title = QLabel()
        self.box_title.setWordWrap(True)
        self.machine = set_role(QLabel(), "muted")
        self.hide_machine = QCheckBox(_("Masquer l'avis de la machine jusqu'à ma décision"))
        self.hide_machine.toggled.connect(self._show_machine)
        self.witness = QComboBox()
        self.reason_edit = line_edit(
            placeholder=_("Motif (facultatif : un motif par défaut est noté)")
        )
        for w in (self.position, self.reason, self.crop, self.box_title, self.machine):
            layout.addWidget(w)
        layout.addWidget(self.hide_machine)
        layout.addLayout(self._keys())
        layout.addWidget(QLabel(_("Témoin")))
        layout.addWidget(self.witness)
        layout.addWidget(self.reason_edit)
        self.help = set_role(
            QLabel(
                _("Clavier : M, N, I, A décident · ↑/↓ autre case · Entrée confirme la lecture")
            ),
            "muted",
        )
        self.help.setWordWrap(True)
        layout.addWidget(self.help)
        layout.addStretch(1)
        self.done = set_role(
            QLabel(f"{TONE_ICONS['success']} " + _("Aucun bulletin à revoir.")), "section"
        )
        layout.addWidget(self.done)

    def _keys(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(6)
        self.key_buttons: dict[int, QPushButton] = {}
        for i, (key, (_t, _v, word)) in enumerate(DECISION_KEYS.items()):
            button = QPushButton(f"{KEY_NAMES[key]}  ·  {_(word)}")
            button.setToolTip(_("Touche {key}").format(key=KEY_NAMES[key]))
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _c=False, k=key: self.decide(k))
            grid.addWidget(button, i // 2, i % 2)
            self.key_buttons[key] = button
        return grid

    # --- data ---------------------------------------------------------------------------------

    def load(self, session_id: str | None, witnesses: tuple[str, ...], hidden: bool) -> None:
        self.session_id, self.witnesses = session_id, witnesses
        if hidden:
            self.hide_machine.setChecked(True)
        self.hide_machine.setEnabled(not hidden)
        current = self.witness.currentText()
        self.witness.clear()
        self.witness.addItem(_("— aucun témoin —"), "")
        for name in witnesses:
            self.witness.addItem(name, name)
        self.witness.setCurrentIndex(max(0, self.witness.findText(current)))
        self.reload()

    def reload(self) -> None:
        counting = self.ctx.services.counting
        self.items = counting.review_queue(self.session_id) if self.session_id else []
        self.box_index = 0
        self._show_item()

    def current(self) -> ReviewItem | None:
        return self.items[0] if self.items else None

    def _boxes(self) -> list[BoxView]:
        """The boxes to decide: those in doubt, else every box of the sheet."""
        item, pic = self.current(), self.picture
        if item is None or pic is None:
            return []
        doubtful = {b.project_id for b in item.boxes}
        return [b for b in pic.boxes if b.project_id in doubtful] or list(pic.boxes)

    def current_box(self) -> BoxView | None:
        boxes = self._boxes()
        return boxes[self.box_index % len(boxes)] if boxes else None

    def _show_item(self) -> None:
        item = self.current()
        has = item is not None and self.session_id is not None
        for w in (self.reason, self.crop, self.box_title, self.machine, self.hide_machine,
                  self.witness, self.reason_edit, self.help, *self.key_buttons.values()):  # fmt: skip
            w.setVisible(has)
        self.done.setVisible(not has and self.session_id is not None)
        if not has or item is None or self.session_id is None:
            self.position.setText(_("Bulletins à revoir"))
            self.picture = None
            return
        self.position.setText(_("À revoir : 1 sur {n}").format(n=len(self.items)))
        texts = [count_view.reason_text(r) for r in item.reasons] or [_("Lecture à vérifier.")]
        self.reason.setText(f"{TONE_ICONS['warning']} " + " ".join(texts))
        self.picture = self.ctx.services.count_view.sheet_picture(self.session_id, item.sheet_id)
        self._show_box()

    def _show_box(self) -> None:
        box, pic, item = self.current_box(), self.picture, self.current()
        if pic is None or item is None:
            return
        if box is None:
            self.crop.setPixmap(QPixmap())
            self.crop.setText(_("Feuille sans case lisible : décidez la feuille entière (I ou A)."))
            self.box_title.setText("")
        else:
            pixmap = QPixmap()
            pixmap.loadFromData(count_view.box_crop(pic, box.project_id), "PNG")
            self.crop.setPixmap(pixmap.scaledToWidth(min(440, pixmap.width() * 2),
                                                     Qt.TransformationMode.SmoothTransformation))  # fmt: skip
            self.box_title.setText(
                _("Case n° {n} « {title} » — maintenant : {state}").format(
                    n=box.number, title=box.title, state=box_word(box.state)
                )
            )
        self._show_machine()
        self.sheet_shown.emit(pic, box.project_id if box else None)

    def _show_machine(self) -> None:
        box, item = self.current_box(), self.current()
        info = (
            next((b for b in item.boxes if box and b.project_id == box.project_id), None)
            if item
            else None
        )
        if self.hide_machine.isChecked():
            self.machine.setText(_("Avis de la machine masqué jusqu'à votre décision."))
        elif info is not None and info.machine is not None:
            score = f"{(info.score or 0) * 100:.0f}".replace(".", ",")
            self.machine.setText(
                _("Avis de la machine : case {word} (encre {score} %).").format(
                    word=_(MACHINE_WORDS.get(info.machine, info.machine)), score=score
                )
            )
        elif box is not None and box.machine is not None:
            self.machine.setText(
                _("Avis de la machine : case {word}.").format(
                    word=_(MACHINE_WORDS.get(box.machine, box.machine))
                )
            )
        else:
            self.machine.setText("")

    # --- decisions ----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in DECISION_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.decide(key)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self._boxes():
            self.box_index += 1 if key == Qt.Key.Key_Down else -1
            self._show_box()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm_reading()
        else:
            super().keyPressEvent(event)

    def decide(self, key: int) -> bool:
        """Record the decision of `key` on the current box or sheet; False when refused."""
        item, box = self.current(), self.current_box()
        if item is None or self.session_id is None:
            return False
        target, value, _word = DECISION_KEYS[key]
        if target == "box" and box is None:
            return False
        try:
            self.ctx.services.counting.decide(
                self.session_id, item.sheet_id, value,
                self.reason_edit.text().strip() or None,
                project_id=box.project_id if target == "box" and box else None,
                witness=self.witness.currentData() or None,
            )  # fmt: skip
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return False
        self._after_decision()
        return True

    def confirm_reading(self) -> bool:
        """Entrée: the page was in doubt, not a box: record the machine's reading box by box."""
        item, pic = self.current(), self.picture
        if item is None or pic is None or item.boxes or self.hide_machine.isChecked():
            return False
        counting, reason = self.ctx.services.counting, _("Lecture de la machine confirmée")
        for box in pic.boxes:
            if box.machine in ("marked", "unmarked"):
                counting.decide(self.session_id or "", item.sheet_id, box.machine, reason,
                                project_id=box.project_id,
                                witness=self.witness.currentData() or None)  # fmt: skip
        self._after_decision()
        return True

    def _after_decision(self) -> None:
        self.reason_edit.clear()
        self.reload()
        self.setFocus()
        self.decided.emit()
