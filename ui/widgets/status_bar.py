"""The status bar: sync state, the campaign in use, the database file, the zoom. Never hidden."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.i18n import _, ngettext
from ui.tasks import format_count
from ui.theme import TONE_ICONS, tone_colors


def sync_text(pending: int, online: bool = False) -> tuple[str, str]:
    """(words, tone) of the sync state, e.g. "Hors ligne — 85 modifications à synchroniser"."""
    where = _("En ligne") if online else _("Hors ligne")
    if pending == 0:
        return _("{where} — tout est synchronisé").format(where=where), "success"
    count = ngettext(
        "{n} modification à synchroniser", "{n} modifications à synchroniser", pending
    ).format(n=format_count(pending))
    return f"{where} — {count}", "warning"


def elide_path(path: Path, limit: int = 48) -> str:
    text = str(path)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 3]}…{text[-(2 * limit // 3) :]}"


class AppStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.sync = QLabel()
        self.campaign = QLabel()
        self.database = QLabel()
        self.zoom = QLabel()
        for label in (self.sync, self.campaign, self.database, self.zoom):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.addPermanentWidget(label)
        # room is left for the messages ("Rapprochement enregistré." was cut to "Ra…"):
        # the campaign and the database are elided to a width, whole in their tooltips
        self.widths = {self.campaign: 400, self.database: 200}

    def set_sync(self, pending: int, online: bool = False) -> None:
        text, tone = sync_text(pending, online)
        self.sync.setText(f"{TONE_ICONS[tone]} {text}")
        self.sync.setStyleSheet(f"color: {tone_colors(tone)[0]}; font-weight: bold;")
        self.sync.setAccessibleName(text)

    def _fit(self, label: QLabel, text: str) -> None:
        width = round(self.widths[label] * max(1.0, label.font().pointSizeF() / 11))
        metrics = label.fontMetrics()
        label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width))
        label.setAccessibleName(text)

    def set_campaign(self, name: str) -> None:
        text = _("Campagne : {name}").format(name=name) if name else _("Aucune campagne")
        self._fit(self.campaign, text)
        self.campaign.setToolTip(text)

    def set_database(self, path: Path) -> None:
        self._fit(self.database, _("Données : {path}").format(path=elide_path(path)))
        self.database.setToolTip(str(path))
        self.database.setAccessibleName(_("Données : {path}").format(path=path))

    def set_zoom(self, percent: int) -> None:
        self.zoom.setText(_("Zoom {percent} %").format(percent=percent).replace(" %", "\u202f%"))

    def free_width(self) -> int:
        """The room left of the permanent labels, where messages are shown."""
        used = sum(w.width() + 12 for w in (self.sync, self.campaign, self.database, self.zoom))
        return max(0, self.width() - used - 16)

    def show_note(self, message: str, msecs: int = 6000) -> bool:
        """Show `message` if it fits whole (else the toast alone says it): never "Ra…"."""
        if self.fontMetrics().horizontalAdvance(message) > self.free_width():
            self.clearMessage()
            return False
        self.showMessage(message, msecs)
        return True
