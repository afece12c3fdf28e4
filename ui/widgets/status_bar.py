"""The status bar: sync state, the campaign in use, the database file, the zoom. Never hidden."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.i18n import _, ngettext
from ui.tasks import format_count
from ui.theme import TONE_ICONS, tone_colors


def moment_text(iso: str) -> str:
    """A moment of the sync as the person reads it: "07/12 à 14:05" (local time)."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return _("{day} à {hour}").format(day=moment.strftime("%d/%m"), hour=moment.strftime("%H:%M"))


def sync_text(
    pending: int,
    online: bool | None = False,
    last_sync: str | None = None,
    enrolled: bool = True,
) -> tuple[str, str]:
    """(words, tone) of the sync state: "À jour", "3 modifications en attente", or "Hors ligne
    depuis 07/12 à 14:05" (with what waits). `online` is whether the server answered last time.
    A laptop enrolled on no server says so ("Pas de serveur de synchronisation"): it is not
    offline, and nothing waits for a server (whatever its outbox holds, or a time it keeps)."""
    if not enrolled:
        return _("Pas de serveur de synchronisation"), "info"
    count = ngettext("{n} modification en attente", "{n} modifications en attente", pending).format(
        n=format_count(pending)
    )
    if online:
        return (_("À jour"), "success") if pending == 0 else (count, "warning")
    if last_sync:
        where = _("Hors ligne depuis {moment}").format(moment=moment_text(last_sync))
    else:
        where = _("Hors ligne (jamais synchronisé)")
    return (f"{where} — {count}", "warning") if pending else (where, "info")


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

    def set_sync(
        self,
        pending: int,
        online: bool | None = False,
        last_sync: str | None = None,
        enrolled: bool = True,
    ) -> None:
        text, tone = sync_text(pending, online, last_sync, enrolled)
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
