"""MODE ATELIER: typing ideas during a meeting, full screen, keyboard only, nothing ever lost.

One flow: title -> (Entrée / Tab) -> description -> (Entrée / Tab) -> theme with one digit ->
Entrée saves and starts the next idea. Échap leaves. What is being typed is kept as a draft in the
database after every pause (~500 ms) and restored when the mode reopens, so a laptop that dies
mid-sentence loses nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import models as m
from app.domain.dates import format_datetime
from app.errors import UserError
from app.i18n import _, ngettext
from app.services.ideas import IdeaFilter, IdeaInput
from ui.screens.atelier.widgets import RecentIdeas, ThemePicker, size_rules, sized
from ui.theme import COLORS

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

AUTOSAVE_MS = 500


def style(zoom: float = 1.0) -> str:
    """The atelier's own look: big type, thick coloured focus, one filled primary button."""
    c = COLORS
    return f"""
AtelierWindow {{ background: {c.background}; }}
QLineEdit, QPlainTextEdit {{ border: 2px solid {c.border}; border-radius: 10px; padding: 8px;
    background: {c.background}; color: {c.text}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 3px solid {c.focus}; }}
QPushButton {{ border: 2px solid {c.border}; border-radius: 10px; padding: 10px 18px;
    background: {c.surface}; color: {c.text}; }}
QPushButton:focus {{ border: 3px solid {c.focus}; }}
QPushButton#primary {{ background: {c.accent}; color: white; border-color: {c.accent}; }}
QLabel#error {{ color: {c.danger}; font-weight: bold; }}
QLabel#hint {{ color: {c.text_muted}; }}
QLabel#heading {{ color: {c.accent}; }}
{size_rules(zoom)}
"""


def _label(text: str, points: int, bold: bool = False, name: str = "") -> QLabel:
    label = QLabel(text)
    sized(label, points, bold)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class AtelierWindow(QWidget):
    """The full-screen capture window for one meeting. `closed` gives the ideas noted."""

    closed = Signal(int)

    def __init__(self, ctx: AppContext, meeting_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.meeting = ctx.services.meetings.get_meeting(meeting_id)
        campaign = ctx.services.campaigns.get_campaign(self.meeting.campaign_id)
        self._titles: list[str] = []
        self._last_ids: list[str] = []
        self._noted_here = 0
        self._restoring = False
        self._left = False
        self.setObjectName("AtelierWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(_("Mode atelier — BP Terrain"))
        self.setStyleSheet(style(max(ctx.settings.zoom, 50) / 100))
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_draft)
        self._build(campaign.themes)
        self._connect()
        self._load_ideas()
        self._restore_draft()

    # --- layout ---------------------------------------------------------------------------------

    def _build(self, themes: tuple[str, ...]) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(48, 32, 48, 24)
        root.setSpacing(14)
        root.addLayout(self._header())
        body = QHBoxLayout()
        body.setSpacing(40)
        body.addLayout(self._form(themes), 4)
        body.addLayout(self._side(), 1)
        root.addLayout(body, 1)
        root.addLayout(self._footer())

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(_label(_("Mode atelier"), 28, bold=True, name="heading"))
        row.addSpacing(24)
        row.addWidget(_label(self._meeting_text(), 16, name="hint"), 1)
        self.residence_box = QComboBox()
        sized(self.residence_box, 16)
        self.residence_box.setAccessibleName(_("Résidence des idées"))
        for residence in self.ctx.services.campaigns.list_residences(self.meeting.campaign_id):
            self.residence_box.addItem(residence.name, residence.id)
        if self.meeting.residence_id:
            self.residence_box.setCurrentIndex(
                self.residence_box.findData(self.meeting.residence_id)
            )
            self.residence_box.setVisible(False)
        row.addWidget(self.residence_box)
        self.counter = _label("", 22, bold=True)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.counter)
        return row

    def _meeting_text(self) -> str:
        kind = _(m.MEETING_KIND_LABELS[self.meeting.kind])
        parts = [kind, format_datetime(self.meeting.starts_at)]
        if self.meeting.place:
            parts.append(self.meeting.place)
        return " · ".join(parts)

    def _form(self, themes: tuple[str, ...]) -> QVBoxLayout:
        col = QVBoxLayout()
        col.setSpacing(8)
        col.addWidget(_label(_("Titre de l'idée"), 18, bold=True))
        self.title_edit = QLineEdit()
        sized(self.title_edit, 26)
        self.title_edit.setPlaceholderText(_("Par exemple : des bancs près de l'aire de jeux"))
        self.title_edit.setAccessibleName(_("Titre de l'idée"))
        col.addWidget(self.title_edit)
        self.title_error = _label("", 16, name="error")
        self.title_error.setVisible(False)
        col.addWidget(self.title_error)
        col.addSpacing(10)
        col.addWidget(_label(_("Description (facultatif)"), 18, bold=True))
        self.description_edit = QPlainTextEdit()
        sized(self.description_edit, 20)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(150)
        self.description_edit.setAccessibleName(_("Description de l'idée"))
        self.description_edit.setPlaceholderText(_("Ce que les habitants ont dit, avec leurs mots"))
        col.addWidget(self.description_edit)
        col.addSpacing(10)
        col.addWidget(_label(_("Thème : tapez son numéro"), 18, bold=True))
        self.picker = ThemePicker(themes)
        col.addWidget(self.picker)
        self.error_label = _label("", 16, name="error")
        self.error_label.setVisible(False)
        col.addWidget(self.error_label)
        col.addStretch(1)
        return col

    def _side(self) -> QVBoxLayout:
        col = QVBoxLayout()
        col.addWidget(_label(_("Dernières idées"), 18, bold=True))
        self.recent = RecentIdeas()
        col.addWidget(self.recent, 1)
        self.undo_button = QPushButton(_("&Annuler la dernière idée"))
        sized(self.undo_button, 15)
        self.undo_button.setEnabled(False)
        col.addWidget(self.undo_button)
        self.draft_hint = _label("", 14, name="hint")
        col.addWidget(self.draft_hint)
        return col

    def _footer(self) -> QHBoxLayout:
        row = QHBoxLayout()
        hint = _(
            "Entrée : champ suivant, puis enregistrer · Tab : champ suivant · "
            "Ctrl+Entrée : enregistrer tout de suite · Échap : quitter (rien n'est perdu)"
        )
        row.addWidget(_label(hint, 14, name="hint"), 1)
        self.leave_button = QPushButton(_("Quitter (Échap)"))
        sized(self.leave_button, 16)
        row.addWidget(self.leave_button)
        self.save_button = QPushButton(_("Enregistrer l'idée (Entrée)"))
        self.save_button.setObjectName("primary")
        sized(self.save_button, 18, True)
        row.addWidget(self.save_button)
        return row

    def _connect(self) -> None:
        self.setTabOrder(self.title_edit, self.description_edit)
        self.setTabOrder(self.description_edit, self.picker)
        self.setTabOrder(self.picker, self.save_button)
        self.title_edit.returnPressed.connect(self.description_edit.setFocus)
        self.description_edit.installEventFilter(self)
        self.picker.submitted.connect(self.save_idea)
        self.save_button.clicked.connect(self.save_idea)
        self.leave_button.clicked.connect(self.leave)
        self.undo_button.clicked.connect(self.undo_last)
        self.title_edit.textChanged.connect(self._edited)
        self.description_edit.textChanged.connect(self._edited)
        self.picker.theme_changed.connect(self._edited)
        self.residence_box.currentIndexChanged.connect(self._edited)
        scope = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Escape), self.leave),
            (QKeySequence("Ctrl+Return"), self.save_idea),
            (QKeySequence("Ctrl+Enter"), self.save_idea),
        ):
            QShortcut(keys, self, slot, context=scope)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """In the description, Entrée moves on to the theme; Maj+Entrée starts a new line."""
        if watched is self.description_edit and event.type() == QEvent.Type.KeyPress:
            key_event = QKeyEvent(event)  # type: ignore[call-overload]
            plain = not key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
                if key_event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                    return False  # let the Ctrl+Entrée shortcut save
                self.picker.setFocus()
                return True
        return super().eventFilter(watched, event)

    # --- data -----------------------------------------------------------------------------------

    def fields(self) -> dict[str, str]:
        """What is being typed, as the draft stores it."""
        return {
            "title": self.title_edit.text(),
            "description": self.description_edit.toPlainText(),
            "theme": self.picker.theme,
            "residence_id": str(self.residence_box.currentData() or ""),
        }

    def _is_empty(self) -> bool:
        return not (self.title_edit.text().strip() or self.description_edit.toPlainText().strip())

    def _edited(self, *_args: object) -> None:
        if not self._restoring:
            self._timer.start()

    def save_draft(self) -> None:
        """Keep the idea being typed in the database (called after each pause in typing)."""
        self._timer.stop()
        try:
            if self._is_empty() and not self.picker.theme:
                self.ctx.services.ideas.clear_draft(self.meeting_id)
            else:
                self.ctx.services.ideas.save_draft(self.meeting_id, self.fields())
                self.draft_hint.setText(_("✓ Brouillon enregistré"))
        except Exception as exc:  # never lose the window over a draft; say it
            log.exception("atelier draft not saved")
            self.draft_hint.setText(_("⚠ Brouillon non enregistré : {error}").format(error=exc))

    def _restore_draft(self) -> None:
        draft = self.ctx.services.ideas.load_draft(self.meeting_id)
        if not draft:
            return
        self._restoring = True
        try:
            self.title_edit.setText(draft.get("title", ""))
            self.description_edit.setPlainText(draft.get("description", ""))
            self.picker.set_theme(draft.get("theme", ""))
            index = self.residence_box.findData(draft.get("residence_id", ""))
            if index >= 0 and not self.meeting.residence_id:
                self.residence_box.setCurrentIndex(index)
        finally:
            self._restoring = False
        self.draft_hint.setText(_("Idée en cours retrouvée : vous pouvez continuer."))

    def _load_ideas(self) -> None:
        ideas = self.ctx.services.ideas.list_ideas(IdeaFilter(meeting_id=self.meeting_id))
        self._titles = [idea.title for idea in ideas]
        self._refresh_side()

    def _refresh_side(self) -> None:
        n = len(self._titles)
        self.counter.setText(ngettext("{n} idée notée", "{n} idées notées", n).format(n=n))
        self.recent.set_titles(self._titles)
        self.undo_button.setEnabled(bool(self._last_ids))

    def _show_error(self, exc: UserError) -> None:
        target = self.title_error if exc.field in (None, "title") else self.error_label
        target.setText(f"⚠ {exc.message}")
        target.setVisible(True)
        if target is self.title_error:
            self.title_edit.setFocus()

    def _clear_errors(self) -> None:
        for label in (self.title_error, self.error_label):
            label.setVisible(False)

    # --- actions --------------------------------------------------------------------------------

    def save_idea(self) -> bool:
        """Record the idea typed, clear the form and start the next one. False if refused."""
        self._timer.stop()
        self._clear_errors()
        data = IdeaInput(
            title=self.title_edit.text(),
            residence_id=str(self.residence_box.currentData() or ""),
            description=self.description_edit.toPlainText(),
            theme=self.picker.theme,
            meeting_id=self.meeting_id,
        )
        try:
            if not data.residence_id:
                raise UserError(_("Choisissez d'abord la résidence concernée."))
            idea = self.ctx.services.ideas.create_idea(data, self.meeting.campaign_id)
        except UserError as exc:
            self.save_draft()
            self._show_error(exc)
            return False
        self.ctx.services.ideas.clear_draft(self.meeting_id)
        self._titles.append(idea.title)
        self._last_ids.append(idea.id)
        self._noted_here += 1
        self._reset_form()
        self.draft_hint.setText(_("✓ « {title} » enregistrée").format(title=idea.title))
        self.ctx.changed("ideas")
        return True

    def _reset_form(self) -> None:
        self._restoring = True
        try:
            self.title_edit.clear()
            self.description_edit.clear()
            self.picker.set_theme("")
        finally:
            self._restoring = False
        self._refresh_side()
        self.title_edit.setFocus()

    def undo_last(self) -> None:
        """Remove the idea saved last in this session (a slip of the Entrée key)."""
        if not self._last_ids:
            return
        idea_id = self._last_ids.pop()
        try:
            self.ctx.services.ideas.delete_idea(idea_id)
        except UserError as exc:
            self._last_ids.append(idea_id)
            self._show_error(exc)
            return
        title = self._titles.pop() if self._titles else ""
        self._noted_here -= 1
        self._refresh_side()
        self.draft_hint.setText(_("Idée retirée : « {title} »").format(title=title))
        self.ctx.changed("ideas")
        self.title_edit.setFocus()

    def leave(self) -> None:
        """Échap: save the idea if it has a title, otherwise keep what was typed as a draft."""
        if self._left:
            return
        if self.title_edit.text().strip() and not self.save_idea():
            self.save_draft()  # refused (e.g. too long): the draft keeps it for next time
        else:
            self.save_draft()
        self._left = True
        self.close()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Typing starts at once: the window takes the keyboard and the title the focus."""
        super().showEvent(event)
        self.activateWindow()
        self.raise_()
        self.title_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self._left:
            self.save_draft()
            self._left = True
        self.closed.emit(self._noted_here)
        super().closeEvent(event)
