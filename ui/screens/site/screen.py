"""Site public: what the campaign's website shows, in three tabs.

- Actualités: write a post (title, text with simple formatting, a picture), publish or withdraw;
- Suivi des projets: status, milestones and a photo of each funded project;
- Messages du site: what residents wrote on the contact form, arrived by sync: the same panel as
  the Permanences screen's inbox (answered, a follow-up, or an appointment).

The header publishes or withdraws the campaign and its projects. Everything travels to the server
at the next sync; nothing shows on the site until it is published.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import site as d
from app.errors import UserError
from app.i18n import N_, _
from app.services.site import FollowupInput, NewsInput
from ui.context import AppContext
from ui.screens.appointments.inbox import SiteInboxPanel
from ui.widgets import Screen, ScreenshotVariant, primary_button

FORMAT_HINT = N_(
    "Mise en forme : ligne vide = paragraphe, « - » = liste, **gras**, *italique*, [texte](https://lien)."
)


class NewsPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.current: str | None = None
        self.picture: Path | None = None
        row = QHBoxLayout(self)
        split = QSplitter()
        row.addWidget(split)
        left = QWidget()
        lv = QVBoxLayout(left)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Actualités"))
        self.list.currentItemChanged.connect(self._select)
        lv.addWidget(self.list, 1)
        new = QPushButton(_("Nouvelle actualité"))
        new.clicked.connect(self.new)
        lv.addWidget(new)
        split.addWidget(left)
        right = QWidget()
        form = QFormLayout(right)
        self.title = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(_(FORMAT_HINT))
        self.alt = QLineEdit()
        self.picture_label = QLabel(_("Pas d'image"))
        choose = QPushButton(_("Choisir une image…"))
        choose.clicked.connect(self.choose_picture)
        pic_row = QHBoxLayout()
        pic_row.addWidget(self.picture_label, 1)
        pic_row.addWidget(choose)
        self.state = QLabel()
        form.addRow(_("Titre"), self.title)
        form.addRow(_("Texte"), self.body)
        form.addRow(_("Image"), pic_row)
        form.addRow(_("Description de l'image"), self.alt)
        form.addRow(QLabel(_(FORMAT_HINT)))
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Enregistrer"))
        self.save_button.clicked.connect(self.save)
        self.publish_button = primary_button(_("Publier"), self.toggle_publish)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.publish_button)
        buttons.addStretch(1)
        form.addRow(self.state)
        form.addRow(buttons)
        split.addWidget(right)
        split.setStretchFactor(1, 2)

    def reload(self) -> None:
        self.posts = {p.id: p for p in self.ctx.services.site.list_news()}
        self.list.blockSignals(True)
        self.list.clear()
        for post in self.posts.values():
            mark = _("publiée") if post.published else _("brouillon")
            item = QListWidgetItem(f"{post.title} — {mark}")
            item.setData(Qt.ItemDataRole.UserRole, post.id)
            self.list.addItem(item)
            if post.id == self.current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._show(self.posts.get(self.current or ""))

    def _select(self, item: QListWidgetItem | None) -> None:
        self.current = item.data(Qt.ItemDataRole.UserRole) if item else None
        self._show(self.posts.get(self.current or ""))

    def _show(self, post: d.NewsPost | None) -> None:
        self.picture = None
        self.title.setText(post.title if post else "")
        self.body.setPlainText(post.body if post else "")
        self.alt.setText(post.picture_alt if post else "")
        self.picture_label.setText(
            _("Image jointe") if post and post.has_picture else _("Pas d'image")
        )
        self.publish_button.setText(
            _("Retirer du site") if post and post.published else _("Publier")
        )
        self.publish_button.setEnabled(post is not None)
        if post is None:
            self.state.setText(_("Nouvelle actualité : enregistrez-la, puis publiez-la."))
        elif post.published:
            self.state.setText(
                _("Publiée : visible sur le site après la prochaine synchronisation.")
            )
        else:
            self.state.setText(_("Brouillon : invisible sur le site."))

    def new(self) -> None:
        self.current = None
        self.list.clearSelection()
        self._show(None)
        self.title.setFocus()

    def choose_picture(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choisir une image"), "", _("Images (*.jpg *.jpeg *.png)")
        )
        if name:
            self.picture = Path(name)
            self.picture_label.setText(self.picture.name)

    def save(self) -> None:
        data = NewsInput(self.title.text(), self.body.toPlainText(), self.alt.text())
        try:
            site = self.ctx.services.site
            if self.current is None:
                post = site.create_news(data, self.picture)
            else:
                post = site.update_news(self.current, data)
                if self.picture is not None:
                    post = site.set_news_picture(self.current, self.picture)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.current = post.id
        self.ctx.notify(_("Actualité enregistrée."))
        self.ctx.changed("site")

    def toggle_publish(self) -> None:
        post = self.posts.get(self.current or "")
        if post is None:
            return
        self.ctx.services.site.publish_news(post.id, not post.published)
        self.ctx.notify(
            _("Actualité retirée du site.") if post.published else _("Actualité publiée.")
        )
        self.ctx.changed("site")


class FollowupPanel(QWidget):
    """One funded (or admissible) project at a time: status, milestones, note, a photo."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.picture: Path | None = None
        form = QFormLayout(self)
        self.project = QComboBox()
        self.project.setAccessibleName(_("Projet"))
        self.project.currentIndexChanged.connect(self._show)
        self.status = QComboBox()
        for key, label in d.FOLLOWUP_STATUSES.items():
            self.status.addItem(_(label), key)
        self.milestones = QPlainTextEdit()
        self.milestones.setPlaceholderText(
            _("Une étape par ligne : 2027-03-01 ; Commande des bacs ; fait")
        )
        self.note = QPlainTextEdit()
        self.published = QLabel()
        choose = QPushButton(_("Choisir une photo…"))
        choose.clicked.connect(self.choose_picture)
        form.addRow(_("Projet"), self.project)
        form.addRow(_("État"), self.status)
        form.addRow(_("Étapes"), self.milestones)
        form.addRow(_("Note"), self.note)
        form.addRow(_("Photo"), choose)
        buttons = QHBoxLayout()
        save = QPushButton(_("Enregistrer"))
        save.clicked.connect(self.save)
        self.publish_button = primary_button(_("Publier le suivi"), self.toggle_publish)
        buttons.addWidget(save)
        buttons.addWidget(self.publish_button)
        buttons.addStretch(1)
        form.addRow(self.published)
        form.addRow(buttons)

    def reload(self) -> None:
        keep = self.project.currentData()
        self.project.blockSignals(True)
        self.project.clear()
        for p in self.ctx.services.projects.list_projects():
            if p.status.value == "admissible":
                self.project.addItem(f"{p.number}. {p.title}", p.id)
        index = max(self.project.findData(keep), 0) if keep else 0
        self.project.setCurrentIndex(index)
        self.project.blockSignals(False)
        self._show()

    def _show(self) -> None:
        project_id = self.project.currentData()
        follow = self.ctx.services.site.followup(project_id) if project_id else None
        self.picture = None
        self.status.setCurrentIndex(
            max(self.status.findData(follow.status if follow else "planned"), 0)
        )
        self.milestones.setPlainText("\n".join(
            f"{m.day.isoformat() if m.day else ''} ; {m.label} ; {'fait' if m.done else ''}".strip()
            for m in (follow.milestones if follow else ())
        ))  # fmt: skip
        self.note.setPlainText(follow.note if follow else "")
        published = bool(follow and follow.published)
        self.published.setText(_("Publié sur le site.") if published else _("Pas encore publié."))
        self.publish_button.setText(_("Retirer du site") if published else _("Publier le suivi"))

    def _milestones(self) -> tuple[d.Milestone, ...]:
        out = []
        for number, line in enumerate(self.milestones.toPlainText().splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            parts += [""] * (3 - len(parts))
            try:
                day = date.fromisoformat(parts[0]) if parts[0] else None
            except ValueError as exc:
                raise UserError(
                    _("Étape {n} : date illisible « {d} » (attendu AAAA-MM-JJ).").format(
                        n=number, d=parts[0]
                    ),
                    field="milestones",
                ) from exc
            out.append(d.Milestone(day, parts[1], parts[2].lower() in ("fait", "done", "x", "oui")))
        return tuple(out)

    def choose_picture(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choisir une photo"), "", _("Images (*.jpg *.jpeg *.png)")
        )
        if name:
            self.picture = Path(name)

    def save(self) -> None:
        project_id = self.project.currentData()
        if not project_id:
            return
        try:
            data = FollowupInput(
                self.status.currentData(), self._milestones(), self.note.toPlainText()
            )
            self.ctx.services.site.set_followup(project_id, data, self.picture)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.ctx.notify(_("Suivi enregistré."))
        self.ctx.changed("site")

    def toggle_publish(self) -> None:
        project_id = self.project.currentData()
        follow = self.ctx.services.site.followup(project_id) if project_id else None
        try:
            if follow is None:
                raise UserError(_("Ce projet n'a pas encore de suivi à publier."))
            self.ctx.services.site.publish_followup(project_id, not follow.published)
        except UserError as exc:
            self.ctx.show_error(exc, self)
            return
        self.ctx.changed("site")


class SiteScreen(Screen):
    kinds = ("site", "campaign", "projects", "results")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = _("Site public")
        layout, self.header = self.standard_layout(
            self.title, _("Rien n'apparaît sur le site tant que vous ne l'avez pas publié.")
        )
        self.campaign_button = QPushButton(_("Publier la campagne"))
        self.campaign_button.clicked.connect(self.toggle_campaign)
        self.projects_button = QPushButton(_("Publier tous les projets"))
        self.projects_button.clicked.connect(self.publish_projects)
        self.preview_button = QPushButton(_("Aperçu du site"))
        self.preview_button.setToolTip(
            _(
                "Le site tel qu'il sera après synchronisation, brouillons compris, dans le navigateur."
            )
        )
        self.preview_button.clicked.connect(self.open_preview)
        self.preview_process: subprocess.Popen[bytes] | None = None
        self.header.actions.addWidget(self.preview_button)
        self.header.actions.addWidget(self.campaign_button)
        self.header.actions.addWidget(self.projects_button)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.news = NewsPanel(ctx)
        self.followup = FollowupPanel(ctx)
        # the same inbox as the Permanences screen's (one panel); a message turned into an
        # appointment is shown there, in its day
        self.inbox = SiteInboxPanel(ctx, lambda slot: ctx.navigate("appointments"))
        self.tabs.addTab(self.news, _("Actualités"))
        self.tabs.addTab(self.followup, _("Suivi des projets"))
        self.tabs.addTab(self.inbox, _("Messages du site"))
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        if not self.ctx.services.campaigns.has_campaign():
            self.setEnabled(False)
            return
        self.setEnabled(True)
        state = self.ctx.services.site.state()
        self.campaign_published = state.campaign
        self.campaign_button.setText(
            _("Retirer la campagne du site") if state.campaign else _("Publier la campagne")
        )
        self.header.set_subtitle(
            _("Campagne {c} · projets publiés : {p} sur {t} · résultats : {r} · actualités : {n}").format(
                c=_("publiée") if state.campaign else _("non publiée"), p=state.projects,
                t=state.projects_total, r=state.results, n=state.news,
            )
        )  # fmt: skip
        self.news.reload()
        self.followup.reload()
        self.inbox.reload()

    def badge(self) -> str | None:
        if not self.ctx.services.campaigns.has_campaign():
            return None
        count = self.ctx.services.inbox.unhandled_count()
        return _("{n} message(s)").format(n=count) if count else None

    def toggle_campaign(self) -> None:
        self.ctx.services.site.publish_campaign(not self.campaign_published)
        self.ctx.changed("site")

    def publish_projects(self) -> None:
        count = self.ctx.services.site.publish_projects(True)
        self.ctx.notify(_("{n} projets publiés.").format(n=count))
        self.ctx.changed("site")

    def open_preview(self) -> None:
        """Serve the site from this laptop's data on 127.0.0.1 (`bp-terrain site preview
        --all`) and open it in the browser; the preview stops with the app or the next click."""
        self.stop_preview()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        command = [sys.executable, "-m", "ui.cli", "site", "preview", "--all", "--port", str(port),
                   "--data-dir", str(self.ctx.services.data_dir)]  # fmt: skip
        self.preview_process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.preview_url = f"http://127.0.0.1:{port}/"
        QApplication.instance().aboutToQuit.connect(self.stop_preview)  # type: ignore[union-attr]
        QTimer.singleShot(2500, lambda: QDesktopServices.openUrl(QUrl(self.preview_url)))
        self.ctx.notify(_("Aperçu du site : {url}").format(url=self.preview_url))

    def stop_preview(self) -> None:
        if self.preview_process is not None and self.preview_process.poll() is None:
            self.preview_process.terminate()
            self.preview_process.wait(timeout=10)
        self.preview_process = None

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [("site-inbox", self._show_inbox)]

    def _show_inbox(self) -> QWidget:
        self.tabs.setCurrentWidget(self.inbox)
        return self
